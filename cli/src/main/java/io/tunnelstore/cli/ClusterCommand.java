package io.tunnelstore.cli;

import io.tunnelstore.server.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tunnelstore cluster}: a Tunnelstore cluster on one machine for trying scale-out without installing HBase —
 * an HBase minicluster and N server nodes on it, each a process of its own ({@link LocalCluster}). Prints each node's
 * ready lines (the {@code server} launcher contract: {@code endpoint=http://H:P instance=NAME}), then
 * {@code cluster ready nodes=N}, and stops everything on SIGTERM / Ctrl-C.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"Run a Tunnelstore cluster on this machine: an HBase minicluster and N server nodes "
                        + "(--engine hbase), each in a process of its own, for trying scale-out without installing "
                        + "HBase. Start it through the ./tunnelstore launcher (it provides HBase's class path).",
                "Prints 'endpoint=http://HOST:PORT instance=NAME' per node and instance, then 'cluster ready "
                        + "nodes=N'; stops everything on SIGTERM / Ctrl-C. Logs go to DATA_DIR/logs/.",
                "If OTS_AK_ENV and OTS_SK_ENV are set, that key pair is an administrator key of every instance on "
                        + "every node; otherwise node-1 generates one at first start and prints it.",
                "The minicluster's data lives under DATA_DIR/hbase while it runs and is discarded when it stops."})
final class ClusterCommand implements Callable<Integer> {
    /** Where the launcher puts the minicluster JVM's class path. */
    static final String MINICLUSTER_CLASSPATH_ENV = "TUNNELSTORE_MINICLUSTER_CLASSPATH";

    @Option(names = "--nodes", defaultValue = "3", paramLabel = "N",
            description = "Number of server nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address the nodes listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "" + ServerConfig.DEFAULT_PORT, paramLabel = "PORT",
            description = "Port of node-1; node-i listens on PORT+i-1. 0 gives every node a port free at "
                    + "start (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", defaultValue = "./cluster-data",
            description = "The cluster's directory: hbase/, node-i/ and logs/ (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--instance", defaultValue = "tunnelstore", split = ",",
            description = "Instance name(s), comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> instances;

    @Option(names = "--region-servers", defaultValue = "1", paramLabel = "N",
            description = "HBase region servers of the minicluster (default: ${DEFAULT-VALUE}).")
    int regionServers;

    @Option(names = "--node-heap", defaultValue = "512m", paramLabel = "SIZE",
            description = "Java heap of each node, as in -Xmx (default: ${DEFAULT-VALUE}).")
    String nodeHeap;

    @Option(names = "--grace-period", defaultValue = "10", paramLabel = "SECONDS",
            description = "How long a node may take to stop after SIGTERM before it is killed (default: "
                    + "${DEFAULT-VALUE}).")
    int gracePeriodSeconds;

    @Option(names = "--start-timeout", defaultValue = "300", paramLabel = "SECONDS",
            description = "How long the minicluster, then each node, may take to start (default: ${DEFAULT-VALUE}).")
    int startTimeoutSeconds;

    @Option(names = "--cluster-session-timeout", defaultValue = "10", paramLabel = "SECONDS",
            description = "Each node's ZooKeeper session timeout: how long after a node stops answering its "
                    + "partitions and tunnels move to the others (default: ${DEFAULT-VALUE}).")
    int sessionTimeoutSeconds;

    @Option(names = "--tls-cert", paramLabel = "PEM",
            description = "Every node serves https with this certificate chain (PEM, leaf first; valid for the "
                    + "host clients use); needs --tls-key. The nodes then forward to each other over https, "
                    + "trusting this certificate.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM",
            description = "The unencrypted private key (PEM: PKCS#8, RSA or EC) of --tls-cert.")
    Path tlsKey;

    @Option(names = "--cluster-trust", paramLabel = "PEM",
            description = "With --tls-cert: more certificates the nodes trust when forwarding to each other (as "
                    + "'server --cluster-trust'; not needed when every node serves the same --tls-cert).")
    Path clusterTrust;

    @Option(names = "--advertise-host", paramLabel = "HOST",
            description = "The host name or IP the nodes reach each other at (as 'server --advertise-host'; "
                    + "default: --host, which must then not be a wildcard).")
    String advertiseHost;

    @Option(names = "--minicluster-classpath", hidden = true,
            description = "Class path of the minicluster JVM (default: $" + MINICLUSTER_CLASSPATH_ENV + ").")
    String miniclusterClassPath;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LocalCluster.Settings settings = settings(System.getenv());
        PrintWriter out = spec.commandLine().getOut();
        LocalCluster cluster = LocalCluster.prepare(settings, line -> {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        });
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM / Ctrl-C: stop what runs, also while it is starting (nothing started is left behind).
        Thread hook = new Thread(() -> {
            cluster.close();
            stopped.countDown();
        }, "tunnelstore-cluster-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            cluster.start();
        } catch (IOException | RuntimeException e) {
            removeHook(hook);
            throw e;
        }
        synchronized (out) {
            out.println("hbase zookeeper=" + cluster.zookeeper() + " logs=" + cluster.logDir());
            out.println("cluster ready nodes=" + nodes);
            out.flush();
        }
        stopped.await();
        return 0;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
    }

