package io.tunnelstore.cluster;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseTestingUtility;
import org.apache.hadoop.hbase.StartMiniClusterOption;
import org.apache.hadoop.hbase.client.Connection;

/**
 * One in-process HBase minicluster (1 master, 1 region server, 1 datanode, ZooKeeper) per test JVM, started on first
 * use and stopped at JVM exit: the nodes under test join its ZooKeeper and share its HBase, as they would a real
 * cluster's.
 */
final class MiniCluster {
    private static HBaseTestingUtility utility;
    private static Connection connection;

    private MiniCluster() {}

    private static synchronized HBaseTestingUtility utility() {
        if (utility == null) {
            long started = System.nanoTime();
            HBaseTestingUtility u = new HBaseTestingUtility();
            Configuration conf = u.getConfiguration();
            conf.setInt("hbase.master.info.port", -1);
            conf.setInt("hbase.regionserver.info.port", -1);
            conf.set("dfs.datanode.http.address", "127.0.0.1:0");
            conf.setInt("hbase.client.retries.number", 10);
            try {
                u.startMiniCluster(StartMiniClusterOption.builder().numMasters(1).numRegionServers(1)
                        .numDataNodes(1).build());
                connection = u.getConnection();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the HBase minicluster", e);
            }
            System.err.printf("HBase minicluster started in %.1f s%n", (System.nanoTime() - started) / 1e9);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    u.shutdownMiniCluster();
                } catch (IOException e) {
                    // the JVM is exiting anyway
                }
            }, "minicluster-shutdown"));
            utility = u;
        }
        return utility;
    }

    /** A connection to the minicluster's HBase (shared; do not close). */
    static synchronized Connection hbase() {
        utility();
        return connection;
    }

    /** The minicluster's ZooKeeper connect string. */
    static String zookeeper() {
        Configuration conf = utility().getConfiguration();
        return conf.get("hbase.zookeeper.quorum") + ":" + conf.get("hbase.zookeeper.property.clientPort");
    }

    /** The ZooKeeper server's port (for a proxy in front of it). */
    static int zookeeperPort() {
        return Integer.parseInt(utility().getConfiguration().get("hbase.zookeeper.property.clientPort"));
    }
}
