package io.tunnelstore.server;

import io.tunnelstore.server.auth.CredentialStore;
import io.tunnelstore.storage.StorageEngine;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the server hands to every {@link ServerModule} factory. All members are owned by the server: modules use them
 * but never close or shut them down; they stay valid until the module's own {@code close()} has returned.
 *
 * @param storage         the open storage engine (thread-safe)
 * @param clock           the server clock (inject a movable one in tests)
 * @param scheduler       shared scheduler for timers (tasks must be short and must not block)
 * @param credentialStore access keys and temporary credentials
 * @param config          the server configuration
 */
public record ServerContext(StorageEngine storage, Clock clock, ScheduledExecutorService scheduler,
                            CredentialStore credentialStore, ServerConfig config) {
    public ServerContext {
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(credentialStore, "credentialStore");
        Objects.requireNonNull(config, "config");
    }
}
