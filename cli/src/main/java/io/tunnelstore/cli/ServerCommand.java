package io.tunnelstore.cli;

import io.tunnelstore.server.ServerConfig;
import io.tunnelstore.server.TlsSettings;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.http.ConnectionLimits;
import io.tunnelstore.server.tls.ClusterTrust;
import io.tunnelstore.server.tls.ServerCertificates;
import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.hbase.HBaseEngines;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.regex.Pattern;
import io.tunnelstore.cluster.ClusterNode;
import io.tunnelstore.cluster.ClusterSettings;
import io.tunnelstore.server.cluster.ClusterPlacement;
import io.tunnelstore.storage.OwnershipFencing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tunnelstore server}: runs the server in the foreground on the embedded engine (or on HBase with
 * {@code --engine hbase}) until SIGTERM or Ctrl-C.
 * This is a stable contract other tools script against: when ready it prints
 * {@code endpoint=http://H:P instance=NAME} (one line per instance; {@code https://} with TLS, preceded by
 * {@code tls certificate=FILE sha256=FINGERPRINT ...}).
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Run the Tunnelstore server in the foreground on the embedded (RocksDB) engine, or on an "
                        + "HBase cluster with --engine hbase.",
                "Prints 'endpoint=http://HOST:PORT instance=NAME' when ready (https:// with TLS); stops cleanly on "
                        + "SIGTERM / Ctrl-C.",
                "If OTS_AK_ENV and OTS_SK_ENV are set, that key pair is an administrator key of every instance;",
                "otherwise a key pair is generated at first start, kept in the data directory and printed once."})
