package io.tunnelstore.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A Tunnelstore cluster on one machine, as processes: an HBase minicluster ({@code MiniClusterMain} of the
 * {@code minicluster} module, in a JVM of its own since HBase's server side cannot share a class path with the
 * server) and N {@code tunnelstore server --engine hbase} nodes on it. Used by {@code tunnelstore cluster} and by the
 * process-level cluster tests, which also kill, pause and resume nodes and abort region servers through it.
 *
 * <p>Layout under the data directory: {@code hbase/} (the minicluster's files, deleted by HBase when it stops),
 * {@code node-i/} (each node's {@code --data-dir}) and {@code logs/} ({@code minicluster.log}, {@code node-i.log}:
 * everything each process wrote). {@link #close()} stops everything, nodes first (SIGTERM, SIGKILL after the grace
 * period), the minicluster last; it also runs when starting fails half-way, so no process is left behind.
 */
final class LocalCluster implements AutoCloseable {

    /** HBase's JVM flags on Java 17 (../shared/docs/HBASE.md). */
    static final List<String> HBASE_JVM_FLAGS = List.of(
            "-Dorg.apache.hbase.thirdparty.io.netty.tryReflectionSetAccessible=true", "--add-modules",
            "jdk.unsupported", "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens",
            "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens",
            "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens", "java.base/java.util=ALL-UNNAMED", "--add-opens",
            "java.base/java.util.concurrent=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports", "java.security.jgss/sun.security.krb5=ALL-UNNAMED", "--add-exports",
            "java.base/sun.net.dns=ALL-UNNAMED", "--add-exports", "java.base/sun.net.util=ALL-UNNAMED");

    private static final String MINICLUSTER_MAIN = "io.tunnelstore.minicluster.MiniClusterMain";

    /**
     * What to start.
     *
     * @param nodes                number of server nodes (at least 1)
     * @param dataDir              the cluster's directory (see the class comment)
     * @param host                 the nodes' listening address
     * @param firstPort            node-i listens on {@code firstPort + i - 1}; 0 gives every node a port free
     *                             when the cluster starts (kept across restarts of the node: the other nodes
     *                             forward requests to it)
     * @param instances            the instance names every node serves
     * @param regionServers        region servers of the minicluster (2 lets one be aborted without an outage)
     * @param miniclusterClassPath class path of the minicluster JVM
     * @param nodeJvmArgs          JVM options of every node (e.g. {@code -Xmx512m})
     * @param nodeServerArgs       extra {@code server} flags of every node
     * @param environment          environment of the nodes (the admin key: {@code OTS_AK_ENV}/{@code OTS_SK_ENV})
     * @param startTimeout         how long the minicluster, and then each node, may take to become ready
     * @param gracePeriod          how long a node may take to stop after SIGTERM before it is killed
     */
    record Settings(int nodes, Path dataDir, String host, int firstPort, List<String> instances, int regionServers,
                    String miniclusterClassPath, List<String> nodeJvmArgs, List<String> nodeServerArgs,
                    Map<String, String> environment, Duration startTimeout, Duration gracePeriod) {
        Settings {
            if (nodes < 1) {
                throw new IllegalArgumentException("nodes must be at least 1, got " + nodes);
            }
            if (regionServers < 1) {
                throw new IllegalArgumentException("region servers must be at least 1, got " + regionServers);
            }
            instances = List.copyOf(instances);
            nodeJvmArgs = List.copyOf(nodeJvmArgs);
            nodeServerArgs = List.copyOf(nodeServerArgs);
            environment = Map.copyOf(environment);
        }

        int port(int node) {
            return firstPort == 0 ? 0 : firstPort + node - 1;
        }
    }

    /** Ports picked for {@code firstPort == 0}: free when picked, a node's across its restarts. */
    private final Map<Integer, Integer> pickedPorts = new java.util.concurrent.ConcurrentHashMap<>();

    private int portOf(int node) throws IOException {
        if (settings.firstPort() != 0) {
            return settings.port(node);
        }
        Integer picked = pickedPorts.get(node);
        if (picked == null) {
            try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
                socket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName(settings.host()), 0));
                picked = socket.getLocalPort();
            }
            pickedPorts.put(node, picked);
        }
        return picked;
    }

    private final Settings settings;
    private final Consumer<String> console;
    private final Path logs;
    private final List<Node> nodes = new CopyOnWriteArrayList<>();
    private volatile MiniCluster minicluster;
    private boolean closed;

    private LocalCluster(Settings settings, Consumer<String> console) throws IOException {
        this.settings = settings;
        this.console = console;
        this.logs = Files.createDirectories(settings.dataDir().resolve("logs"));
    }

    /**
     * Starts the minicluster, then node-1 (alone, so an instance without a configured key gets exactly one
     * generated key, which it prints), then the other nodes together. Every line the nodes print on their standard
     * output (ready lines, a generated key) goes to {@code console}. On failure everything started is stopped.
     */
    static LocalCluster start(Settings settings, Consumer<String> console) throws IOException, InterruptedException {
        LocalCluster cluster = prepare(settings, console);
        cluster.start();
        return cluster;
    }

    /** A cluster not started yet: {@link #close()} may be called from another thread while {@link #start()} runs. */
    static LocalCluster prepare(Settings settings, Consumer<String> console) throws IOException {
        return new LocalCluster(settings, console);
    }

    /** Starts everything (see {@link #start(Settings, Consumer)}); on failure, stops what it started and throws. */
    void start() throws IOException, InterruptedException {
        try {
            startAll();
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void startAll() throws IOException, InterruptedException {
        MiniCluster mc = MiniCluster.start(settings, logs.resolve("minicluster.log"));
        synchronized (this) {
            if (closed) {
                mc.stop(Duration.ofSeconds(60));
                throw new IllegalStateException("the cluster was stopped while it started");
            }
            minicluster = mc;
        }
        mc.awaitReady(settings.startTimeout());
        Node first = startNode(1);
        first.awaitReady(settings.startTimeout());
        List<Node> others = new ArrayList<>();
        for (int i = 2; i <= settings.nodes(); i++) {
            others.add(startNode(i));
        }
        for (Node node : others) {
            node.awaitReady(settings.startTimeout());
        }
    }

    /** Starts node {@code i} (1-based), or starts it again after it was killed; does not wait for it. */
    Node startNode(int i) throws IOException {
        String id = "node-" + i;
        Path nodeDir = Files.createDirectories(settings.dataDir().resolve(id));
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(settings.nodeJvmArgs());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "server",
                "--engine", "hbase", "--hbase-zookeeper", minicluster.zookeeper(), "--node-id", id,
                "--host", settings.host(), "--port", Integer.toString(portOf(i)),
                "--data-dir", nodeDir.toString(), "--instance", String.join(",", settings.instances()),
                // the node stops when this process ends, also after a kill -9 that runs none of our clean-up
                "--exit-with-parent", Long.toString(ProcessHandle.current().pid())));
        command.addAll(settings.nodeServerArgs());
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(settings.environment());
        Path log = logs.resolve(id + ".log");
        builder.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Node node;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the cluster was stopped while it started");
            }
            node = new Node(id, builder.start(), log, settings.instances().size(), console);
            nodes.removeIf(n -> n.id().equals(id));
            nodes.add(node);
        }
        return node;
    }

    String zookeeper() {
        return minicluster.zookeeper();
    }

    MiniCluster minicluster() {
        return minicluster;
    }

    /** The nodes in start order (a restarted node replaces its earlier process). */
    List<Node> nodes() {
        return List.copyOf(nodes);
    }

    Node node(int i) {
        return nodes.stream().filter(n -> n.id().equals("node-" + i)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node-" + i));
    }

    Path logDir() {
        return logs;
    }

    /** Stops the nodes (SIGTERM, SIGKILL after the grace period), then the minicluster. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (Node node : nodes) {
            try {
                node.resume(); // a paused node cannot act on SIGTERM
            } catch (RuntimeException e) {
                // it ended meanwhile
            }
            node.process.destroy();
        }
        long deadline = System.nanoTime() + settings.gracePeriod().toNanos();
        for (Node node : nodes) {
            try {
                if (!node.process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    node.kill9();
                }
            } catch (InterruptedException e) {
                node.process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        MiniCluster mc = minicluster;
        if (mc != null) {
            mc.stop(Duration.ofSeconds(60));
        }
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Sends a signal with kill(1): the JDK's process API has only SIGTERM and SIGKILL. */
    static void signal(Process process, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending " + signal, e);
        }
    }

    /** The last {@code count} lines of a log file, for error messages. */
    static String tail(Path log, int count) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - count), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** A {@code tunnelstore server} node process. */
    static final class Node {
        private final String id;
        private final Process process;
        private final Path log;
        private final List<String> endpoints = new CopyOnWriteArrayList<>();
        private final CompletableFuture<List<String>> ready = new CompletableFuture<>();

        private Node(String id, Process process, Path log, int instances, Consumer<String> console) {
            this.id = id;
            this.process = process;
            this.log = log;
            Thread pump = new Thread(() -> pump(instances, console), id + "-output");
            pump.setDaemon(true);
            pump.start();
        }

        /** Relays the node's standard output (the launcher contract's lines) and notes its endpoints. */
        private void pump(int instances, Consumer<String> console) {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                    OutputStream copy = Files.newOutputStream(log, StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                    PrintStream logCopy = new PrintStream(copy, true, StandardCharsets.UTF_8)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    logCopy.println("[stdout] " + line);
                    console.accept(line);
                    if (line.startsWith("endpoint=")) {
                        endpoints.add(line.substring("endpoint=".length(), line.indexOf(' ')));
                        if (endpoints.size() == instances) {
                            ready.complete(List.copyOf(endpoints));
                        }
                    }
                }
            } catch (IOException e) {
                // the process ended; reported below
            }
            ready.completeExceptionally(new IllegalStateException(id + " exited before it was ready"));
        }

        void awaitReady(Duration timeout) throws InterruptedException {
            try {
                ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException(id + " not ready after " + timeout.toSeconds() + " s; last lines of "
                        + log + ":" + System.lineSeparator() + tail(log, 20), e);
            } catch (ExecutionException e) {
                String exit = exitCode().map(code -> " (exit code " + code + ")").orElse("");
                throw new IllegalStateException(id + " exited before it was ready" + exit + "; last lines of " + log
                        + ":" + System.lineSeparator() + tail(log, 20), e);
            }
        }

        /** The exit code, once the process has ended (its output may end a moment before it does). */
        private java.util.Optional<Integer> exitCode() {
            try {
                return process.waitFor(10, TimeUnit.SECONDS) ? java.util.Optional.of(process.exitValue())
                        : java.util.Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return java.util.Optional.empty();
            }
        }

        String id() {
            return id;
        }

        /** The endpoint of the node's first instance ({@code http://H:P}); waits for nothing. */
        String endpoint() {
            if (endpoints.isEmpty()) {
                throw new IllegalStateException(id + " is not ready");
            }
            return endpoints.get(0);
        }

        long pid() {
            return process.pid();
        }

        boolean isAlive() {
            return process.isAlive();
        }

        Path log() {
            return log;
        }

        /** SIGKILL: the node gets no chance to flush, release leases or answer anything. */
        void kill9() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        /** SIGSTOP: the node freezes (its leases expire while it cannot notice). */
        void pause() {
            signal(process, "STOP");
        }

        /** SIGCONT after {@link #pause()}; does nothing to a process that has ended. */
        void resume() {
            if (process.isAlive()) {
                signal(process, "CONT");
            }
        }

        /** SIGTERM: the node's shutdown hook closes the server cleanly. */
        void terminate() {
            process.destroy();
        }
    }

    /** The HBase minicluster process; commands go to its standard input, one answer line each. */
    static final class MiniCluster {
        private final Process process;
        private final Path log;
        private final CompletableFuture<String> zookeeper = new CompletableFuture<>();
        private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

        private MiniCluster(Process process, Path log) {
            this.process = process;
            this.log = log;
            Thread pump = new Thread(this::pump, "minicluster-output");
            pump.setDaemon(true);
            pump.start();
        }

        static MiniCluster start(Settings settings, Path log) throws IOException {
            if (settings.miniclusterClassPath() == null || settings.miniclusterClassPath().isBlank()) {
                throw new IllegalStateException("the HBase minicluster's class path is unknown: start the cluster "
                        + "with the ./tunnelstore launcher (it builds the minicluster module and passes "
                        + "TUNNELSTORE_MINICLUSTER_CLASSPATH)");
            }
            return start(settings.dataDir().resolve("hbase"), settings.regionServers(),
                    settings.miniclusterClassPath(), log);
        }

        /**
         * Starts {@code MiniClusterMain} with its files in {@code hbaseDir} and its output in {@code log}; also the
         * one minicluster per JVM of the in-JVM server tests ({@code MiniHBaseProcess}). It stops when its standard
         * input is closed — by {@link #stop}, or by the end of this process.
         */
        static MiniCluster start(Path hbaseDir, int regionServers, String classPath, Path log) throws IOException {
            Files.createDirectories(hbaseDir);
            List<String> command = new ArrayList<>(List.of(javaBinary(), regionServers > 1 ? "-Xmx1536m" : "-Xmx1g"));
            command.addAll(HBASE_JVM_FLAGS);
            command.addAll(List.of("-cp", classPath, MINICLUSTER_MAIN,
                    "--data-dir", hbaseDir.toString(), "--region-servers", Integer.toString(regionServers)));
            ProcessBuilder builder = new ProcessBuilder(command).directory(hbaseDir.toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
            return new MiniCluster(builder.start(), log);
        }

        private void pump() {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.startsWith("zookeeper=") && !zookeeper.isDone()) {
                        zookeeper.complete(line.substring("zookeeper=".length()));
                    } else {
                        answers.add(line);
                    }
                }
            } catch (IOException e) {
                // the process ended; reported below
            }
            zookeeper.completeExceptionally(new IllegalStateException("the minicluster exited"));
        }

        void awaitReady(Duration timeout) throws InterruptedException {
            try {
                zookeeper.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                throw new IllegalStateException("the HBase minicluster did not start within " + timeout.toSeconds()
                        + " s; last lines of " + log + ":" + System.lineSeparator() + tail(log, 30), e);
            }
        }

        String zookeeper() {
            return zookeeper.getNow(null);
        }

        Path log() {
            return log;
        }

        /**
         * Aborts the region server holding {@code table}'s first region (HBase reopens its regions on the other
         * region servers) and returns the server's name.
         */
        synchronized String abortRegionServerOf(String table, Duration timeout) throws InterruptedException {
            String answer = command("abort-region-server " + table, timeout);
            if (!answer.startsWith("aborted region-server=")) {
                throw new IllegalStateException("cannot abort the region server of " + table + ": " + answer);
            }
            return answer.substring("aborted region-server=".length());
        }

        /** Starts one more region server and returns its name. */
        synchronized String startRegionServer(Duration timeout) throws InterruptedException {
            String answer = command("start-region-server", timeout);
            if (!answer.startsWith("started region-server=")) {
                throw new IllegalStateException("cannot start a region server: " + answer);
            }
            return answer.substring("started region-server=".length());
        }

        private String command(String line, Duration timeout) throws InterruptedException {
            try {
                OutputStream in = process.getOutputStream();
                in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("the minicluster is gone", e);
            }
            String answer = answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (answer == null) {
                throw new IllegalStateException("no answer from the minicluster to '" + line + "' within " + timeout);
            }
            return answer;
        }

        /** Closes its standard input (it stops its cluster and exits), kills it after {@code timeout}. */
        void stop(Duration timeout) {
            try {
                process.getOutputStream().close();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (IOException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
