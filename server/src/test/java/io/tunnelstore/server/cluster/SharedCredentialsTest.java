package io.tunnelstore.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alicloud.openservices.tablestore.ClientConfiguration;
import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.TableStoreException;
import com.alicloud.openservices.tablestore.model.NoRetryStrategy;
import io.tunnelstore.server.ServerConfig;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.auth.AccessKey;
import io.tunnelstore.server.auth.CredentialStore;
import io.tunnelstore.server.auth.KeyOrigin;
import io.tunnelstore.server.auth.KeyScope;
import io.tunnelstore.server.table.TableModule;
import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.rocksdb.RocksDbStorageEngine;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access keys on every node without a restart (docs/scale-out.md, "Access keys across nodes"): two servers on one
 * shared engine (as two cluster nodes share HBase), whose placements deliver catalog announcements to each other
 * like the cluster's shared version counter does, unless the test mutes a node. The official SDK is the client.
 */
class SharedCredentialsTest {
    private static final String INSTANCE = "tunnelstore";
    private static final String AK = "adminKey";
    private static final String SK = "adminSecret0123456789";

    @TempDir
    Path dir;

    private StorageEngine engine;
    private final AtomicInteger keyScans = new AtomicInteger();
    private final List<ScriptedPlacement> bus = new CopyOnWriteArrayList<>();
    private final List<TunnelstoreServer> servers = new ArrayList<>();
    private final List<SyncClient> clients = new ArrayList<>();

    @BeforeEach
    void openEngine() {
        StorageEngine rocks = RocksDbStorageEngine.open(dir.resolve("shared"),
                StorageOptions.builder().syncWrites(false).build());
        // the servers share the engine and must not close it; the key scans are counted
        engine = (StorageEngine) Proxy.newProxyInstance(StorageEngine.class.getClassLoader(),
                new Class<?>[] {StorageEngine.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    if (method.getName().equals("scanMeta") && CredentialStore.KEY_PREFIX.equals(args[0])) {
                        keyScans.incrementAndGet();
                    }
                    try {
                        return method.invoke(rocks, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        closeEngine = rocks::close;
    }

    private Runnable closeEngine;

    @AfterEach
    void stop() {
        clients.forEach(SyncClient::shutdown);
        servers.forEach(TunnelstoreServer::close);
        closeEngine.run();
    }

    private TunnelstoreServer start(String name) {
        TunnelstoreServer server = TunnelstoreServer.builder(ServerConfig.builder().port(0)
                        .dataDir(dir.resolve(name)).adminKey(AK, SK).build())
                .module(TableModule::new)
                .storage(config -> engine)
                .cluster(storage -> new ScriptedPlacement(name, storage, bus))
                .console(new PrintStream(OutputStream.nullOutputStream()))
                .build();
        server.start();
        servers.add(server);
        return server;
    }

    private SyncClient client(TunnelstoreServer server, AccessKey key) {
        ClientConfiguration config = new ClientConfiguration();
        config.setRetryStrategy(new NoRetryStrategy()); // an auth failure must show, not be retried
        SyncClient client = new SyncClient(server.endpoint(), key.accessKeyId(), key.accessKeySecret(), INSTANCE,
                config);
        clients.add(client);
        return client;
    }

    private static AccessKey create(TunnelstoreServer node) {
        return node.context().credentialStore().createAccessKey(INSTANCE, KeyScope.READ_WRITE, Set.of(), 0,
                KeyOrigin.CREATED, System.currentTimeMillis());
    }

    private static void assertAuthFailed(SyncClient client, String message) {
        assertThatThrownBy(client::listTable).isInstanceOfSatisfying(TableStoreException.class, e -> {
            assertThat(e.getErrorCode()).isEqualTo("OTSAuthFailed");
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    @Test
    void keyChangesOnOneNodeReachTheOtherThroughTheAnnouncement() {
        TunnelstoreServer a = start("a");
        TunnelstoreServer b = start("b");
        AccessKey key = create(a);
        assertThat(b.context().credentialStore().findAccessKey(INSTANCE, key.accessKeyId())).contains(key);
        assertThat(client(b, key).listTable().getTableNames()).isEmpty();

        // a disable and a delete can only be learnt from the announcement (b knows the key, nothing misses)
        a.context().credentialStore().updateAccessKey(INSTANCE, key.accessKeyId(), k -> k.withEnabled(false));
        assertAuthFailed(client(b, key), "The AccessKeyID is disabled.");
        a.context().credentialStore().deleteAccessKey(INSTANCE, key.accessKeyId());
        assertAuthFailed(client(b, key), "The AccessKeyID does not exist.");

        // a rotation: the old secret stops working on b, the new one works there
        AccessKey second = create(a);
        AccessKey rotated = a.context().credentialStore().rotateAccessKey(INSTANCE, second.accessKeyId(),
                System.currentTimeMillis()).orElseThrow();
        assertAuthFailed(client(b, second), "Signature mismatch.");
        assertThat(client(b, rotated).listTable().getTableNames()).isEmpty();
    }

    @Test
    void aKeyWhoseAnnouncementHasNotArrivedIsFoundByOneReloadAndBadKeysAreRateLimited() {
        TunnelstoreServer a = start("a");
        TunnelstoreServer b = start("b");
        bus.get(1).muted = true; // b misses every announcement
        AccessKey key = create(a);
        assertThat(b.context().credentialStore().findAccessKey(INSTANCE, key.accessKeyId())).isEmpty();
        int scansBefore = keyScans.get();

        assertThat(client(b, key).listTable().getTableNames()).isEmpty(); // the miss reloaded b's keys once
        assertThat(keyScans.get()).isEqualTo(scansBefore + 1);

        // a burst of requests with an unknown key inside the interval: refused, without another storage scan
        AccessKey bogus = new AccessKey("TSnoSuchKey", "noSuchSecret0123456789", false, 0);
        SyncClient bad = client(b, bogus);
        long burstStart = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            assertAuthFailed(bad, "The AccessKeyID does not exist.");
        }
        long burstNanos = System.nanoTime() - burstStart;
        // the reload interval is 1 s: at most one more scan if the burst crossed it, none otherwise
        int extra = keyScans.get() - scansBefore - 1;
        assertThat(extra).isLessThanOrEqualTo(1 + (int) (burstNanos / java.time.Duration.ofSeconds(1).toNanos()));
    }
}
