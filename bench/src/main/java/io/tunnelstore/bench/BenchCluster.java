package io.tunnelstore.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Tunnelstore cluster for the cluster cases of the harness: {@code tunnelstore cluster --nodes N} (the CLI's
 * {@code Main}) in a child JVM on the harness's class path, which starts an HBase minicluster process and N
 * {@code server --engine hbase} node processes (cli {@code LocalCluster}). The harness only uses the command's
 * launcher contract: the {@code endpoint=...} lines, then {@code cluster ready nodes=N}; SIGTERM stops everything.
 * The node and minicluster processes are found among the cluster JVM's children in {@code /proc}, so their CPU and
 * RSS can be sampled like the single server's. Not thread-safe; close once.
 */
final class BenchCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BenchCluster.class);
    /** The launcher's variable for the minicluster JVM's class path (cli ClusterCommand). */
    static final String MINICLUSTER_CLASSPATH_ENV = "TUNNELSTORE_MINICLUSTER_CLASSPATH";
    static final String CLI_MAIN = "io.tunnelstore.cli.Main";
    static final String MINICLUSTER_MAIN = "io.tunnelstore.minicluster.MiniClusterMain";
    /** Heap of each node (the cluster command's --node-heap). */
    static final String NODE_HEAP = "768m";

    private final Process process;
    private final Path dataDir;
    private final List<String> endpoints;
    private final List<Long> nodePids;
    private final long miniclusterPid;
    private final Thread stopHook;

    private BenchCluster(Process process, Thread stopHook, Path dataDir, List<String> endpoints, List<Long> nodePids,
            long miniclusterPid) {
        this.process = process;
        this.stopHook = stopHook;
        this.dataDir = dataDir;
        this.endpoints = endpoints;
        this.nodePids = nodePids;
        this.miniclusterPid = miniclusterPid;
    }

    /** The {@code cluster} command line: free ports, the bench instance, the nodes' heap and the class paths. */
    static List<String> command(int nodes, Path dataDir, String miniclusterClassPath) {
        return List.of(BenchServer.javaBinary(), "-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), CLI_MAIN, "cluster", "--nodes", Integer.toString(nodes),
                "--port", "0", "--data-dir", dataDir.toString(), "--instance", BenchServer.INSTANCE,
                "--node-heap", NODE_HEAP, "--minicluster-classpath", miniclusterClassPath);
    }

    /**
     * Starts a cluster of {@code nodes} nodes in {@code dataDir} and blocks until it is ready (at most
     * {@code timeout}); the bench admin key reaches every node through {@code OTS_AK_ENV}/{@code OTS_SK_ENV}.
     */
    static BenchCluster start(int nodes, Path dataDir, String miniclusterClassPath, Duration timeout)
            throws IOException, InterruptedException {
        if (miniclusterClassPath == null || miniclusterClassPath.isBlank()) {
            throw new IllegalStateException("the HBase minicluster's class path is unknown: run the cluster cases "
                    + "through bench/run.sh (it builds the minicluster module and sets " + MINICLUSTER_CLASSPATH_ENV
                    + ")");
        }
        Files.createDirectories(dataDir);
        ProcessBuilder pb = new ProcessBuilder(command(nodes, dataDir, miniclusterClassPath));
        pb.environment().put("OTS_AK_ENV", BenchServer.ACCESS_KEY_ID);
        pb.environment().put("OTS_SK_ENV", BenchServer.ACCESS_KEY_SECRET);
        Path logFile = dataDir.resolveSibling(dataDir.getFileName() + "-cluster.log");
        pb.redirectError(logFile.toFile());
        Process p = pb.start();
        // a harness stopped by a signal still stops the cluster (the cluster command stops its children on SIGTERM)
        Thread hook = new Thread(() -> stop(p), "bench-cluster-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        List<String> endpoints = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    log.info("cluster: {}", line);
                    String endpoint = endpointOf(line);
                    if (endpoint != null) {
                        endpoints.add(endpoint);
                    } else if (line.startsWith("cluster ready")) {
                        ready.complete(null);
                    }
                }
            } catch (IOException e) {
                // the process ended: reported below
            }
            ready.completeExceptionally(new IllegalStateException("the cluster command exited"));
        }, "bench-cluster-output");
        pump.setDaemon(true);
        pump.start();
        try {
            ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<Integer, Long> byPort = nodePidsByPort(childCommandLines(p.pid()));
            List<Long> pids = new ArrayList<>();
            for (String endpoint : endpoints) {
                Long pid = byPort.get(portOf(endpoint));
                if (pid == null) {
                    throw new IllegalStateException("no node process listens on " + endpoint + " among " + byPort);
                }
                pids.add(pid);
            }
            long mini = miniclusterPid(childCommandLines(p.pid()));
            log.info("bench cluster pid {}: nodes {} (pids {}), minicluster pid {}", p.pid(), endpoints, pids, mini);
            return new BenchCluster(p, hook, dataDir, List.copyOf(endpoints), List.copyOf(pids), mini);
        } catch (TimeoutException | ExecutionException | RuntimeException e) {
            removeHook(hook);
            stop(p);
            throw new IllegalStateException("the " + nodes + "-node cluster did not start within "
                    + timeout.toSeconds() + " s; see " + logFile + " and " + dataDir.resolve("logs"), e);
        } catch (InterruptedException e) {
            removeHook(hook);
            stop(p);
            throw e;
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook stops the cluster
        }
    }

    /** {@code http://H:P} of a launcher-contract line {@code endpoint=http://H:P instance=NAME}, else null. */
    static String endpointOf(String line) {
        if (!line.startsWith("endpoint=")) {
            return null;
        }
        int end = line.indexOf(' ');
        return line.substring("endpoint=".length(), end < 0 ? line.length() : end);
    }

    static int portOf(String endpoint) {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }

    /** The node processes ({@code Main server ... --port P}) among {@code commandLines} (pid to arguments), by port. */
    static Map<Integer, Long> nodePidsByPort(Map<Long, List<String>> commandLines) {
        Map<Integer, Long> byPort = new LinkedHashMap<>();
        commandLines.forEach((pid, args) -> {
            int main = args.indexOf(CLI_MAIN);
            int port = args.indexOf("--port");
            if (main >= 0 && main + 1 < args.size() && "server".equals(args.get(main + 1)) && port >= 0
                    && port + 1 < args.size()) {
                byPort.put(Integer.parseInt(args.get(port + 1)), pid);
            }
        });
        return byPort;
    }

    static long miniclusterPid(Map<Long, List<String>> commandLines) {
        return commandLines.entrySet().stream().filter(e -> e.getValue().contains(MINICLUSTER_MAIN))
                .mapToLong(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new IllegalStateException("no minicluster process among " + commandLines.keySet()));
    }

    /** The argument vectors of {@code pid}'s child processes, from {@code /proc/<pid>/task/<tid>/children}. */
    static Map<Long, List<String>> childCommandLines(long pid) {
        Map<Long, List<String>> result = new LinkedHashMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String children = Files.readString(task.resolve("children")).trim();
                if (children.isEmpty()) {
                    continue;
                }
                for (String child : children.split("\\s+")) {
                    long childPid = Long.parseLong(child);
                    byte[] raw = Files.readAllBytes(Path.of("/proc", child, "cmdline"));
                    result.put(childPid, List.of(new String(raw, StandardCharsets.UTF_8).split("\0")));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the children of " + pid + " in /proc", e);
        }
        return result;
    }

    List<String> endpoints() {
        return endpoints;
    }

    List<Long> nodePids() {
        return nodePids;
    }

    long miniclusterPid() {
        return miniclusterPid;
    }

    Path dataDir() {
        return dataDir;
    }

    /** Stops the cluster: SIGTERM to the cluster command (it stops the nodes, then the minicluster). */
    @Override
    public void close() {
        removeHook(stopHook);
        stop(process);
    }

    private static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(150, TimeUnit.SECONDS)) {
                log.warn("bench cluster {} did not stop within 150 s; killing it and its children", p.pid());
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
