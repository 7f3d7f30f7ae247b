package io.tunnelstore.server.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alicloud.openservices.tablestore.ClientConfiguration;
import com.alicloud.openservices.tablestore.InternalClient;
import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.TableStoreException;
import com.alicloud.openservices.tablestore.model.CreateTableRequestEx;
import com.alicloud.openservices.tablestore.model.PrimaryKey;
import com.alicloud.openservices.tablestore.model.PrimaryKeyBuilder;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.StreamSpecification;
import com.alicloud.openservices.tablestore.model.TableMeta;
import com.alicloud.openservices.tablestore.model.TableOptions;
import io.tunnelstore.server.InProcessServer;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.table.TableModule;
import io.tunnelstore.testsupport.ManualClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * A real {@link TunnelstoreServer} with the {@link TableModule} (periodic trim off: tests trim explicitly) and the
 * {@link StreamModule} on a loopback port, plus official SDK clients. The server clock stands still at {@link #START}
 * until a test moves it, so commit times (sequence-info timestamps) are exact.
 */
final class StreamTestServer implements AutoCloseable {

    static final String INSTANCE = "streams";
    static final String AK = "stream-ak";
    static final String SK = "stream-secret";
    static final Instant START = Instant.parse("2026-03-04T05:06:07.008Z");

    final ManualClock clock = ManualClock.startingAt(START);
    private final InProcessServer inProcess;
    final TunnelstoreServer server;
    final SyncClient client;
    /** SyncClient cannot create a table with split points; the SDK's InternalClient can. */
    private final InternalClient internal;

    StreamTestServer(Path dataDir) {
        inProcess = InProcessServer.builder(dataDir)
                .instances(INSTANCE, "other")
                .adminKey(AK, SK)
                .clock(clock)
                .module(ctx -> new TableModule(ctx.catalog(), ctx.storage(), ctx.clock(), null))
                .module(StreamModule::new)
                .start();
        server = inProcess.server();
        client = client(INSTANCE);
        internal = new InternalClient(server.endpoint(), AK, SK, INSTANCE, clientConfig());
    }

    /** Another official client, for {@code instance}; close it yourself. */
    SyncClient client(String instance) {
        return new SyncClient(server.endpoint(), AK, SK, instance, clientConfig());
    }

    private static ClientConfiguration clientConfig() {
        ClientConfiguration cc = new ClientConfiguration();
        cc.setConnectionTimeoutInMillisecond(5_000);
        cc.setSocketTimeoutInMillisecond(10_000);
        return cc;
    }

    TableModule tables() {
        return inProcess.module(TableModule.class);
    }

    /**
     * Creates a table whose PK is {@code pk INTEGER}, split at the given values (one partition = one shard each),
     * with a stream (24 h) keeping {@code originColumns}, or no stream when {@code originColumns} is null.
     */
    void createIntegerTable(String name, List<Long> splitPoints, String... originColumns) {
        TableMeta meta = new TableMeta(name);
        meta.addPrimaryKeyColumn("pk", PrimaryKeyType.INTEGER);
        createTable(meta, splitPoints.stream().map(PrimaryKeyValue::fromLong).toList(), originColumns);
    }

    void createTable(TableMeta meta, List<PrimaryKeyValue> splitPoints, String... originColumns) {
        CreateTableRequestEx create = new CreateTableRequestEx(meta, new TableOptions(-1, 3));
        if (!splitPoints.isEmpty()) {
            create.setSplitPoints(splitPoints);
        }
        if (originColumns != null) {
            StreamSpecification spec = new StreamSpecification(true, 24);
            for (String c : originColumns) {
                spec.addOriginColumnsToGet(c);
            }
            create.setStreamSpecification(spec);
        }
        try {
            internal.createTableEx(create, null).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A key from (name, value) pairs; values are Long, Integer or String. */
    static PrimaryKey pk(Object... nameValues) {
        PrimaryKeyBuilder b = PrimaryKeyBuilder.createPrimaryKeyBuilder();
        for (int i = 0; i < nameValues.length; i += 2) {
            Object v = nameValues[i + 1];
            PrimaryKeyValue value = v instanceof PrimaryKeyValue p ? p
                    : v instanceof Long l ? PrimaryKeyValue.fromLong(l)
                    : v instanceof Integer n ? PrimaryKeyValue.fromLong(n)
                    : PrimaryKeyValue.fromString((String) v);
            b.addPrimaryKeyColumn((String) nameValues[i], value);
        }
        return b.build();
    }

    /** Asserts that {@code call} fails with this error code and HTTP status, and returns the message. */
    static String assertOtsError(ThrowingCallable call, String code, int status) {
        AtomicReference<String> message = new AtomicReference<>();
        assertThatThrownBy(call).isInstanceOfSatisfying(TableStoreException.class, e -> {
            assertThat(e.getErrorCode()).isEqualTo(code);
            assertThat(e.getHttpStatus()).isEqualTo(status);
            message.set(e.getMessage());
        });
        return message.get();
    }

    @Override
    public void close() {
        client.shutdown();
        internal.shutdown();
        inProcess.close();
    }
}
