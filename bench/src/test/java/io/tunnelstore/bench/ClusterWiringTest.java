package io.tunnelstore.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.client.TableClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wiring of the cluster cases ({@code --engines rocksdb,hbase1,hbase3}) without a cluster (a minicluster takes
 * longer to start than the quick run may last): engine parsing, finding the nodes among the cluster command's
 * children in /proc, client placement, subjects and the ratios against the RocksDB figures, the round-robin load and
 * the read-back count against a real embedded server.
 */
class ClusterWiringTest {

    @TempDir
    Path dir;

    @Test
    void enginesParseWithRocksDbFirstAndRefuseUnknownOrRepeatedOnes() {
        assertThat(Engine.parseList("hbase3,rocksdb,hbase1")).containsExactly(Engine.ROCKSDB,
                new Engine("hbase3", 3), new Engine("hbase1", 1));
        assertThat(Engine.parseList("rocksdb")).containsExactly(Engine.ROCKSDB);
        assertThat(Engine.parse("hbase1").clustered()).isTrue();
        assertThat(Engine.ROCKSDB.clustered()).isFalse();
        assertThatThrownBy(() -> Engine.parseList("rocksdb,hbase0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown engine 'hbase0'");
        assertThatThrownBy(() -> Engine.parseList("hbase10")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Engine.parseList("cassandra")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Engine.parseList("hbase3,hbase3")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("engine 'hbase3' given twice");
    }

    @Test
    void clusterCommandUsesTheLauncherContract() {
        List<String> command = BenchCluster.command(3, Path.of("/tmp/c"), "/mini/classes:/mini/dep.jar");
        String joined = String.join(" ", command);
        assertThat(joined).contains("io.tunnelstore.cli.Main cluster --nodes 3 --port 0 --data-dir /tmp/c "
                + "--instance bench --node-heap " + BenchCluster.NODE_HEAP
                + " --minicluster-classpath /mini/classes:/mini/dep.jar");
        assertThat(BenchCluster.endpointOf("endpoint=http://127.0.0.1:40123 instance=bench"))
                .isEqualTo("http://127.0.0.1:40123");
        assertThat(BenchCluster.endpointOf("cluster ready nodes=3")).isNull();
        assertThat(BenchCluster.portOf("http://127.0.0.1:40123")).isEqualTo(40123);
    }

    @Test
    void nodesAndMiniclusterAreFoundByTheirCommandLines() {
        Map<Long, List<String>> children = new LinkedHashMap<>();
        children.put(101L, List.of("java", "-Xmx1g", "-cp", "x", BenchCluster.MINICLUSTER_MAIN, "--data-dir", "h"));
        children.put(102L, List.of("java", "-Xmx768m", "-cp", "x", BenchCluster.CLI_MAIN, "server", "--engine",
                "hbase", "--node-id", "node-1", "--port", "40001"));
        children.put(103L, List.of("java", "-cp", "x", BenchCluster.CLI_MAIN, "server", "--port", "40002"));
        children.put(104L, List.of("kill", "-STOP", "102"));
        assertThat(BenchCluster.nodePidsByPort(children)).containsExactly(Map.entry(40001, 102L),
                Map.entry(40002, 103L));
        assertThat(BenchCluster.miniclusterPid(children)).isEqualTo(101L);
        assertThatThrownBy(() -> BenchCluster.miniclusterPid(Map.of(104L, List.of("kill"))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void childCommandLinesReadsThisProcessesChildrenFromProc() throws Exception {
        Process child = new ProcessBuilder("sleep", "60").start();
        try {
            Map<Long, List<String>> children = BenchCluster.childCommandLines(ProcessHandle.current().pid());
            assertThat(children).containsEntry(child.pid(), List.of("sleep", "60"));
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void clientsArePlacedOnNodesModuloTheNodeCount() {
        Target three = new Target("hbase x3 nodes", List.of("http://a:1", "http://b:2", "http://c:3"),
                List.of(11L, 12L, 13L));
        assertThat(three.endpoint(0)).isEqualTo("http://a:1");
        assertThat(three.endpoint(2)).isEqualTo("http://c:3");
        assertThat(three.endpoint(4)).isEqualTo("http://b:2");
        assertThat(three.pids()).containsExactly(11L, 12L, 13L);
        Target one = new Target("hbase x1 node", List.of("http://a:1"), List.of(11L));
        assertThat(one.endpoint(1)).isEqualTo("http://a:1");
        assertThat(Bench.placement(3)).isEqualTo("ingest batches round-robin over nodes 1..3, read back at node 3; "
                + "hand-over: our worker at node 2, official worker at node 3; latency: writer at node 1, our worker "
                + "at node 2, official worker at node 3");
        assertThat(Bench.placement(1)).contains("our worker at node 1, official worker at node 1");
        // batch k of the load goes through client k mod n
        assertThat(List.of(0L, 200L, 400L, 600L, 800L).stream()
                .map(start -> BenchTables.clientOf(start, 0, 3)).toList()).containsExactly(0, 1, 2, 0, 1);
        assertThat(BenchTables.clientOf(1_200, 1_000, 3)).isEqualTo(1);
    }

    @Test
    void clusterFiguresCarryTheLabelAndTheRatioAgainstTheRocksDbFigureOfTheSameRun() {
        BenchReport report = new BenchReport();
        Target rocksdb = new Target("", List.of("http://a:1"), List.of(1L));
        Target cluster = new Target("hbase x3 nodes", List.of("http://a:1", "http://b:2", "http://c:3"),
                List.of(11L, 12L, 13L));
        assertThat(rocksdb.subject("our SDK BatchWriteRow 100 B x1 threads"))
                .isEqualTo("our SDK BatchWriteRow 100 B x1 threads");
        report.add("ingest", rocksdb.subject("our SDK BatchWriteRow 100 B x1 threads"), "rows/s", 20_000, "rows/s");
        rocksdb.addVsRocksDb(report, "ingest", "our SDK BatchWriteRow 100 B x1 threads", "rows/s", 20_000, "rows/s");
        assertThat(report.measurements()).hasSize(1); // the RocksDB figure is the baseline, not compared with itself

        cluster.addVsRocksDb(report, "ingest", "our SDK BatchWriteRow 100 B x1 threads", "rows/s", 5_000, "rows/s");
        cluster.addVsRocksDb(report, "ingest", "our SDK BatchWriteRow 1024 B x8 threads", "rows/s", 5_000, "rows/s");
        assertThat(report.measurements()).hasSize(2); // no RocksDB figure for the second subject: no ratio
        BenchReport.Measurement m = report.measurements().get(1);
        assertThat(m.subject()).isEqualTo("hbase x3 nodes: our SDK BatchWriteRow 100 B x1 threads");
        assertThat(m.metric()).isEqualTo("rows/s vs RocksDB");
        assertThat(m.baselineName()).isEqualTo("RocksDB server, same run");
        assertThat(m.baseline()).isEqualTo(20_000.0);
        assertThat(m.ratio()).isEqualTo(0.25);
    }

    @Test
    void latencyWaitsOnlyForTheAcknowledgedChanges() throws Exception {
        LatencySink sink = new LatencySink();
        sink.batch("ch", new long[] {10, 12, 13}, 5L);
        // id 11 was a failed write (no ack): the acknowledged ids 10, 12, 13 are all there
        assertThat(sink.awaitAll(List.of(13L, 10L, 12L), java.time.Duration.ZERO)).isTrue();
        assertThat(sink.awaitAll(List.of(), java.time.Duration.ZERO)).isTrue();
        assertThat(sink.awaitAll(List.of(10L, 11L), java.time.Duration.ofMillis(50))).isFalse();
        assertThat(sink.awaitRange(10, 14, java.time.Duration.ZERO)).isFalse();
    }

    @Test
    void roundRobinLoadThroughSeveralClientsIsReadBackOnceEach() throws Exception {
        try (BenchServer server = BenchServer.start(dir.resolve("data"), false, "256m")) {
            List<TableClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    clients.add(TableClient.create(BenchTables.clientConfig(server.endpoint())));
                }
                BenchTables.create(server.endpoint(), "rr", 1, 0, 0);
                long written = BenchTables.load(clients, "rr", 0, 1_050, 16, 2, Long.MAX_VALUE);
                assertThat(written).isEqualTo(1_050);
                assertThat(BenchTables.readBack(clients.get(2), "rr", 1_050))
                        .isEqualTo(new BenchTables.ReadBack(1_050, 1_050));
                // ids outside [0, expected) are counted as rows but not as expected ids
                assertThat(BenchTables.readBack(clients.get(0), "rr", 1_000))
                        .isEqualTo(new BenchTables.ReadBack(1_050, 1_000));
            } finally {
                clients.forEach(TableClient::close);
            }
        }
    }
}