    /**
     * The cluster the flags describe, after checking them: the node count, the ports (free now), the data directory
     * (writable) and the minicluster's class path.
     *
     * @throws ParameterException (exit code 2) for bad input
     */
    LocalCluster.Settings settings(Map<String, String> environment) {
        if (nodes < 1) {
            throw usage("--nodes must be at least 1, got " + nodes);
        }
        if (regionServers < 1) {
            throw usage("--region-servers must be at least 1, got " + regionServers);
        }
        if (port < 0 || (port > 0 && port + nodes - 1 > 65535)) {
            throw usage("--port " + port + " leaves no room for " + nodes + " nodes (ports PORT..PORT+N-1 must be "
                    + "in 1-65535, or 0 for free ports)");
        }
        if (gracePeriodSeconds < 0 || startTimeoutSeconds < 1) {
            throw usage("--grace-period must not be negative and --start-timeout must be at least 1");
        }
        if (!nodeHeap.matches("[0-9]+[kKmMgG]?")) {
            throw usage("--node-heap must look like 512m or 2g, got '" + nodeHeap + "'");
        }
        checkDataDir();
        if (port > 0) {
            for (int i = 0; i < nodes; i++) {
                checkPortFree(port + i, i + 1);
            }
        }
        String classPath = miniclusterClassPath != null ? miniclusterClassPath
                : environment.get(MINICLUSTER_CLASSPATH_ENV);
        if (classPath == null || classPath.isBlank()) {
            throw usage("the HBase minicluster's class path is unknown: run 'cluster' through the ./tunnelstore "
                    + "launcher (it builds the minicluster module and sets " + MINICLUSTER_CLASSPATH_ENV + ")");
        }
        // The admin key reaches the nodes through their environment, as for `server`.
        Map<String, String> nodeEnvironment = new HashMap<>();
        for (String key : List.of(ServerConfig.ENV_ACCESS_KEY_ID, ServerConfig.ENV_ACCESS_KEY_SECRET)) {
            if (environment.get(key) != null) {
                nodeEnvironment.put(key, environment.get(key));
            }
        }
        List<String> serverArgs = new ArrayList<>(List.of("--cluster-session-timeout",
                Integer.toString(sessionTimeoutSeconds)));
        // the nodes run in other processes: files by absolute path
        if (tlsCert != null) {
            serverArgs.addAll(List.of("--tls-cert", absolute(tlsCert)));
        }
        if (tlsKey != null) {
            serverArgs.addAll(List.of("--tls-key", absolute(tlsKey)));
        }
        if (clusterTrust != null) {
            serverArgs.addAll(List.of("--cluster-trust", absolute(clusterTrust)));
        }
        if (advertiseHost != null) {
            serverArgs.addAll(List.of("--advertise-host", advertiseHost));
        }
        checkNodeFlags(environment, serverArgs);
        return new LocalCluster.Settings(nodes, dataDir.toAbsolutePath().normalize(), host, port, instances,
                regionServers, classPath, List.of("-Xmx" + nodeHeap), serverArgs, nodeEnvironment,
                Duration.ofSeconds(startTimeoutSeconds), Duration.ofSeconds(gracePeriodSeconds));
    }

    /** What {@code server} would refuse in every node (an instance name, the host), refused before anything runs. */
    private void checkNodeFlags(Map<String, String> environment, List<String> serverArgs) {
        ServerCommand node = new ServerCommand();
        List<String> args = new ArrayList<>(List.of("--engine", "hbase", "--hbase-zookeeper", "127.0.0.1:2181",
                "--host", host, "--port", "1", "--data-dir", dataDir.resolve("node-1").toString(), "--instance",
                String.join(",", instances)));
        args.addAll(serverArgs);
        try {
            new CommandLine(node).parseArgs(args.toArray(String[]::new));
            node.config(environment);
            node.checkFiles();
        } catch (ParameterException e) {
            throw usage(e.getMessage());
        }
    }

    private static String absolute(Path file) {
        return file.toAbsolutePath().normalize().toString();
    }

    private void checkDataDir() {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException | SecurityException e) {
            throw usage("--data-dir: cannot create " + dataDir + " (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")");
        }
        Path probe = dataDir.resolve(".write-test");
        try {
            Files.deleteIfExists(probe);
            Files.createFile(probe);
            Files.delete(probe);
        } catch (IOException e) {
            throw usage("--data-dir: cannot write in " + dataDir + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private void checkPortFree(int candidate, int node) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), candidate));
        } catch (IOException e) {
            throw usage("port " + candidate + " (node-" + node + ") on " + host + " is not free (" + e.getMessage()
                    + "); choose another --port, or --port 0 for free ports");
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
