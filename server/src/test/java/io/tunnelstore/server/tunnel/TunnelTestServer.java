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
import io.tunnelstore.server.InProcessServer;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.table.TableModule;
import io.tunnelstore.testsupport.Await;
import io.tunnelstore.testsupport.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * A real {@link TunnelstoreServer} with the {@link TableModule} and the {@link TunnelModule} on a loopback port over a
 * temporary data directory, plus official {@link SyncClient} and {@link TunnelClient}s. {@link #restart()} stops
 * and starts the server on the same directory and port (what a crash-and-restart looks like to the workers).
 *
 * <p>The server clock is real time plus a movable offset, so official workers (which use real time) and server
 * timeouts agree. Built with the project's {@link InProcessServer}.
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

    /** Real time plus an offset tests may move (official workers use real time; server timeouts agree). */
    final ManualClock clock = ManualClock.followingSystemTime();
    private final InProcessServer inProcess;
    volatile TunnelstoreServer server;
    volatile TunnelModule tunnelModule;
    volatile TableModule tableModule;
    volatile SyncClient client;
    volatile TunnelClient tunnels;

    TunnelTestServer(Path dataDir) {
        this(dataDir, TEST_CONFIG);
    }

    TunnelTestServer(Path dataDir, TunnelServiceConfig config) {
        inProcess = InProcessServer.builder(dataDir)
                .instances(INSTANCE)
                .adminKey(AK, SK)
                .clock(clock)
                .workerThreads(8)
                .module(TableModule::new)
                .module(ctx -> new TunnelModule(ctx, config))
                .start();
        started();
    }

    /** Takes the new incarnation's server and module, and opens official clients on it. */
    private void started() {
        server = inProcess.server();
        tunnelModule = inProcess.module(TunnelModule.class);
        tableModule = inProcess.module(TableModule.class);
        ClientConfiguration cc = new ClientConfiguration();
        cc.setConnectionTimeoutInMillisecond(5_000);
        cc.setSocketTimeoutInMillisecond(10_000);
        client = new SyncClient(endpoint(), AK, SK, INSTANCE, cc);
        tunnels = new TunnelClient(endpoint(), AK, SK, INSTANCE);
    }

    String endpoint() {
        return inProcess.endpoint();
    }

    /** Stops the server (clients of the old incarnation keep working against the new one) and starts it again. */
    void restart() {
        inProcess.restart();
        started();
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

    /** Waits until {@code condition} holds; fails naming {@code what} after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        Await.until(what, timeout, condition);
    }

    @Override
    public void close() {
        client.shutdown();
        tunnels.shutdown();
        inProcess.close();
    }
}