final class ServerCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "" + ServerConfig.DEFAULT_PORT,
            description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", defaultValue = "./data",
            description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--instance", defaultValue = "tunnelstore", split = ",",
            description = "Instance name(s), comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> instances;

    /** Environment variable holding the {@code /metrics} bearer token (preferred to the flag: not in ps output). */
    static final String METRICS_TOKEN_ENV = "TUNNELSTORE_METRICS_TOKEN";

    @Option(names = "--metrics-token", paramLabel = "TOKEN",
            description = "Require 'Authorization: Bearer TOKEN' on GET /metrics (default: $" + METRICS_TOKEN_ENV
                    + " if set, else /metrics is open).")
    String metricsToken;

    @Option(names = "--console-secure-cookies",
            description = "Mark the console session cookie Secure (set when clients reach the server over HTTPS, "
                    + "e.g. through a TLS proxy).")
    boolean consoleSecureCookies;

    @Option(names = "--tls-cert", paramLabel = "PEM",
            description = "Serve https with this certificate chain (PEM, leaf first); needs --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM",
            description = "The unencrypted private key (PEM: PKCS#8, RSA or EC) of --tls-cert.")
    Path tlsKey;

    @Option(names = "--tls-self-signed",
            description = {"Serve https with a self-signed certificate for development, generated at first start "
                    + "and kept in DATA_DIR/tls/ (valid for localhost, 127.0.0.1, ::1 and --host).",
                    "Its file and SHA-256 fingerprint are printed; clients must trust it."})
    boolean tlsSelfSigned;

    @Option(names = "--max-connections", defaultValue = "" + ConnectionLimits.DEFAULT_MAX_CONNECTIONS,
            paramLabel = "N", description = "Open connections at most; more are closed at once (default: "
                    + "${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-buffered-body-mib", defaultValue = "128", paramLabel = "MIB",
            description = "Request bodies held in memory across all connections, in MiB; requests above it get "
                    + "503 OTSServerBusy (default: ${DEFAULT-VALUE}).")
    int maxBufferedBodyMib;

    @Option(names = "--header-timeout", defaultValue = "20", paramLabel = "SECONDS",
            description = "Time from a request's first byte to the end of its headers (default: ${DEFAULT-VALUE}).")
    int headerTimeoutSeconds;

    @Option(names = "--body-timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "Time from the end of the headers to the last body byte (default: ${DEFAULT-VALUE}).")
    int bodyTimeoutSeconds;

    @Option(names = "--idle-timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "How long a connection with no request in progress may stay silent (default: "
                    + "${DEFAULT-VALUE}).")
    int idleTimeoutSeconds;

    @Option(names = "--max-clock-skew", defaultValue = "" + ServerConfig.DEFAULT_MAX_CLOCK_SKEW_MINUTES * 60,
            paramLabel = "SECONDS", description = "Allowed difference between a request's x-ots-date and the server "
                    + "clock; 0 turns the check off (captured requests can then be replayed) (default: "
                    + "${DEFAULT-VALUE}).")
    int maxClockSkewSeconds;

    /** The storage engines {@code --engine} selects. */
    enum Engine { rocksdb, hbase }

    @Option(names = "--engine", defaultValue = "rocksdb", paramLabel = "ENGINE",
            description = "Storage engine: rocksdb (embedded, in --data-dir) or hbase (an existing HBase cluster, "
                    + "see --hbase-zookeeper) (default: ${DEFAULT-VALUE}).")
    Engine engine;

    @Option(names = "--hbase-zookeeper", paramLabel = "HOST:PORT[,...]",
            description = "ZooKeeper quorum of the HBase cluster (with --engine hbase; port 2181 when omitted).")
    String hbaseZookeeper;

    @Option(names = "--hbase-table", defaultValue = "tunnelstore", paramLabel = "TABLE",
            description = "HBase table holding the instance's data, created when missing (with --engine hbase; "
                    + "default: ${DEFAULT-VALUE}).")
    String hbaseTable;

    @Option(names = "--node-id", paramLabel = "ID",
            description = "This node's name among several servers on one HBase cluster (letters, digits, . _ -; "
                    + "default: ADVERTISED_HOST-PORT).")
    String nodeId;

    @Option(names = "--cluster-session-timeout", defaultValue = "10", paramLabel = "SECONDS",
            description = "With --engine hbase: the ZooKeeper session timeout of this node, i.e. how long after it "
                    + "stops answering its partitions and tunnels move to the other nodes (default: ${DEFAULT-VALUE}).")
    int clusterSessionTimeoutSeconds;

    /**
     * Set by {@code tunnelstore cluster} ({@link LocalCluster}) on its nodes: a node stops (cleanly, as on SIGTERM)
     * when the process that started it ends, so a {@code kill -9} of the command leaves no node running. The pid is
     * passed rather than read from {@link ProcessHandle#parent()}, which would already be {@code init} when the
     * parent died while this JVM started.
     */
    @Option(names = "--exit-with-parent", hidden = true, paramLabel = "PID",
            description = "Stop when process PID ends (set by tunnelstore cluster on its nodes).")
    Long exitWithParent;

    @Option(names = "--advertise-host", paramLabel = "HOST",
            description = "With --engine hbase: the host name or IP the other nodes reach this node at (its "
                    + "advertised address is HOST:--port; default: --host, which must then not be a wildcard).")
    String advertiseHost;

    @Option(names = "--cluster-trust", paramLabel = "PEM",
            description = "With --engine hbase and TLS: more certificates (a private CA, or the other nodes' "
                    + "certificates) to trust when forwarding to another node over https; the node's own "
                    + "certificate is always trusted (enough when every node serves the same one).")
    Path clusterTrust;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config = config(System.getenv());
        checkFiles();
        String token = metricsToken != null ? metricsToken : System.getenv(METRICS_TOKEN_ENV);
        TunnelstoreServer.Builder builder = StandardModules.server(config,
                new StandardModules.Options(token == null || token.isBlank() ? null : token.strip(),
                        consoleSecureCookies));
        if (engine == Engine.hbase) {
            if (port == 0) {
                throw usage("--engine hbase needs an explicit --port: the other nodes forward requests to it");
            }
            builder.storage(hbaseStorage()).cluster(clusterJoiner());
            if (clusterTrust != null) {
                builder.clusterTrust(clusterTrust);
            }
        }
        TunnelstoreServer server = builder.build();
        CountDownLatch stopped = new CountDownLatch(1);
        // The JVM runs shutdown hooks on SIGTERM and SIGINT (Ctrl-C): close the server there so storage is flushed.
        Thread hook = new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "tunnelstore-shutdown");
        server.start();
        Runtime.getRuntime().addShutdownHook(hook);
        if (exitWithParent != null) {
            exitWhenEnded(exitWithParent);
        }
        stopped.await();
        return 0;
    }

    /**
     * Exits (running the shutdown hook, which closes the server: its leases are released at once) when process
     * {@code pid} ends, or at once when it has already ended. For a process that is not its parent's child the JDK
     * polls its liveness (every 0.3 s at first, growing to at most 5 s), which bounds the delay.
     */
    static void exitWhenEnded(long pid) {
        java.util.concurrent.CompletableFuture<ProcessHandle> ended = ProcessHandle.of(pid)
                .map(ProcessHandle::onExit)
                .orElseGet(() -> java.util.concurrent.CompletableFuture.completedFuture(null));
        ended.thenRun(() -> {
            System.err.println("tunnelstore server: the process that started this node (pid " + pid
                    + ") ended; stopping");
            System.exit(0);
        });
    }

    /**
     * The server configuration the flags describe.
     *
     * @throws ParameterException (exit code 2) for inconsistent TLS flags or an out-of-range value
     */
    ServerConfig config(Map<String, String> environment) {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw usage("--tls-cert and --tls-key go together");
        }
        if (tlsSelfSigned && tlsCert != null) {
            throw usage("use either --tls-self-signed or --tls-cert/--tls-key, not both");
        }
        if (engine == Engine.hbase && hbaseZookeeper == null) {
            throw usage("--engine hbase needs --hbase-zookeeper HOST:PORT[,HOST:PORT...]");
        }
        if (engine != Engine.hbase && (hbaseZookeeper != null || !"tunnelstore".equals(hbaseTable))) {
            throw usage("--hbase-zookeeper and --hbase-table go with --engine hbase");
        }
        if (engine == Engine.hbase) {
            try {
                HBaseEngines.parseQuorum(hbaseZookeeper);
            } catch (IllegalArgumentException e) {
                throw usage("--hbase-zookeeper: " + e.getMessage());
            }
        }
        if (nodeId != null && !NODE_ID.matcher(nodeId).matches()) {
            throw usage("--node-id must be 1-64 letters, digits, '.', '_' or '-', got '" + nodeId + "'");
        }
        if (engine != Engine.hbase && (advertiseHost != null || clusterTrust != null)) {
            throw usage("--advertise-host and --cluster-trust go with --engine hbase");
        }
        if (clusterTrust != null && !tlsSelfSigned && tlsCert == null) {
            throw usage("--cluster-trust goes with --tls-cert/--tls-key or --tls-self-signed (forwarding is plain "
                    + "http otherwise)");
        }
        if (engine == Engine.hbase && advertiseHost == null && isWildcard(host)) {
            throw usage("--host " + host + " listens on every address; give --advertise-host, the address the "
                    + "other nodes reach this node at");
        }
        if (advertiseHost != null && (advertiseHost.isBlank() || isWildcard(advertiseHost))) {
            throw usage("--advertise-host must be a host name or address the other nodes can reach, got '"
                    + advertiseHost + "'");
        }
        if (clusterSessionTimeoutSeconds <= 0) {
            throw usage("--cluster-session-timeout must be positive, got " + clusterSessionTimeoutSeconds);
        }
        if (maxClockSkewSeconds < 0) {
            throw usage("--max-clock-skew must not be negative, got " + maxClockSkewSeconds);
        }
        try {
            ConnectionLimits limits = new ConnectionLimits(maxConnections, (long) maxBufferedBodyMib << 20,
                    Duration.ofSeconds(headerTimeoutSeconds), Duration.ofSeconds(bodyTimeoutSeconds),
                    Duration.ofSeconds(idleTimeoutSeconds));
            ServerConfig.Builder builder = ServerConfig.builder()
                    .host(host).port(port).dataDir(dataDir).instanceNames(instances)
                    .adminKeyFromEnvironment(environment)
                    .connectionLimits(limits);
            if (tlsSelfSigned) {
                builder.tls(TlsSettings.selfSigned(host));
            } else if (tlsCert != null) {
                builder.tls(TlsSettings.pemFiles(tlsCert, tlsKey));
            }
            if (maxClockSkewSeconds == 0) {
                builder.withoutClockSkewCheck();
            } else {
                builder.maxClockSkew(Duration.ofSeconds(maxClockSkewSeconds));
            }
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    /**
     * Reads the files a cluster node's flags name — {@code --tls-cert}/{@code --tls-key} and {@code --cluster-trust} —
     * before anything starts: with {@code --engine hbase} the server reads them only after it reached HBase's
     * ZooKeeper and joined the cluster, so a typo would cost the ZooKeeper probe and then fail as a start failure.
     * A bad file is a usage error here (exit code 2), like every other bad flag. (A single RocksDB node reads its
     * certificate at once anyway, and keeps its start-failure message.)
     *
     * @throws ParameterException naming the flag and the file's problem
     */
    void checkFiles() {
        if (engine != Engine.hbase) {
            return;
        }
        requireReadable("--tls-cert", tlsCert);
        requireReadable("--tls-key", tlsKey);
        requireReadable("--cluster-trust", clusterTrust);
        if (tlsCert != null) {
            try {
                ServerCertificates.load(TlsSettings.pemFiles(tlsCert, tlsKey), dataDir.resolve("tls"),
                        java.time.Clock.systemUTC());
            } catch (IllegalArgumentException e) {
                throw usage("--tls-cert/--tls-key: " + e.getMessage());
            }
        }
        if (clusterTrust != null) {
            try {
                ClusterTrust.sslContext(List.of(clusterTrust));
            } catch (IllegalArgumentException e) {
                throw usage("--cluster-trust: " + e.getMessage());
            }
        }
    }

    private void requireReadable(String flag, Path file) {
        if (file != null && !(java.nio.file.Files.isRegularFile(file) && java.nio.file.Files.isReadable(file))) {
            throw usage(flag + ": cannot read " + file + (java.nio.file.Files.exists(file) ? "" : " (no such file)"));
        }
    }

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    /** {@code HOST:PORT} the other nodes forward to: {@code --advertise-host} (or {@code --host}) and the port. */
    String advertisedAddress() {
        String advertised = advertiseHost != null ? advertiseHost : host;
        if (advertised.indexOf(':') >= 0 && !advertised.startsWith("[")) {
            advertised = "[" + advertised + "]"; // an IPv6 literal in a URI authority
        }
        return advertised + ":" + port;
    }

    /**
     * Opens the HBase engine on the quorum of {@code --hbase-zookeeper}. The HBase classes come from the shaded
     * artifact and are loaded only here, so a RocksDB server never loads them.
     */
    Function<ServerConfig, StorageEngine> hbaseStorage() {
        String quorum = hbaseZookeeper;
        String table = hbaseTable;
        return config -> HBaseEngines.open(quorum, table, TunnelstoreServer.storageOptions(config), Map.of());
    }

    /** The node id the flags give, or HOST-PORT. */
    String nodeId() {
        return nodeId != null ? nodeId : (advertiseHost != null ? advertiseHost : host) + "-" + port;
    }

    /**
     * Joins the cluster of the nodes sharing the HBase table (docs/scale-out.md): a {@link ClusterNode} on HBase's
     * ZooKeeper (instance = the HBase table, so nodes of one table form one cluster), advertising {@code host:port}
     * for forwarded requests, over the engine's ownership epochs; the server sees it as a {@link ClusterPlacement}.
     */
    Function<StorageEngine, ClusterPlacement> clusterJoiner() {
        String quorum = hbaseZookeeper;
        String instance = hbaseTable;
        String id = nodeId();
        String advertised = advertisedAddress();
        Duration sessionTimeout = Duration.ofSeconds(clusterSessionTimeoutSeconds);
        return storage -> {
            OwnershipFencing fencing = storage.fencing().orElseThrow(() -> new IllegalStateException(
                    "the storage engine offers no ownership fencing; a cluster needs the HBase engine"));
            ClusterSettings settings = ClusterSettings.of(quorum, instance, id, advertised)
                    .withSessionTimeout(sessionTimeout);
            return new ClusterNodePlacement(ClusterNode.join(settings, fencing), fencing);
        };
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
