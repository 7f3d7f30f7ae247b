package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.TunnelClient;
import com.alicloud.openservices.tablestore.model.CreateTableRequest;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.TableMeta;
import com.alicloud.openservices.tablestore.model.TableOptions;
import com.alicloud.openservices.tablestore.model.tunnel.CreateTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelType;
import io.tunnelstore.client.RetryPolicy;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.client.RowUpdateChange;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.server.cluster.ClusterResources;
import io.tunnelstore.storage.OwnershipFencing;
import io.tunnelstore.testsupport.Await;
import io.tunnelstore.tunnel.SimpleProcessorFactory;
import io.tunnelstore.tunnel.TunnelWorker;
import io.tunnelstore.tunnel.TunnelWorkerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: the node a tunnel worker talks to dies (kill -9) and the worker goes on through another node, because our
 * SDK is given the cluster's nodes as its endpoints (docs/scale-out.md, "When the worker's node dies"). Two
 * {@code server --engine hbase} processes on one minicluster; the tunnel is owned by the node that survives, so what
 * is tested is the client's failover alone: the worker's heartbeats, reads and checkpoints move to the survivor, it
 * keeps its session (same client id, no reconnect), every acknowledged change is delivered, per key in commit
 * order, and duplicates are counted and bounded (records first delivered within one checkpoint interval before the
 * kill). The writer is our SDK's table client with the same endpoint list.
 */
class WorkerEndpointFailoverIT {
    private static final String TABLE = "feed";
    private static final int KEYS = 8;
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(5);
    /** Batches read ahead or in a callback when a checkpoint is taken: delivered within this much more. */
    private static final Duration IN_FLIGHT_ALLOWANCE = Duration.ofSeconds(2);
    private static ClusterHarness harness;

    @BeforeAll
    static void startCluster() throws Exception {
        harness = ClusterHarness.start("worker-endpoints", 2, 1);
    }

