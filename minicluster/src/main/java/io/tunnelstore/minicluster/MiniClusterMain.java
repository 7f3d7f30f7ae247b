package io.tunnelstore.minicluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseCommonTestingUtility;
import org.apache.hadoop.hbase.HBaseTestingUtility;
import org.apache.hadoop.hbase.HRegionLocation;
import org.apache.hadoop.hbase.MiniHBaseCluster;
import org.apache.hadoop.hbase.ServerName;
import org.apache.hadoop.hbase.StartMiniClusterOption;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.RegionLocator;
import org.apache.hadoop.hbase.util.JVMClusterUtil.RegionServerThread;

/**
 * An HBase minicluster (1 master, 1 or more region servers, 1 datanode, ZooKeeper) as a process of its own.
 *
 * <p>Usage: {@code MiniClusterMain [--data-dir DIR] [--region-servers N]}. Prints {@code zookeeper=HOST:PORT} once the
 * cluster is up, then reads commands from standard input, one a line, each answered by one line:
 * <ul>
 *   <li>{@code abort-region-server TABLE}: aborts the region server holding TABLE's first region (its regions reopen
 *       on the others) — {@code aborted region-server=NAME} or {@code error ...};</li>
 *   <li>{@code start-region-server}: starts one more region server — {@code started region-server=NAME};</li>
 *   <li>{@code stop}, or the end of standard input (the parent closed it, or died): stops the cluster and exits.</li>
 * </ul>
 * Reading standard input to its end is what keeps this process from outliving the one that started it.
 */
public final class MiniClusterMain {
    private MiniClusterMain() {}

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of("minicluster-data");
        int regionServers = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data-dir" -> dataDir = Path.of(args[++i]);
                case "--region-servers" -> regionServers = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("unknown argument " + args[i]
                            + "; usage: MiniClusterMain [--data-dir DIR] [--region-servers N]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(dataDir);
        // The testing utility puts ZooKeeper's, the datanode's and HBase's files in a directory under this one
        // (and deletes it when the cluster stops).
        System.setProperty(HBaseCommonTestingUtility.BASE_TEST_DIRECTORY_KEY, dataDir.toAbsolutePath().toString());
        HBaseTestingUtility utility = new HBaseTestingUtility();
        Configuration conf = utility.getConfiguration();
        conf.setInt("hbase.master.info.port", -1);
        conf.setInt("hbase.regionserver.info.port", -1);
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        long started = System.nanoTime();
        utility.startMiniCluster(StartMiniClusterOption.builder().numMasters(1).numRegionServers(regionServers)
                .numDataNodes(1).build());
        System.err.printf("HBase minicluster started in %.1f s%n", (System.nanoTime() - started) / 1e9);
        // On SIGTERM the cluster is stopped as far as HBase allows from a shutdown hook; the parent stops it through
        // standard input instead.
        Thread stopper = new Thread(() -> stop(utility), "minicluster-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        System.out.println("zookeeper=" + conf.get("hbase.zookeeper.quorum") + ":"
                + conf.get("hbase.zookeeper.property.clientPort"));
        System.out.flush();

        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = commands.readLine()) != null) {
            List<String> words = List.of(line.strip().split("\\s+"));
            String answer;
            try {
                answer = switch (words.get(0)) {
                    case "abort-region-server" -> words.size() == 2
                            ? "aborted region-server=" + abortRegionServerOf(utility, TableName.valueOf(words.get(1)))
                            : "error usage: abort-region-server TABLE";
                    case "start-region-server" -> "started region-server="
                            + utility.getMiniHBaseCluster().startRegionServer().getRegionServer().getServerName();
                    case "stop" -> null;
                    case "" -> "error empty command";
                    default -> "error unknown command '" + words.get(0) + "'";
                };
            } catch (IOException | RuntimeException e) {
                answer = "error " + e;
            }
            if (answer == null) {
                break;
            }
            System.out.println(answer);
            System.out.flush();
        }
        // Stopped here, not in the hook: HBase's shutdown removes hooks of its own, which a running hook cannot.
        Runtime.getRuntime().removeShutdownHook(stopper);
        stop(utility);
        System.exit(0);
    }

    /** Aborts the region server holding the first region of {@code table}, waits for it to end, returns its name. */
    private static ServerName abortRegionServerOf(HBaseTestingUtility utility, TableName table) throws IOException {
        ServerName holder;
        try (RegionLocator locator = utility.getConnection().getRegionLocator(table)) {
            List<HRegionLocation> locations = locator.getAllRegionLocations();
            if (locations.isEmpty()) {
                throw new IllegalStateException("table " + table + " has no regions");
            }
            holder = locations.get(0).getServerName();
        }
        MiniHBaseCluster cluster = utility.getMiniHBaseCluster();
        List<RegionServerThread> servers = cluster.getLiveRegionServerThreads();
        for (int i = 0; i < cluster.getRegionServerThreads().size(); i++) {
            RegionServerThread server = cluster.getRegionServerThreads().get(i);
            if (servers.contains(server) && server.getRegionServer().getServerName().equals(holder)) {
                cluster.abortRegionServer(i);
                cluster.waitOnRegionServer(i);
                return holder;
            }
        }
        throw new IllegalStateException("region server " + holder + " of " + table + " is not in this cluster");
    }

    private static void stop(HBaseTestingUtility utility) {
        try {
            utility.shutdownMiniCluster();
            System.err.println("HBase minicluster stopped");
        } catch (IOException | RuntimeException e) {
            System.err.println("HBase minicluster stop failed: " + e);
        }
    }
}
