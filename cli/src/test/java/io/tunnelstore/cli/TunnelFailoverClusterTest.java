package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.TunnelClient;
import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.CreateTableRequest;
import com.alicloud.openservices.tablestore.model.PrimaryKey;
import com.alicloud.openservices.tablestore.model.PrimaryKeyBuilder;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.StreamRecord;
import com.alicloud.openservices.tablestore.model.TableMeta;
import com.alicloud.openservices.tablestore.model.TableOptions;
import com.alicloud.openservices.tablestore.model.tunnel.CreateTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.DescribeTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelStage;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelType;
import com.alicloud.openservices.tablestore.tunnel.worker.IChannelProcessor;
import com.alicloud.openservices.tablestore.tunnel.worker.ProcessRecordsInput;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorker;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorkerConfig;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.cluster.ClusterPlacement;
import io.tunnelstore.server.cluster.ClusterResources;
import io.tunnelstore.storage.OwnershipFencing;
import io.tunnelstore.testsupport.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A tunnel's coordinator moves when its owner leaves (docs/scale-out.md, "Tunnels on their owner"): three
 * {@code server --engine hbase} nodes (real ZooKeeper membership) on one minicluster; an official TunnelWorker talks to
 * a node that does not own the tunnel (every call forwarded to the owner); the owner closes; the tunnel is taken by a
 * surviving node, the worker goes on with its session and checkpoints, every change is delivered in order.
 */
class TunnelFailoverClusterTest {
    private static final String AK = "failoverKey";
    private static final String SK = "failoverSecret0123456789";
    private static final String INSTANCE = "tunnelstore";

    @TempDir
    Path dataDir;

    private final Map<String, TunnelstoreServer> servers = new LinkedHashMap<>();
    private final List<Runnable> cleanup = new ArrayList<>();

    @AfterEach
    void stop() {
        cleanup.forEach(Runnable::run);
        servers.values().forEach(TunnelstoreServer::close);
    }

    @Test
    void whenTheTunnelsOwnerLeavesAnotherNodeTakesItAndTheWorkerLosesNothing() throws Exception {
        String zookeeper = MiniHBaseProcess.zookeeper();
        for (String node : List.of("node-a", "node-b", "node-c")) {
            servers.put(node, start(zookeeper, node));
        }
        Await.until("the nodes agree on the catalog owner", Duration.ofSeconds(60),
                () -> servers.values().stream().map(s -> ownerId(s, ClusterResources.catalog())).distinct().count() == 1
                        && ownerId(servers.get("node-a"), ClusterResources.catalog()).isPresent()
                        && membersSeen() == 3);
        SyncClient rows = client("node-b");
        TableMeta meta = new TableMeta("orders");
        meta.addPrimaryKeyColumn("id", PrimaryKeyType.INTEGER);
        rows.createTable(new CreateTableRequest(meta, new TableOptions(-1, 1)));
        Await.until("every node knows the table", Duration.ofSeconds(30), () -> servers.values().stream()
                .allMatch(s -> s.context().catalog().find(INSTANCE, "orders").isPresent()));
        for (long id = 0; id < 20; id++) {
            put(rows, id, "base-" + id);
        }
        // on the catalog owner directly: the HBase snapshot of a BaseAndStream tunnel can outlast a forwarding
        // attempt's 5 s on this machine
        String catalogOwner = ownerId(servers.get("node-a"), ClusterResources.catalog()).orElseThrow();
        String tunnelId = tunnels(catalogOwner).createTunnel(new CreateTunnelRequest("orders", "sync",
                TunnelType.BaseAndStream)).getTunnelId();
        String resource = ClusterResources.tunnel(tunnelId);
        String owner = ownerId(servers.get("node-a"), resource).orElseThrow();
        String workerNode = servers.keySet().stream().filter(n -> !n.equals(owner)).findFirst().orElseThrow();
        String writerNode = servers.keySet().stream().filter(n -> !n.equals(owner) && !n.equals(workerNode))
                .findFirst().orElseThrow();
        OwnershipFencing fencing = servers.get(workerNode).context().storage().fencing().orElseThrow();
        Await.until("the owner runs the tunnel", Duration.ofSeconds(30), () -> fencing.currentResource(resource)
                .map(OwnershipFencing.OwnerEpoch::nodeId).equals(Optional.of(owner)));

        TunnelClient workerTunnels = tunnels(workerNode);
        Collector collector = new Collector();
        TunnelWorkerConfig config = new TunnelWorkerConfig(collector);
        config.setHeartbeatIntervalInSec(5);
        TunnelWorker worker = new TunnelWorker(tunnelId, workerTunnels, config);
        cleanup.add(0, config::shutdown);
        cleanup.add(0, worker::shutdown);
        worker.connectAndWorking();
        Await.until("the base is delivered", Duration.ofSeconds(90), () -> collector.size() >= 20);
        Await.until("the stream stage", Duration.ofSeconds(90), () -> workerTunnels.describeTunnel(
                new DescribeTunnelRequest("orders", "sync")).getTunnelInfo().getStage() == TunnelStage.ProcessStream);
        SyncClient writer = client(writerNode);
        for (long id = 100; id < 110; id++) {
            put(writer, id, "stream-" + id);
        }
        Await.until("the first changes are delivered", Duration.ofSeconds(90),
                () -> collector.keys().contains("PUT 109 stream-109"));
        assertThat(collector.keys().subList(0, 20)).containsExactlyInAnyOrderElementsOf(
                LongStream.range(0, 20).mapToObj(id -> "PUT " + id + " base-" + id).toList());
        assertThat(collector.keys().subList(20, 30)).containsExactlyElementsOf(
                LongStream.range(100, 110).mapToObj(id -> "PUT " + id + " stream-" + id).toList());

        // the tunnel's owner leaves: a survivor takes the tunnel's epoch and loads its stored state
        long closing = System.nanoTime();
        servers.remove(owner).close();
        Await.until("a survivor runs the tunnel", Duration.ofSeconds(60), () -> fencing.currentResource(resource)
                .map(OwnershipFencing.OwnerEpoch::nodeId).filter(n -> !n.equals(owner)).isPresent());
        long takeoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closing);
        System.out.println("Tunnel takeover after its owner " + owner + " closed: " + takeoverMillis + " ms (now on "
                + fencing.currentResource(resource).orElseThrow().nodeId() + ")");