    @AfterAll
    static void stopCluster() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void whenTheWorkersNodeIsKilledTheWorkerGoesOnThroughTheOtherNodeAndLosesNothing() throws Exception {
        ClusterObserver observer = harness.observer();
        int catalogOwner = ClusterHarness.index(observer.assignedOwner(ClusterResources.catalog()).orElseThrow());
        SyncClient admin = harness.client(catalogOwner);
        TableMeta meta = new TableMeta(TABLE);
        meta.addPrimaryKeyColumn("id", PrimaryKeyType.INTEGER);
        admin.createTable(new CreateTableRequest(meta, new TableOptions(-1, 1)));
        TunnelClient tunnels = new TunnelClient(harness.node(catalogOwner).endpoint(), ClusterHarness.ACCESS_KEY_ID,
                ClusterHarness.ACCESS_KEY_SECRET, ClusterHarness.INSTANCE);
        String tunnelId;
        try {
            tunnelId = tunnels.createTunnel(new CreateTunnelRequest(TABLE, "sync", TunnelType.BaseAndStream))
                    .getTunnelId();
        } finally {
            tunnels.shutdown();
        }
        String owner = observer.assignedOwner(ClusterResources.tunnel(tunnelId)).orElseThrow();
        int survivor = ClusterHarness.index(owner);
        int victim = 3 - survivor;
        Await.until(owner + " runs the tunnel", Duration.ofSeconds(60), () -> observer
                .holder(ClusterResources.tunnel(tunnelId)).map(OwnershipFencing.OwnerEpoch::nodeId)
                .filter(owner::equals).isPresent());
        // the victim first: every call goes there until it dies
        List<String> endpoints = List.of(harness.node(victim).endpoint(), harness.node(survivor).endpoint());

        TableClient rows = TableClient.builder().endpoints(endpoints).instanceName(ClusterHarness.INSTANCE)
                .credentials(ClusterHarness.ACCESS_KEY_ID, ClusterHarness.ACCESS_KEY_SECRET)
                .callTimeout(Duration.ofSeconds(60))
                .retryPolicy(RetryPolicy.defaults().withMaxElapsed(Duration.ofSeconds(45))).build();
        for (long key = 0; key < KEYS; key++) {
            rows.updateRow(update(key, 0));
        }
        KeyedChanges delivered = new KeyedChanges();
        io.tunnelstore.client.TunnelClient workerClient = io.tunnelstore.client.TunnelClient.builder()
                .endpoints(endpoints).instanceName(ClusterHarness.INSTANCE)
                .credentials(ClusterHarness.ACCESS_KEY_ID, ClusterHarness.ACCESS_KEY_SECRET).build();
        TunnelWorker worker = new TunnelWorker(workerClient, tunnelId, TunnelWorkerConfig.builder()
                .checkpointInterval(CHECKPOINT_INTERVAL)
                .processorFactory(SimpleProcessorFactory.of("failover", (context, records) -> records.forEach(r ->
                        delivered.delivered(r.primaryKey().get(0).value().asLong(),
                                r.columns().get(0).value().asLong()))))
                .build());
        SequencedWriter writer = null;
        try {
            worker.start();
            Set<KeyedChanges.Change> baseRows = LongStream.range(0, KEYS)
                    .mapToObj(key -> new KeyedChanges.Change(key, 0)).collect(Collectors.toSet());
            Await.until("the worker got the base data", Duration.ofMinutes(2),
                    () -> delivered.distinct().containsAll(baseRows));
            writer = new SequencedWriter("endpoint-failover-writer", KEYS,
                    (key, seq) -> rows.updateRow(update(key, seq)));
            SequencedWriter w0 = writer;
            Await.until(() -> delivered.streamChanges() >= 30, Duration.ofMinutes(2),
                    () -> "the worker receives the stream: " + delivered.streamChanges() + " changes; writes "
                            + "acknowledged " + w0.acknowledged().size() + ", failed " + w0.failures());
            String clientId = worker.clientId();

            harness.kill9(victim);
            long killed = System.nanoTime();
            SequencedWriter w = writer;
            Predicate<KeyedChanges.Change> writtenAfterKill = c -> w.sentAt(c) > killed;
            Await.until(() -> delivered.firstDeliveryOf(writtenAfterKill).isPresent(), Duration.ofMinutes(2),
                    () -> "the worker delivers changes written after the kill; writes acknowledged after it: "
                            + w.acknowledgedSentAfter(killed) + ", failed " + w.failures());
            Await.until("100 more writes acknowledged after the kill", Duration.ofMinutes(2),
                    () -> w.acknowledgedSentAfter(killed) >= 100);
            writer.close();
            Set<KeyedChanges.Change> acknowledged = writer.acknowledged();
            Await.until("every acknowledged write delivered", Duration.ofMinutes(2),
                    () -> delivered.distinct().containsAll(acknowledged));

            long earliestReplayable = killed - CHECKPOINT_INTERVAL.plus(IN_FLIGHT_ALLOWANCE).toNanos();
            List<KeyedChanges.Duplicate> duplicates = delivered.duplicates();
            System.out.printf("the worker's node node-%d killed (tunnel on node-%d): first change written after the "
                            + "kill delivered after %d ms; %d writes acknowledged (%d failed); %d duplicates, the "
                            + "earliest first delivered %d ms before the kill%n", victim, survivor,
                    (delivered.firstDeliveryOf(writtenAfterKill).orElseThrow().atNanos() - killed) / 1_000_000,
                    acknowledged.size(), writer.failures(), duplicates.size(), duplicates.stream()
                            .mapToLong(d -> (killed - d.firstNanos()) / 1_000_000).max().orElse(0));
            assertThat(worker.clientId()).as("the worker kept its session").isEqualTo(clientId);
            delivered.firstDeliveryOrderByKey().forEach((key, sequences) -> assertThat(KeyedChanges.increasing(
                    sequences.stream().filter(seq -> seq == 0
                            || acknowledged.contains(new KeyedChanges.Change(key, seq))).toList()))
                    .as("acknowledged changes of key %d in commit order: %s", key, sequences).isTrue());
            assertThat(duplicates).as("duplicates only of records delivered within one checkpoint interval before "
                    + "the kill").allMatch(d -> d.firstNanos() >= earliestReplayable);
        } finally {
            if (writer != null) {
                writer.close();
            }
            worker.close(Duration.ofSeconds(10));
            workerClient.close();
            rows.close();
        }
    }

    private static RowUpdateChange update(long key, long seq) {
        return RowUpdateChange.of(TABLE, PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.ofLong(key))),
                List.of(Cell.put("v", ColumnValue.ofLong(seq))));
    }
}
