package io.tunnelstore.server.partition;

import com.alicloud.openservices.tablestore.ClientConfiguration;
import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.TunnelClient;
import com.alicloud.openservices.tablestore.model.CreateTableRequest;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.StreamSpecification;
import com.alicloud.openservices.tablestore.model.TableMeta;
import com.alicloud.openservices.tablestore.model.TableOptions;
import io.tunnelstore.server.InProcessServer;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.stream.StreamModule;
import io.tunnelstore.server.table.PartitionSplitConfig;
import io.tunnelstore.server.table.TableModule;
import io.tunnelstore.server.tunnel.TunnelModule;
import io.tunnelstore.server.tunnel.TunnelServiceConfig;
import io.tunnelstore.testsupport.Await;
import java.nio.file.Path;
import java.time.Duration;
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

    private final InProcessServer inProcess;
    final TunnelstoreServer server;
    final TableModule tables;
    final TunnelModule tunnelModule;
    final SyncClient client;
    final TunnelClient tunnels;

    SplitTestServer(Path dataDir) {
        this(dataDir, PartitionSplitConfig.DEFAULT.maxPartitionBytes());
    }

    /** With automatic splits above {@code maxPartitionBytes} (run by {@link TableModule#splitOversizedPartitions}). */
    SplitTestServer(Path dataDir, long maxPartitionBytes) {
        TunnelServiceConfig tunnelConfig = TunnelServiceConfig.builder()
                .maxRecordsPerRead(50)
                .longPollWait(Duration.ofMillis(300))
                .tickInterval(Duration.ofMillis(200))
                .build();
        inProcess = InProcessServer.builder(dataDir)
                .instances(INSTANCE)
                .adminKey(AK, SK)
                .workerThreads(8)
                .module(ctx -> new TableModule(ctx, new PartitionSplitConfig(maxPartitionBytes, Duration.ZERO)))
                .module(StreamModule::new)
                .module(ctx -> new TunnelModule(ctx, tunnelConfig))
                .start();
        server = inProcess.server();
        tables = inProcess.module(TableModule.class);
        tunnelModule = inProcess.module(TunnelModule.class);
        ClientConfiguration cc = new ClientConfiguration();
        cc.setConnectionTimeoutInMillisecond(5_000);
        cc.setSocketTimeoutInMillisecond(20_000);
        client = new SyncClient(endpoint(), AK, SK, INSTANCE, cc);
        tunnels = new TunnelClient(endpoint(), AK, SK, INSTANCE);
    }

    String endpoint() {
        return inProcess.endpoint();
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
