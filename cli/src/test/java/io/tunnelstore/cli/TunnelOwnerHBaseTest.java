package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import com.alicloud.openservices.tablestore.model.tunnel.ChannelInfo;
import com.alicloud.openservices.tablestore.model.tunnel.ChannelType;
import com.alicloud.openservices.tablestore.model.tunnel.CreateTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.DescribeTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelStage;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelType;
import com.alicloud.openservices.tablestore.tunnel.worker.IChannelProcessor;
import com.alicloud.openservices.tablestore.tunnel.worker.ProcessRecordsInput;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorker;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorkerConfig;
import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.cluster.ClusterPlacement;
import io.tunnelstore.server.cluster.NotOwnerException;
import io.tunnelstore.server.table.TableModule;
import io.tunnelstore.server.tunnel.TunnelModule;
import io.tunnelstore.server.tunnel.TunnelServiceConfig;
import io.tunnelstore.server.tunnel.TunnelViews;
import io.tunnelstore.storage.FencedException;
import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.MetaEntry;
import io.tunnelstore.storage.MutationResult;
import io.tunnelstore.storage.OwnershipFencing;
import io.tunnelstore.storage.RowBatchEntry;
import io.tunnelstore.storage.RowBatchOutcome;
import io.tunnelstore.storage.RowDecider;
import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.testsupport.Await;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Tunnels on their owner over a real HBase fence (docs/scale-out.md, "Tunnels on their owner"): two servers on one
 * minicluster (each its own engine, as two processes would have), the ownership view of each node set by the test
 * ({@link ManualCluster}; the ZooKeeper membership is the cluster module's, tested there) and the epochs taken and
 * checked by the HBase engine's {@link OwnershipFencing}. Shows: an official TunnelWorker on the owner gets the base
 * exactly once and then changes committed by the <em>other</em> node within the bounds-polling delay although the
 * long poll waits 8 s; when the other node takes the tunnel, the deposed node's coordinator write stores nothing;
 * a worker on the new owner continues from the stored checkpoints, in order, with duplicates only of what was
 * already delivered.
 */
class TunnelOwnerHBaseTest {
    private static final String AK = "ownerTestKey";
    private static final String SK = "ownerTestSecret0123456789";
    private static final String INSTANCE = "tunnelstore";
    /** Long enough that a change reaching the owner only through the long-poll timeout would fail the latency check. */
    private static final Duration LONG_POLL = Duration.ofSeconds(8);

    @TempDir
    Path dataDir;

    /**
     * Each node's view of who owns everything, set by the test, plus the listeners a real cluster would call. The
     * epochs are the engine's: a node takes one for a resource on its first write while it believes it owns it (and
     * drops it when its view changes, as {@code ClusterNode} does).
     */
    static final class ManualCluster {
        private final Map<String, String> ownerInViewOf = new ConcurrentHashMap<>();
        private final Map<String, List<Runnable>> ownershipListeners = new ConcurrentHashMap<>();
        private final Map<String, List<Runnable>> catalogListeners = new ConcurrentHashMap<>();
        private final Map<String, Map<String, Long>> held = new ConcurrentHashMap<>();

        /** Node {@code node} now believes {@code owner} owns every resource; its ownership listeners run. */
        void believe(String node, String owner) {
            ownerInViewOf.put(node, owner);
            if (!owner.equals(node)) {
                held.computeIfAbsent(node, n -> new ConcurrentHashMap<>()).clear();
            }
            ownershipListeners.getOrDefault(node, List.of()).forEach(Runnable::run);
        }

        ClusterPlacement node(String id, StorageEngine engine) {
            OwnershipFencing fencing = engine.fencing().orElseThrow();
            ownerInViewOf.putIfAbsent(id, id);
            Map<String, Long> mine = held.computeIfAbsent(id, n -> new ConcurrentHashMap<>());
            return new ClusterPlacement() {
                @Override
                public String nodeId() {
                    return id;
                }

                @Override
                public boolean clustered() {
                    return true;
                }

                @Override
                public Optional<Owner> ownerOf(String resource) {
                    String owner = ownerInViewOf.get(id);
                    return Optional.of(new Owner(owner, "", owner.equals(id)));
                }

                @Override
                public OwnershipFencing.FencedWrites rowWrites(long tableId, Set<Long> partitions) {
                    return new OwnershipFencing.FencedWrites() { // rows are the routing part's: plain writes here
                        @Override
                        public <T> MutationResult<T> mutateRow(byte[] rowKey, RowDecider<T> decider) {
                            return engine.mutateRow(tableId, rowKey, decider);
                        }

                        @Override
                        public <T> List<RowBatchOutcome<T>> mutateRows(List<RowBatchEntry<T>> entries) {
                            return engine.mutateRows(tableId, entries);
                        }
                    };
                }

                @Override
                public void writeMeta(String resource, MetaBatch batch) {
                    if (!isLocal(resource)) {
                        throw NotOwnerException.of(resource);
                    }
                    long epoch = mine.computeIfAbsent(resource, r -> fencing.takeResource(r, id));
                    try {
                        fencing.writeMeta(resource, epoch, batch);
                    } catch (FencedException e) {
                        mine.remove(resource);
                        throw e;
                    }
                }

                @Override
                public void addOwnershipListener(Runnable listener) {
                    ownershipListeners.computeIfAbsent(id, n -> new CopyOnWriteArrayList<>()).add(listener);
                }

                @Override
                public void addCatalogListener(Runnable listener) {
                    catalogListeners.computeIfAbsent(id, n -> new CopyOnWriteArrayList<>()).add(listener);
                }

                @Override
                public void announceCatalogChange() {
                    catalogListeners.values().forEach(l -> l.forEach(Runnable::run));
                }

                @Override
                public void close() {
                }
            };
        }
    }

    private TunnelstoreServer node(String id, String zookeeper, ManualCluster cluster) {
        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs("--engine", "hbase", "--hbase-zookeeper", zookeeper, "--hbase-table",
                "owner_test", "--port", "0", "--data-dir", dataDir.resolve(id).toString(), "--node-id", id);
        TunnelServiceConfig tunnels = TunnelServiceConfig.builder().longPollWait(LONG_POLL).build();
        TunnelstoreServer server = TunnelstoreServer.builder(command.config(Map.of("OTS_AK_ENV", AK, "OTS_SK_ENV", SK)))
                .module(TableModule::new)
                .module(context -> new TunnelModule(context, tunnels))
                .storage(command.hbaseStorage())
                .cluster(engine -> cluster.node(id, engine))
                .console(new PrintStream(OutputStream.nullOutputStream()))
                .build();
        server.start();
        return server;
    }

    @Test
    void theTunnelRunsOnItsOwnerHearsTheOtherNodesWritesAndMovesWithoutLossWhileTheDeposedNodeStoresNothing()
            throws Exception {
        String zookeeper = MiniHBaseProcess.zookeeper();
        ManualCluster cluster = new ManualCluster();
        List<AutoCloseable> open = new ArrayList<>();
        try {
            cluster.believe("A", "A");
            cluster.believe("B", "A");
            TunnelstoreServer a = node("A", zookeeper, cluster);
            open.add(0, a);
            SyncClient clientA = new SyncClient(a.endpoint(), AK, SK, INSTANCE);
            open.add(0, clientA::shutdown);
            TableMeta meta = new TableMeta("orders");
            meta.addPrimaryKeyColumn("id", PrimaryKeyType.INTEGER);
            clientA.createTable(new CreateTableRequest(meta, new TableOptions(-1, 1)));
            for (long id = 0; id < 20; id++) {
                put(clientA, id, "base-" + id);
            }
            TunnelstoreServer b = node("B", zookeeper, cluster); // after the table: B's catalog loads it at start
            open.add(0, b);
            SyncClient clientB = new SyncClient(b.endpoint(), AK, SK, INSTANCE);
            open.add(0, clientB::shutdown);
            StorageEngine storage = b.context().storage();
            OwnershipFencing fencing = storage.fencing().orElseThrow();

            TunnelClient tunnelsA = new TunnelClient(a.endpoint(), AK, SK, INSTANCE);
            open.add(0, tunnelsA::shutdown);
            String tunnelId = tunnelsA.createTunnel(new CreateTunnelRequest("orders", "sync",
                    TunnelType.BaseAndStream)).getTunnelId();
            String resource = "tunnel/" + tunnelId;
            assertThat(fencing.currentResource(resource)).map(OwnershipFencing.OwnerEpoch::nodeId).contains("A");

            // 1. the worker on the owner A: base exactly once, then B's writes arrive through the bounds polling
            Collector first = new Collector();
            TunnelWorkerConfig config1 = new TunnelWorkerConfig(first);
            config1.setHeartbeatIntervalInSec(5);
            TunnelWorker worker1 = new TunnelWorker(tunnelId, tunnelsA, config1);
            worker1.connectAndWorking();
            await(() -> first.size() >= 20);
            await(() -> tunnelsA.describeTunnel(new DescribeTunnelRequest("orders", "sync")).getTunnelInfo()
                    .getStage() == TunnelStage.ProcessStream);
            assertThat(first.keys().subList(0, 20)).containsExactlyInAnyOrderElementsOf(
                    LongStream.range(0, 20).mapToObj(id -> "PUT " + id + " base-" + id).toList());
            List<Long> lagsMillis = new ArrayList<>();
            for (long id = 100; id < 110; id++) {
                put(clientB, id, "stream-" + id);
                long acked = System.nanoTime();
                String key = "PUT " + id + " stream-" + id;
                await(() -> first.receivedAt(key) != null);
                lagsMillis.add(TimeUnit.NANOSECONDS.toMillis(first.receivedAt(key) - acked));
            }
            System.out.println("Cross-node delivery lag (ms), change committed on B, tunnel on A: " + lagsMillis);
            assertThat(first.keys().subList(20, first.size())).containsExactlyElementsOf(
                    LongStream.range(100, 110).mapToObj(id -> "PUT " + id + " stream-" + id).toList());
            assertThat(lagsMillis).allSatisfy(lag -> assertThat(lag).isLessThan(LONG_POLL.toMillis() / 2));
            worker1.shutdown();
            config1.shutdown();

            // 2. B takes the tunnel while A still believes it owns it: A's next coordinator write is refused whole
            long moveStart = System.nanoTime();
            cluster.believe("B", "B");
            await(() -> fencing.currentResource(resource).map(OwnershipFencing.OwnerEpoch::nodeId)
                    .equals(Optional.of("B")));
            System.out.println("Tunnel takeover on B after its view changed: "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - moveStart) + " ms");
            Map<String, String> before = state(storage, tunnelId);
            TunnelModule moduleA = (TunnelModule) a.context().services().find(TunnelViews.class).orElseThrow();
            String streamChannel = tunnelsA.describeTunnel(new DescribeTunnelRequest("orders", "sync"))
                    .getChannelInfos().stream().filter(c -> c.getChannelType() == ChannelType.Stream)
                    .map(ChannelInfo::getChannelId).findFirst().orElseThrow();
            assertThatThrownBy(() -> moduleA.schedule(INSTANCE, tunnelId, streamChannel,
                    TunnelProtos.ChannelStatus.CLOSING).toCompletableFuture().get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(NotOwnerException.class)
                    .hasMessageContaining("tunnel " + tunnelId + " is moving to another node; retry");
            assertThat(state(storage, tunnelId)).isEqualTo(before);
            cluster.believe("A", "B");

            // 3. a worker on the new owner B continues from the stored checkpoints; A's writes reach it
            TunnelClient tunnelsB = new TunnelClient(b.endpoint(), AK, SK, INSTANCE);
            open.add(0, tunnelsB::shutdown);
            Collector second = new Collector();
            TunnelWorkerConfig config2 = new TunnelWorkerConfig(second);
            config2.setHeartbeatIntervalInSec(5);
            TunnelWorker worker2 = new TunnelWorker(tunnelId, tunnelsB, config2);
            open.add(0, config2::shutdown);
            open.add(0, worker2::shutdown);
            worker2.connectAndWorking();
            for (long id = 200; id < 210; id++) {
                put(clientA, id, "stream-" + id);
            }
            await(() -> second.keys().contains("PUT 209 stream-209"));
            List<String> got = second.keys();
            List<String> fresh = got.stream().filter(k -> k.startsWith("PUT 2")).toList();
            assertThat(fresh).containsExactlyElementsOf(
                    LongStream.range(200, 210).mapToObj(id -> "PUT " + id + " stream-" + id).toList());
            // anything else is a re-delivery of what the first worker got (at-least-once after a move)
            assertThat(got.subList(0, got.size() - fresh.size())).isSubsetOf(first.keys());
            System.out.println("Re-delivered after the move: " + (got.size() - fresh.size()));
        } finally {
            for (AutoCloseable c : open) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort: the next resource must still be closed
                }
            }
        }
    }

    /** The tunnel's stored coordinator records, key to hex value. */
    private static Map<String, String> state(StorageEngine storage, String tunnelId) {
        Map<String, String> out = new LinkedHashMap<>();
        for (MetaEntry e : storage.scanMeta("tunnelstate/" + tunnelId + "/")) {
            out.put(e.key(), java.util.HexFormat.of().formatHex(e.value()));
        }
        return out;
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

    private static void await(BooleanSupplier condition) {
        Await.until(condition, Duration.ofSeconds(90));
    }

    /** "TYPE id value" of every delivered record in delivery order, with the first delivery time of each. */
    private static final class Collector implements IChannelProcessor {
        private final List<String> records = new ArrayList<>();
        private final Map<String, Long> firstSeenNanos = new ConcurrentHashMap<>();

        @Override
        public synchronized void process(ProcessRecordsInput input) {
            for (StreamRecord r : input.getRecords()) {
                String key = r.getRecordType() + " " + r.getPrimaryKey().getPrimaryKeyColumn("id").getValue()
                        .asLong() + " " + r.getColumns().get(0).getColumn().getValue().asString();
                records.add(key);
                firstSeenNanos.putIfAbsent(key, System.nanoTime());
            }
        }

        synchronized int size() {
            return records.size();
        }

        synchronized List<String> keys() {
            return List.copyOf(records);
        }

        Long receivedAt(String key) {
            return firstSeenNanos.get(key);
        }

        @Override
        public void shutdown() {
        }
    }
}
