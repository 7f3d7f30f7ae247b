package io.tunnelstore.server.compat;

import com.alicloud.openservices.tablestore.ClientConfiguration;
import com.alicloud.openservices.tablestore.InternalClient;
import com.alicloud.openservices.tablestore.model.CreateTableRequestEx;
import java.util.concurrent.ExecutionException;
import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.TableStoreException;
import com.alicloud.openservices.tablestore.model.CreateTableRequest;
import com.alicloud.openservices.tablestore.model.PrimaryKey;
import com.alicloud.openservices.tablestore.model.PrimaryKeyBuilder;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.TableMeta;
import com.alicloud.openservices.tablestore.model.TableOptions;
import io.tunnelstore.server.InProcessServer;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.table.TableModule;
import io.tunnelstore.testsupport.ManualClock;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real {@link TunnelstoreServer} with the {@link TableModule} on a loopback port and a temporary data directory,
 * plus an official {@link SyncClient} pointed at it. The server clock starts at the real time (the SDK signs with it)
 * and can be moved forward. Close it after the test class.
 */
final class CompatServer implements AutoCloseable {

    static final String INSTANCE = "compat";
    static final String ACCESS_KEY_ID = "compat-ak";
    static final String ACCESS_KEY_SECRET = "compat-secret";

    final ManualClock clock;
    private final InProcessServer inProcess;
    final TunnelstoreServer server;
    final SyncClient client;
    /** SyncClient has no createTableEx (split points); the SDK's InternalClient does. */
    final InternalClient internal;

    /** A server whose clock stands still at the real start time (the SDK signs with it) until a test moves it. */
    CompatServer(Path dataDir) {
        this(dataDir, ManualClock.startingNow());
    }

    /**
     * A server whose clock follows the real time (plus whatever the test advances it by): concurrency tests need
     * time to pass between requests, as on a real deployment.
     */
    static CompatServer withTickingClock(Path dataDir) {
        return new CompatServer(dataDir, ManualClock.followingSystemTime());
    }

    private CompatServer(Path dataDir, ManualClock clock) {
        this.clock = clock;
        inProcess = InProcessServer.builder(dataDir)
                .instances(INSTANCE)
                .adminKey(ACCESS_KEY_ID, ACCESS_KEY_SECRET)
                .clock(clock)
                .module(TableModule::new)
                .start();
        server = inProcess.server();
        ClientConfiguration cc = new ClientConfiguration();
        cc.setConnectionTimeoutInMillisecond(5_000);
        cc.setSocketTimeoutInMillisecond(10_000);
        client = new SyncClient(server.endpoint(), ACCESS_KEY_ID, ACCESS_KEY_SECRET, INSTANCE, cc);
        internal = new InternalClient(server.endpoint(), ACCESS_KEY_ID, ACCESS_KEY_SECRET, INSTANCE, cc);
    }

    TableModule module() {
        return inProcess.module(TableModule.class);
    }

    /** Creates a table with the given PK columns (name, type pairs) and options. */
    void createTable(String name, TableOptions options, Object... pk) {
        client.createTable(new CreateTableRequest(meta(name, pk), options));
    }

    /** CreateTable with split points (sent as {@code partitions}). */
    void createTableEx(CreateTableRequestEx request) {
        try {
            internal.createTableEx(request, null).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static TableMeta meta(String name, Object... pk) {
        TableMeta meta = new TableMeta(name);
        for (int i = 0; i < pk.length; i += 2) {
            meta.addPrimaryKeyColumn((String) pk[i], (PrimaryKeyType) pk[i + 1]);
        }
        return meta;
    }

    /** A key from (name, value) pairs; values are Long, String or byte[]. */
    static PrimaryKey pk(Object... nameValues) {
        PrimaryKeyBuilder b = PrimaryKeyBuilder.createPrimaryKeyBuilder();
        for (int i = 0; i < nameValues.length; i += 2) {
            Object v = nameValues[i + 1];
            PrimaryKeyValue value = v instanceof PrimaryKeyValue p ? p
                    : v instanceof Long l ? PrimaryKeyValue.fromLong(l)
                    : v instanceof Integer n ? PrimaryKeyValue.fromLong(n)
                    : v instanceof String s ? PrimaryKeyValue.fromString(s)
                    : PrimaryKeyValue.fromBinary((byte[]) v);
            b.addPrimaryKeyColumn((String) nameValues[i], value);
        }
        return b.build();
    }

    /** Asserts that {@code call} fails with this error code and HTTP status. */
    static void assertOtsError(ThrowingCallable call, String code, int status) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TableStoreException.class, e -> {
            org.assertj.core.api.Assertions.assertThat(e.getErrorCode()).isEqualTo(code);
            org.assertj.core.api.Assertions.assertThat(e.getHttpStatus()).isEqualTo(status);
        });
    }

    @Override
    public void close() {
        client.shutdown();
        internal.shutdown();
        inProcess.close();
    }
}
