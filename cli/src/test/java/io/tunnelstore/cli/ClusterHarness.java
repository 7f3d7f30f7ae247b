package io.tunnelstore.cli;

import com.alicloud.openservices.tablestore.ClientConfiguration;
import com.alicloud.openservices.tablestore.SyncClient;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Process-level cluster tests' harness: an HBase minicluster process and N {@code tunnelstore server} node processes
 * ({@link LocalCluster}, the machinery of {@code tunnelstore cluster}), with the faults the tests inject — kill -9,
 * SIGSTOP/SIGCONT of a node, abort of a region server — and official SDK clients bound to one node each.
 *
 * <p>Logs stay in {@code target/cluster-it/<name>-<time>/logs/} (also after the run, for CI to collect);
 * {@link #close()} always stops every process, also after a failed start. One harness per test class: the
 * minicluster takes 20-50 s to start on a busy 2-core machine.
 */
final class ClusterHarness implements AutoCloseable {
    static final String ACCESS_KEY_ID = "clusterTestKey";
    static final String ACCESS_KEY_SECRET = "clusterTestSecret0123456789";
    static final String INSTANCE = "tunnelstore";
    /** The nodes' ZooKeeper session timeout: a dead node's partitions move after about this long. */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(4);
    /** The tick of the minicluster's ZooKeeper (HBase's default): sessions expire in tick-sized buckets. */
    static final Duration ZOOKEEPER_TICK = Duration.ofSeconds(2);
    /**
     * The documented bound on how long a dead or paused node's partitions and tunnels stay without an owner
     * (docs/scale-out.md, "Failover time bound"): session timeout + one tick + about 1 s to notice and take over.
     */
    static final Duration FAILOVER_BOUND = SESSION_TIMEOUT.plus(ZOOKEEPER_TICK).plusSeconds(1);

    private final LocalCluster cluster;
    private final List<String> console;
    private final List<SyncClient> clients = new CopyOnWriteArrayList<>();
    private ClusterObserver observer;

    private ClusterHarness(LocalCluster cluster, List<String> console) {
        this.cluster = cluster;
        this.console = console;
    }

    /** Starts a minicluster with {@code regionServers} region servers and {@code nodes} nodes, all ready. */
    static ClusterHarness start(String name, int nodes, int regionServers, String... serverArgs) throws Exception {
        List<String> console = new CopyOnWriteArrayList<>();
        LocalCluster cluster = LocalCluster.start(settings(name, nodes, regionServers, serverArgs), console::add);
        return new ClusterHarness(cluster, console);
    }

    /**
     * The settings the tests use: free ports, the fixed admin key, small heaps, a 5 s grace period, a short session
     * timeout ({@link #SESSION_TIMEOUT}) unless {@code serverArgs} give one.
     */
    static LocalCluster.Settings settings(String name, int nodes, int regionServers, String... serverArgs)
            throws IOException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss-SSS"));
        Path dir = Files.createDirectories(Path.of(System.getProperty("build.dir.name", "target"), "cluster-it",
                name + "-" + stamp).toAbsolutePath());
        List<String> args = new ArrayList<>(List.of(serverArgs));
        if (!args.contains("--cluster-session-timeout")) {
            args.addAll(List.of("--cluster-session-timeout", Long.toString(SESSION_TIMEOUT.toSeconds())));
        }
        return new LocalCluster.Settings(nodes, dir, "127.0.0.1", 0, List.of(INSTANCE), regionServers,
                miniclusterClassPath(), List.of("-Xmx384m"), args,
                Map.of("OTS_AK_ENV", ACCESS_KEY_ID, "OTS_SK_ENV", ACCESS_KEY_SECRET), Duration.ofMinutes(5),
                Duration.ofSeconds(5));
    }

    /**
     * The minicluster JVM's class path as the launcher builds it, from the minicluster module's build (a test
     * dependency of this module, so {@code mvn -pl cli -am} builds it first).
     */
    static String miniclusterClassPath() throws IOException {
        Path module = Path.of("..", "minicluster").toAbsolutePath().normalize();
        Path target = module.resolve(System.getProperty("build.dir.name", "target"));
        Path deps = target.resolve("minicluster.classpath");
        if (!Files.isRegularFile(deps)) {
            throw new IllegalStateException(deps + " is missing: build the minicluster module first "
                    + "(mvn -pl cli -am verify)");
        }
        return target.resolve("classes") + File.pathSeparator + Files.readString(deps, StandardCharsets.UTF_8).strip();
    }

    LocalCluster cluster() {
        return cluster;
    }

    LocalCluster.Node node(int i) {
        return cluster.node(i);
    }

    /** What the nodes printed on their standard output (ready lines), in arrival order. */
    List<String> console() {
        return List.copyOf(console);
    }

    /** An official SDK client talking to node {@code i} only (closed with the harness). */
    SyncClient client(int i) {
        return client(i, new ClientConfiguration());
    }

    SyncClient client(int i, ClientConfiguration configuration) {
        SyncClient client = new SyncClient(node(i).endpoint(), ACCESS_KEY_ID, ACCESS_KEY_SECRET, INSTANCE,
                configuration);
        clients.add(client);
        return client;
    }

    /** The cluster's state as seen from outside the nodes (opened on first use, closed with the harness). */
    synchronized ClusterObserver observer() throws InterruptedException {
        if (observer == null) {
            observer = new ClusterObserver(cluster.zookeeper());
        }
        return observer;
    }

    /** The index {@code i} of node {@code node-i}. */
    static int index(String nodeId) {
        return Integer.parseInt(nodeId.substring("node-".length()));
    }

    /** Kill -9 of node {@code i}. */
    void kill9(int i) throws InterruptedException {
        node(i).kill9();
    }

    /** SIGSTOP of node {@code i}. */
    void pause(int i) {
        node(i).pause();
    }

    /** SIGCONT of node {@code i}. */
    void resume(int i) {
        node(i).resume();
    }

    /** Starts node {@code i} again (after a kill) and waits until it is ready. */
    void restart(int i) throws Exception {
        cluster.startNode(i).awaitReady(Duration.ofMinutes(3));
    }

    /** Aborts the region server holding the first region of the HBase table {@code table}; returns its name. */
    String abortRegionServerOf(String table) throws InterruptedException {
        return cluster.minicluster().abortRegionServerOf(table, Duration.ofMinutes(2));
    }

    /** The last lines of every process's log, for a failure message. */
    String logTails(int lines) {
        List<String> parts = new ArrayList<>();
        parts.add("== minicluster ==" + System.lineSeparator()
                + LocalCluster.tail(cluster.minicluster().log(), lines));
        for (LocalCluster.Node node : cluster.nodes()) {
            parts.add("== " + node.id() + " ==" + System.lineSeparator() + LocalCluster.tail(node.log(), lines));
        }
        return String.join(System.lineSeparator(), parts);
    }

    @Override
    public void close() {
        for (SyncClient client : clients) {
            client.shutdown();
        }
        synchronized (this) {
            if (observer != null) {
                observer.close();
            }
        }
        cluster.close();
    }
}
