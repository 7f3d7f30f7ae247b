package io.tunnelstore.cli;

import com.alicloud.openservices.tablestore.ClientConfiguration;
import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.TunnelClient;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.cluster.ClusterPlacement;
import io.tunnelstore.server.cluster.ClusterResources;
import io.tunnelstore.testsupport.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;

/**
 * The in-JVM HBase cluster the cli tests share (docs/scale-out.md, "Tests"): one minicluster per test JVM
 * ({@link MiniHBaseProcess}, a child JVM) and three {@code server --engine hbase} nodes started in this JVM exactly
 * as the launcher starts them (real ZooKeeper membership, session timeout 4 s), started on first use and closed at
 * JVM exit, before the minicluster stops.
 *
 * <p>Test classes share it, so each must leave it usable: its own table and tunnel names, and a node it stops
 * ({@link #stop}, e.g. to watch a failover) is started again, on a new port, by the next {@link #get()}. Clients are
 * the official SDK's, made with {@link #syncClient}/{@link #tunnelClient} and shut down by {@link Clients#close()}.
 */
final class HBaseCluster {
    static final String AK = "clusterKey";
    static final String SK = "clusterSecret0123456789";
    static final String INSTANCE = "tunnelstore";
    static final List<String> NODE_IDS = List.of("node-1", "node-2", "node-3");
    /** The HBase table (and so the cluster's instance in ZooKeeper) of the shared nodes. */
    private static final String HBASE_TABLE = "shared_cluster";

    private static HBaseCluster shared;

    private final String zookeeper;
    private final Path dataDir;
    private final Map<String, TunnelstoreServer> running = new LinkedHashMap<>();

    private HBaseCluster(String zookeeper, Path dataDir) {
        this.zookeeper = zookeeper;
        this.dataDir = dataDir;
    }

    /**
     * The shared cluster with its three nodes running and agreeing on the members: started on first use, nodes a test
     * stopped started again.
     */
    static synchronized HBaseCluster get() throws Exception {
        if (shared == null) {
            HBaseCluster cluster = new HBaseCluster(MiniHBaseProcess.zookeeper(),
                    Files.createTempDirectory("hbase-cluster"));
            MiniHBaseProcess.beforeStop(cluster::closeAll);
            shared = cluster;
        }
        shared.startMissing();
        return shared;
    }

    private synchronized void startMissing() {
        for (String id : NODE_IDS) {
            if (!running.containsKey(id)) {
                running.put(id, startNode(zookeeper, HBASE_TABLE, id, dataDir.resolve(id)));
            }
        }
        Await.until("the nodes see each other and agree on the catalog owner", Duration.ofSeconds(60),
                () -> running.values().stream().map(s -> ownerIn(s, ClusterResources.catalog())).distinct().count() == 1
                        && ownerIn(node(NODE_IDS.get(0)), ClusterResources.catalog()).isPresent()
                        && membersSeen() == NODE_IDS.size());
    }

    /**
     * A {@code server --engine hbase} node in this JVM, as the launcher starts it ({@code ServerCommand}'s flags, the
     * standard modules, the HBase engine, the cluster joiner) on a free port, with the admin key {@link #AK}.
     */
    static TunnelstoreServer startNode(String zookeeper, String hbaseTable, String nodeId, Path dataDir) {
        ServerCommand command = nodeCommand(zookeeper, hbaseTable, nodeId, dataDir, freePort());
        TunnelstoreServer server = StandardModules.server(command.config(Map.of("OTS_AK_ENV", AK, "OTS_SK_ENV", SK)))
                .storage(command.hbaseStorage())
                .cluster(command.clusterJoiner())
                .console(new PrintStream(OutputStream.nullOutputStream()))
                .build();
        server.start();
        return server;
    }

