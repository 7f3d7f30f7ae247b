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
import io.tunnelstore.server.cluster.ClusterResources;
import io.tunnelstore.storage.OwnershipFencing;
import io.tunnelstore.testsupport.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A tunnel's coordinator moves when its owner leaves (docs/scale-out.md, "Tunnels on their owner"): three
 * {@code server --engine hbase} nodes (real ZooKeeper membership) on one minicluster; an official TunnelWorker talks to
 * a node that does not own the tunnel (every call forwarded to the owner); the owner closes; the tunnel is taken by a
 * surviving node, the worker goes on with its session and checkpoints, every change is delivered in order.
 */
class TunnelFailoverClusterTest {
    private static final String INSTANCE = HBaseCluster.INSTANCE;
    private static final String TABLE = "failover_orders";

    private HBaseCluster.Clients clients;

    @AfterEach
    void stop() {
        if (clients != null) {
            clients.close();
        }
    }

    @Test
    void whenTheTunnelsOwnerLeavesAnotherNodeTakesItAndTheWorkerLosesNothing() throws Exception {
        HBaseCluster cluster = HBaseCluster.get();
        clients = new HBaseCluster.Clients(cluster);
        String catalogOwner = cluster.catalogOwner();
        // created through a node that does not own the catalog: CreateTable and CreateTunnel are forwarded (a
        // BaseAndStream tunnel's HBase snapshot may outlast the 5 s attempt timeout of row writes: catalog actions
        // wait for the owner's answer up to the handler timeout)
        String creator = cluster.nodesExcept(catalogOwner).get(0);
        SyncClient rows = clients.sync(creator);
        TableMeta meta = new TableMeta(TABLE);
        meta.addPrimaryKeyColumn("id", PrimaryKeyType.INTEGER);
        rows.createTable(new CreateTableRequest(meta, new TableOptions(-1, 1)));
        Await.until("every node knows the table", Duration.ofSeconds(30), () -> cluster.nodeIds().stream()
                .allMatch(n -> cluster.node(n).context().catalog().find(INSTANCE, TABLE).isPresent()));
        for (long id = 0; id < 20; id++) {
            put(rows, id, "base-" + id);
        }
        String tunnelId = clients.tunnel(creator).createTunnel(new CreateTunnelRequest(TABLE, "sync",
                TunnelType.BaseAndStream)).getTunnelId();
        String resource = ClusterResources.tunnel(tunnelId);
        String owner = cluster.ownerOf(cluster.nodeIds().get(0), resource).orElseThrow();
        String workerNode = cluster.nodesExcept(owner).get(0);
        String writerNode = cluster.nodesExcept(owner, workerNode).get(0);
        OwnershipFencing fencing = cluster.node(workerNode).context().storage().fencing().orElseThrow();
        Await.until("the owner runs the tunnel", Duration.ofSeconds(30), () -> fencing.currentResource(resource)
                .map(OwnershipFencing.OwnerEpoch::nodeId).equals(Optional.of(owner)));

        TunnelClient workerTunnels = clients.tunnel(workerNode);
        Collector collector = new Collector();
        TunnelWorkerConfig config = new TunnelWorkerConfig(collector);
        config.setHeartbeatIntervalInSec(5);
        TunnelWorker worker = new TunnelWorker(tunnelId, workerTunnels, config);
        clients.onClose(config::shutdown);
        clients.onClose(worker::shutdown);
        worker.connectAndWorking();
        Await.until("the base is delivered", Duration.ofSeconds(90), () -> collector.size() >= 20);
        Await.until("the stream stage", Duration.ofSeconds(90), () -> workerTunnels.describeTunnel(
                new DescribeTunnelRequest(TABLE, "sync")).getTunnelInfo().getStage() == TunnelStage.ProcessStream);
        SyncClient writer = clients.sync(writerNode);
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
        cluster.stop(owner); // the next HBaseCluster.get() starts it again
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

    private static PrimaryKey pk(long id) {
        return PrimaryKeyBuilder.createPrimaryKeyBuilder().addPrimaryKeyColumn("id", PrimaryKeyValue.fromLong(id))
                .build();
    }

    private static void put(SyncClient client, long id, String value) {
        RowPutChange put = new RowPutChange(TABLE, pk(id));
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
