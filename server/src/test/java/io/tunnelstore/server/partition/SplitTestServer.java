package io.tunnelstore.server.partition;

import com.alicloud.openservices.tablestore.ClientConfiguration;
import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.TunnelClient;
import com.alicloud.openservices.tablestore.model.CreateTableRequest;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.StreamSpecification;
import com.alicloud.openservices.tablestore.model.TableMeta;
import com.alicloud.openservices.tablestore.model.TableOptions;
import io.tunnelstore.server.ServerConfig;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.stream.StreamModule;
import io.tunnelstore.server.table.PartitionSplitConfig;
import io.tunnelstore.server.table.TableModule;
import io.tunnelstore.server.tunnel.TunnelModule;
import io.tunnelstore.server.tunnel.TunnelServiceConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A real server with the table, stream and tunnel modules on a loopback port, plus the official {@link SyncClient}
 * and {@link TunnelClient}. Real time (official tunnel workers use it too). The periodic split check is off: tests
 * split with {@link TableModule#splitPartition} or {@link TableModule#splitOversizedPartitions}.
 */
final class SplitTestServer implements AutoCloseable {
    static final String INSTANCE = "splits";
    static final String AK = "split-ak";
    static final String SK = "split-secret";

    final TunnelstoreServer server;
    volatile TableModule tables;
    volatile TunnelModule tunnelModule;
    final SyncClient client;
    final TunnelClient tunnels;

    SplitTestServer(Path dataDir) {
        this(dataDir, PartitionSplitConfig.DEFAULT.maxPartitionBytes());
    }

    /** With automatic splits above {@code maxPartitionBytes} (run by {@link TableModule#splitOversizedPartitions}). */
    SplitTestServer(Path dataDir, long maxPartitionBytes) {
        ServerConfig sc = ServerConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .dataDir(dataDir)
                .instanceNames(List.of(INSTANCE))
                .adminKey(AK, SK)
                .clock(Clock.systemUTC())
                .workerThreads(8)
                .syncWrites(false)
                .build();
        TunnelServiceConfig tunnelConfig = TunnelServiceConfig.builder()
                .maxRecordsPerRead(50)
                .longPollWait(Duration.ofMillis(300))
                .tickInterval(Duration.ofMillis(200))
                .build();
        server = TunnelstoreServer.builder(sc)
                .module(ctx -> {
                    TableModule m = new TableModule(ctx,
                            new PartitionSplitConfig(maxPartitionBytes, Duration.ZERO));
                    tables = m;
                    return m;
                })
                .module(StreamModule::new)
                .module(ctx -> {
                    TunnelModule m = new TunnelModule(ctx, tunnelConfig);
                    tunnelModule = m;
                    return m;
                })
                .console(new PrintStream(OutputStream.nullOutputStream()))
                .build();
        server.start();
        ClientConfiguration cc = new ClientConfiguration();
        cc.setConnectionTimeoutInMillisecond(5_000);
        cc.setSocketTimeoutInMillisecond(20_000);
        client = new SyncClient(endpoint(), AK, SK, INSTANCE, cc);
        tunnels = new TunnelClient(endpoint(), AK, SK, INSTANCE);
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.port();
    }

    /** A table with one INTEGER primary-key column {@code id}, one version, stream on (24 h) when asked. */
    void createTable(String name, boolean stream) {
        TableMeta meta = new TableMeta(name);
        meta.addPrimaryKeyColumn("id", PrimaryKeyType.INTEGER);
        CreateTableRequest request = new CreateTableRequest(meta, new TableOptions(-1, 1));
        if (stream) {
            StreamSpecification spec = new StreamSpecification(true, 24);
            request.setStreamSpecification(spec);
        }
        client.createTable(request);
    }

    /** Waits until {@code condition} holds, polling every 20 ms; fails after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        io.tunnelstore.server.Await.until(what, timeout, 20, condition);
    }

    @Override
    public void close() {
        client.shutdown();
        tunnels.shutdown();
        server.close();
    }
}