    /**
     * The parsed flags of {@code server --engine hbase} for node {@code nodeId} on {@code port} (session timeout 4 s);
     * {@code command.config(...)}, {@code hbaseStorage()} and {@code clusterJoiner()} give what the launcher uses.
     */
    static ServerCommand nodeCommand(String zookeeper, String hbaseTable, String nodeId, Path dataDir, int port) {
        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs("--engine", "hbase", "--hbase-zookeeper", zookeeper, "--hbase-table",
                hbaseTable, "--port", Integer.toString(port), "--node-id", nodeId, "--cluster-session-timeout", "4",
                "--data-dir", dataDir.toString());
        return command;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The running node {@code id}. */
    synchronized TunnelstoreServer node(String id) {
        TunnelstoreServer server = running.get(id);
        if (server == null) {
            throw new IllegalStateException(id + " is not running");
        }
        return server;
    }

    /** The ids of the running nodes, in start order. */
    synchronized List<String> nodeIds() {
        return List.copyOf(running.keySet());
    }

    /** Closes node {@code id} (a clean leave: its znode goes, its resources move); the next {@link #get()} restarts it. */
    synchronized void stop(String id) {
        TunnelstoreServer server = running.remove(id);
        if (server != null) {
            server.close();
        }
    }

    /** The owner of {@code resource} in node {@code viewer}'s view. */
    Optional<String> ownerOf(String viewer, String resource) {
        return ownerIn(node(viewer), resource);
    }

    /** The catalog owner (the node that runs CreateTable and CreateTunnel), as the first running node sees it. */
    String catalogOwner() {
        return ownerOf(nodeIds().get(0), ClusterResources.catalog()).orElseThrow();
    }

    /** The running nodes other than {@code excluded}, in start order. */
    List<String> nodesExcept(String... excluded) {
        Set<String> skip = Set.of(excluded);
        return nodeIds().stream().filter(n -> !skip.contains(n)).toList();
    }

    private static Optional<String> ownerIn(TunnelstoreServer server, String resource) {
        return server.context().placement().ownerOf(resource).map(ClusterPlacement.Owner::nodeId);
    }

    /** How many distinct nodes own one of 64 probe resources in the first node's view (all, once all are seen). */
    private long membersSeen() {
        Set<String> owners = new HashSet<>();
        TunnelstoreServer first = node(NODE_IDS.get(0));
        for (int i = 0; i < 64; i++) {
            ownerIn(first, "probe/" + i).ifPresent(owners::add);
        }
        return owners.size();
    }

    private synchronized void closeAll() {
        new ArrayList<>(running.keySet()).forEach(this::stop);
    }

    /** The official SDK clients of one test, each on a node; {@link #close()} shuts them all down. */
    static final class Clients implements AutoCloseable {
        private final HBaseCluster cluster;
        private final List<Runnable> shutdowns = new ArrayList<>();

        Clients(HBaseCluster cluster) {
            this.cluster = cluster;
        }

        /** A SyncClient on node {@code node} (socket timeout 30 s: a forwarded catalog action may take long). */
        synchronized SyncClient sync(String node) {
            ClientConfiguration config = new ClientConfiguration();
            config.setSocketTimeoutInMillisecond(30_000);
            SyncClient client = new SyncClient(cluster.node(node).endpoint(), AK, SK, INSTANCE, config);
            shutdowns.add(client::shutdown);
            return client;
        }

        /** A TunnelClient on node {@code node}. */
        synchronized TunnelClient tunnel(String node) {
            ClientConfiguration config = new ClientConfiguration();
            config.setSocketTimeoutInMillisecond(30_000);
            TunnelClient client = new TunnelClient(cluster.node(node).endpoint(), AK, SK, INSTANCE, config);
            shutdowns.add(client::shutdown);
            return client;
        }

        /** Runs {@code shutdown} at {@link #close()}, before the clients already made are shut down. */
        synchronized void onClose(Runnable shutdown) {
            shutdowns.add(0, shutdown);
        }

        @Override
        public synchronized void close() {
            shutdowns.forEach(Runnable::run);
            shutdowns.clear();
        }
    }
}