        for (long id = 200; id < 210; id++) {
            put(writer, id, "stream-" + id);
        }
        Await.until("the changes after the move are delivered", Duration.ofSeconds(120),
                () -> collector.keys().contains("PUT 209 stream-209"));
        List<String> got = collector.keys();
        assertThat(got.stream().filter(k -> k.matches("PUT 2\\d\\d .*")).toList()).containsExactlyElementsOf(
                LongStream.range(200, 210).mapToObj(id -> "PUT " + id + " stream-" + id).toList());
        List<String> between = got.subList(30, got.indexOf("PUT 200 stream-200"));
        assertThat(between).as("re-deliveries of changes already delivered (at-least-once after a move)")
                .isSubsetOf(got.subList(20, 30));
        System.out.println("Re-delivered after the move: " + between.size());
    }

    private TunnelstoreServer start(String zookeeper, String nodeId) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs("--engine", "hbase", "--hbase-zookeeper", zookeeper, "--hbase-table",
                "tunnel_failover", "--port", Integer.toString(port), "--node-id", nodeId,
                "--cluster-session-timeout", "4", "--data-dir", dataDir.resolve(nodeId).toString());
        TunnelstoreServer server = StandardModules.server(command.config(Map.of("OTS_AK_ENV", AK, "OTS_SK_ENV", SK)))
                .storage(command.hbaseStorage())
                .cluster(command.clusterJoiner())
                .console(new PrintStream(OutputStream.nullOutputStream()))
                .build();
        server.start();
        return server;
    }

    private SyncClient client(String node) {
        SyncClient client = new SyncClient(servers.get(node).endpoint(), AK, SK, INSTANCE);
        cleanup.add(client::shutdown);
        return client;
    }

    private TunnelClient tunnels(String node) {
        TunnelClient client = new TunnelClient(servers.get(node).endpoint(), AK, SK, INSTANCE);
        cleanup.add(client::shutdown);
        return client;
    }

    private static Optional<String> ownerId(TunnelstoreServer server, String resource) {
        return server.context().placement().ownerOf(resource).map(ClusterPlacement.Owner::nodeId);
    }

    /** How many distinct nodes own one of 64 probe resources in node-a's view (3 once all members are seen). */
    private long membersSeen() {
        java.util.Set<String> owners = new java.util.HashSet<>();
        for (int i = 0; i < 64; i++) {
            ownerId(servers.get("node-a"), "probe/" + i).ifPresent(owners::add);
        }
        return owners.size();
    }

    private static PrimaryKey pk(long id) {
        return PrimaryKeyBuilder.createPrimaryKeyBuilder().addPrimaryKeyColumn("id", PrimaryKeyValue.fromLong(id))
                .build();
    }

    private static void put(SyncClient client, long id, String value) {
        RowPutChange put = new RowPutChange("orders", pk(id));
        put.addColumn("v", ColumnValue.fromString(value));
        client.putRow(new PutRowRequest(put));
    }

    /** "TYPE id value" of every delivered record, in delivery order. */
    private static final class Collector implements IChannelProcessor {
        private final List<String> records = new ArrayList<>();

        @Override
        public synchronized void process(ProcessRecordsInput input) {
            for (StreamRecord r : input.getRecords()) {
                records.add(r.getRecordType() + " " + r.getPrimaryKey().getPrimaryKeyColumn("id").getValue()
                        .asLong() + " " + r.getColumns().get(0).getColumn().getValue().asString());
            }
        }

        synchronized int size() {
            return records.size();
        }

        synchronized List<String> keys() {
            return List.copyOf(records);
        }

        @Override
        public void shutdown() {
        }
    }
}
