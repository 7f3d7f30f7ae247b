package io.tunnelstore.server.tunnel;

import com.alicloud.openservices.tablestore.ClientConfiguration;
import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.TunnelClient;
import com.alicloud.openservices.tablestore.model.CreateTableRequest;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.TableMeta;
import com.alicloud.openservices.tablestore.model.TableOptions;
import com.alicloud.openservices.tablestore.model.tunnel.DescribeTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.DescribeTunnelResponse;
import io.tunnelstore.server.ServerConfig;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.table.TableModule;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A real {@link TunnelstoreServer} with the {@link TableModule} and the {@link TunnelModule} on a loopback port over a
 * temporary data directory, plus official {@link SyncClient} and {@link TunnelClient}s. {@link #restart()} stops
 * and starts the server on the same directory and port (what a crash-and-restart looks like to the workers).
 *
 * <p>The server clock is real time plus a movable offset, so official workers (which use real time) and server
 * timeouts agree.
 */
final class TunnelTestServer implements AutoCloseable {
    static final String INSTANCE = "tunnels";
    static final String AK = "tunnel-ak";
    static final String SK = "tunnel-secret";

    /** Small reads and splits, short long-poll: exercises batching and parallel base channels on tiny tables. */
    static final TunnelServiceConfig TEST_CONFIG = TunnelServiceConfig.builder()
            .baseSplitTargetBytes(2048)
            .maxRecordsPerRead(50)
            .longPollWait(Duration.ofMillis(300))
            .tickInterval(Duration.ofMillis(200))
            .build();

    final OffsetClock clock = new OffsetClock();
    private final Path dataDir;
    private final TunnelServiceConfig config;
    private int port;
    volatile TunnelstoreServer server;
    volatile TunnelModule tunnelModule;
    volatile TableModule tableModule;
    volatile SyncClient client;
    volatile TunnelClient tunnels;

    TunnelTestServer(Path dataDir) {
        this(dataDir, TEST_CONFIG);
    }

    TunnelTestServer(Path dataDir, TunnelServiceConfig config) {
        this.dataDir = dataDir;
        this.config = config;
        start();
    }

    private void start() {
        ServerConfig sc = ServerConfig.builder()
                .host("127.0.0.1")
                .port(port)
                .dataDir(dataDir)
                .instanceNames(List.of(INSTANCE))
                .adminKey(AK, SK)
                .clock(clock).withoutClockSkewCheck()
                .workerThreads(8)
                .syncWrites(false)
                .build();
        server = TunnelstoreServer.builder(sc)
                .module(ctx -> {
                    TableModule m = new TableModule(ctx);
                    tableModule = m;
                    return m;
                })
                .module(ctx -> {
                    TunnelModule m = new TunnelModule(ctx, config);
                    tunnelModule = m;
                    return m;
                })
                .console(new PrintStream(OutputStream.nullOutputStream()))
                .build();
        server.start();
        port = server.port();
        ClientConfiguration cc = new ClientConfiguration();
        cc.setConnectionTimeoutInMillisecond(5_000);
        cc.setSocketTimeoutInMillisecond(10_000);
        client = new SyncClient(endpoint(), AK, SK, INSTANCE, cc);
        tunnels = new TunnelClient(endpoint(), AK, SK, INSTANCE);
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Stops the server (clients of the old incarnation keep working against the new one) and starts it again. */
    void restart() {
        server.close();
        start();
    }

    /** Creates a table with one INTEGER primary-key column {@code id}. */
    void createTable(String name) {
        TableMeta meta = new TableMeta(name);
        meta.addPrimaryKeyColumn("id", PrimaryKeyType.INTEGER);
        client.createTable(new CreateTableRequest(meta, new TableOptions(-1, 1)));
    }

    /**
     * Creates a table with one INTEGER key {@code id} split into partitions at {@code splitIds} (the official Java
     * SDK cannot send partitions, so the table goes straight into the server's catalog).
     */
    void createPartitionedTable(String name, long... splitIds) {
        io.tunnelstore.protocol.pb.TableProtos.TableMeta meta = io.tunnelstore.protocol.pb.TableProtos.TableMeta
                .newBuilder().setTableName(name)
                .addPrimaryKey(io.tunnelstore.protocol.pb.TableProtos.PrimaryKeySchema.newBuilder()
                        .setName("id").setType(io.tunnelstore.protocol.pb.TableProtos.PrimaryKeyType.INTEGER))
                .build();
        java.util.List<io.tunnelstore.server.table.Partition> partitions = new java.util.ArrayList<>();
        io.tunnelstore.protocol.model.ColumnValue lower = null;
        for (int i = 0; i <= splitIds.length; i++) {
            io.tunnelstore.protocol.model.ColumnValue upper = i < splitIds.length
                    ? io.tunnelstore.protocol.model.ColumnValue.ofLong(splitIds[i]) : null;
            partitions.add(new io.tunnelstore.server.table.Partition(i, lower, upper, i + 1));
            lower = upper;
        }
        server.context().catalog().create(
                new io.tunnelstore.server.table.TableDescriptor(INSTANCE, 0, meta, -1, 1, 86_400, 0, 0, 0,
                        clock.millis(), partitions, io.tunnelstore.server.table.StreamSettings.DISABLED));
    }

    DescribeTunnelResponse describe(String table, String tunnel) {
        return tunnels.describeTunnel(new DescribeTunnelRequest(table, tunnel));
    }

    /** Waits until {@code condition} holds, polling every 50 ms; fails after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        io.tunnelstore.server.Await.until(what, timeout, 50, condition);
    }

    @Override
    public void close() {
        client.shutdown();
        tunnels.shutdown();
        server.close();
    }

    /** Real time plus an offset tests may move forward. Thread-safe. */
    static final class OffsetClock extends Clock {
        private final AtomicLong offset = new AtomicLong();

        void advance(Duration d) {
            offset.addAndGet(d.toMillis());
        }

        @Override
        public long millis() {
            return System.currentTimeMillis() + offset.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
