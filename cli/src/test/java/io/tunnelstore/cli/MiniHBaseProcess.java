package io.tunnelstore.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One HBase minicluster per test JVM for the in-JVM server tests, in a child JVM: HBase's server side needs protobuf
 * 2.5 on its class path, the Tunnelstore server protobuf 4, so they cannot share a JVM. It is the minicluster of
 * {@code tunnelstore cluster} ({@link LocalCluster.MiniCluster}, the {@code minicluster} module's
 * {@code MiniClusterMain}, class path from {@link ClusterHarness#miniclusterClassPath()}); it stops when this JVM
 * closes its standard input (at exit, or when this JVM dies).
 */
final class MiniHBaseProcess {
    private static String quorum;
    /** Run at JVM exit before the minicluster stops (nodes using it close first). */
    private static final List<Runnable> BEFORE_STOP = new CopyOnWriteArrayList<>();

    private MiniHBaseProcess() {}

    /** Starts the minicluster on first use and returns its ZooKeeper quorum (HOST:PORT). */
    static synchronized String zookeeper() throws Exception {
        if (quorum == null) {
            quorum = start();
        }
        return quorum;
    }

    /**
     * Runs {@code action} at JVM exit before the minicluster is stopped: servers on it close while HBase still
     * answers (otherwise their HBase clients retry against a stopped cluster and the JVM's exit waits for them).
     */
    static void beforeStop(Runnable action) {
        BEFORE_STOP.add(action);
    }

    private static String start() throws Exception {
        Path dir = Files.createTempDirectory("minihbase");
        Path log = dir.resolve("minicluster.log");
        LocalCluster.MiniCluster minicluster = LocalCluster.MiniCluster.start(dir.resolve("hbase"), 1,
                ClusterHarness.miniclusterClassPath(), log);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Runnable action : BEFORE_STOP) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    System.err.println("minicluster: a clean-up before the stop failed: " + e);
                }
            }
            minicluster.stop(Duration.ofSeconds(30));
        }, "minihbase-stop"));
        minicluster.awaitReady(Duration.ofMinutes(5)); // on failure: the log's last lines; the hook stops it
        return minicluster.zookeeper();
    }
}
