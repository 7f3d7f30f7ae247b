package io.tunnelstore.storage.hbase;

import io.tunnelstore.storage.StorageOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseTestingUtility;
import org.apache.hadoop.hbase.StartMiniClusterOption;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Delete;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.filter.KeyOnlyFilter;

/**
 * One in-process HBase minicluster (1 master, 1 region server, 1 datanode, ZooKeeper) per test JVM, started on
 * first use and shut down when the JVM exits; every test opens its engine on an emptied table of it. Shared with the
 * cluster module's tests through this module's test-jar.
 */
public final class MiniHBase {
    private static HBaseTestingUtility utility;
    private static Connection connection;

    private MiniHBase() {}

    public static synchronized HBaseTestingUtility utility() {
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
            }, "minihbase-shutdown"));
            utility = u;
        }
        return utility;
    }

    /** A connection to the minicluster's HBase (shared; do not close). */
    public static synchronized Connection connection() {
        utility();
        return connection;
    }

    /** The ZooKeeper quorum of the minicluster, as a client would configure it. */
    public static String zookeeper() {
        Configuration conf = utility().getConfiguration();
        return conf.get("hbase.zookeeper.quorum") + ":" + conf.get("hbase.zookeeper.property.clientPort");
    }

    /** The ZooKeeper server's port (for a proxy in front of it). */
    public static int zookeeperPort() {
        return Integer.parseInt(utility().getConfiguration().get("hbase.zookeeper.property.clientPort"));
    }

    /**
     * A store of one test: the shared HBase table {@value #SHARED_TABLE}, emptied when the test first opens it
     * (creating a table per test costs about 2 s on the minicluster, emptying the few rows a test wrote a few ms).
     */
    static final class TestTable {
        static final String SHARED_TABLE = "tunnelstore_contract";
        private final String name;
        private boolean emptied;

        TestTable() {
            this(SHARED_TABLE);
        }

        /** A table of its own, for tests whose HBase-level side effects (snapshots, clones) must not reach others. */
        TestTable(String name) {
            this.name = name;
        }

        HBaseStorageEngine open(StorageOptions options) {
            HBaseStorageEngine engine = HBaseStorageEngine.open(connection(), name, options);
            if (!emptied) {
                emptied = true;
                empty(TableName.valueOf(name));
            }
            return engine;
        }

        String name() {
            return name;
        }
    }

    /** Deletes every row of an HBase table. */
    static void empty(TableName name) {
        try (Table table = connection().getTable(name);
                ResultScanner rows = table.getScanner(new Scan().setFilter(new KeyOnlyFilter()).setCaching(1000)
                        .setReadType(Scan.ReadType.PREAD))) { // as the engine scans: docs/storage-hbase.md
            List<Delete> deletes = new ArrayList<>();
            for (Result r : rows) {
                deletes.add(new Delete(r.getRow()));
            }
            table.delete(deletes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
