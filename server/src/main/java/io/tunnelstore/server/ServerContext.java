package io.tunnelstore.server;

import io.tunnelstore.server.auth.CredentialStore;
import io.tunnelstore.server.cluster.ClusterPlacement;
import io.tunnelstore.server.cluster.SingleNodePlacement;
import io.tunnelstore.server.table.TableCatalog;
import io.tunnelstore.storage.StorageEngine;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the server hands to every {@link ServerModule} factory: everything of one node. All members are owned by the
 * server: modules use them but never close or shut them down; they stay valid until the module's own
 * {@code close()} has returned. Nothing here is static or shared with another server in the same JVM.
 *
 * @param storage         the open storage engine (thread-safe)
 * @param clock           the server clock (inject a movable one in tests)
 * @param scheduler       shared scheduler for timers (tasks must be short and must not block)
 * @param credentialStore access keys and temporary credentials
 * @param config          the server configuration
 * @param catalog         the tables of this server's storage engine; every module must use this one (two catalogs
 *                        over one engine would not see each other's changes)
 * @param services        typed services the modules offer each other
 */
public record ServerContext(StorageEngine storage, Clock clock, ScheduledExecutorService scheduler,
                            CredentialStore credentialStore, ServerConfig config, TableCatalog catalog,
                            ServerServices services) {
    public ServerContext {
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(credentialStore, "credentialStore");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(services, "services");
    }

    /**
     * Where things run when several nodes share the storage engine (docs/scale-out.md): the placement the server
     * joined with ({@link TunnelstoreServer.Builder#cluster}), or a single-node one (everything local, plain engine
     * writes) for a context built outside a server.
     */
    public ClusterPlacement placement() {
        return services.find(ClusterPlacement.class).orElseGet(() -> new SingleNodePlacement(storage));
    }

    /**
     * A context outside a {@link TunnelstoreServer} (module tests): a new {@link TableCatalog} loaded from
     * {@code storage} and no services. Build one context per engine and share it, as the server does.
     */
    public ServerContext(StorageEngine storage, Clock clock, ScheduledExecutorService scheduler,
                         CredentialStore credentialStore, ServerConfig config) {
        this(storage, clock, scheduler, credentialStore, config, new TableCatalog(storage), new ServerServices());
    }
}
