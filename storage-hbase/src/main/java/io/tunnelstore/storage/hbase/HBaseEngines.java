package io.tunnelstore.storage.hbase;

import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;

/**
 * Opens the HBase engine with nothing but JDK and storage-SPI types in the signature, so that the server and the CLI
 * can call it through the shaded artifact ({@code tunnelstore-storage-hbase-shaded}) without seeing any HBase or
 * Hadoop class, whose packages may be relocated there.
 */
public final class HBaseEngines {
    /** The HBase table that holds an instance when none is named. */
    public static final String DEFAULT_TABLE = "tunnelstore";

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.\\-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\]");

    private HBaseEngines() {}

    /**
     * Connects to the HBase cluster whose ZooKeeper ensemble is {@code zookeeper} ({@code HOST[:PORT][,...]}, port
     * 2181 when omitted) and opens the instance stored in HBase table {@code table}, creating it when missing.
     *
     * @param settings further HBase client settings (e.g. {@code zookeeper.znode.parent}), applied last
     * @throws IllegalArgumentException for a malformed quorum or table name
     * @throws io.tunnelstore.storage.StorageException when HBase cannot be reached or the table is not a Tunnelstore
     *                                                 table
     */
    public static StorageEngine open(String zookeeper, String table, StorageOptions options,
            Map<String, String> settings) {
        Objects.requireNonNull(options, "options");
        List<String> quorum = parseQuorum(zookeeper);
        checkTableName(table);
        Configuration conf = HBaseConfiguration.create();
        // HBase accepts host:port entries in the quorum itself
        conf.set("hbase.zookeeper.quorum", String.join(",", quorum));
        settings.forEach(conf::set);
        return HBaseStorageEngine.open(conf, table, options);
    }

    /** The entries of {@code HOST[:PORT][,...]}, each with its port (2181 by default). */
    public static List<String> parseQuorum(String zookeeper) {
        if (zookeeper == null || zookeeper.isBlank()) {
            throw new IllegalArgumentException("the ZooKeeper quorum is empty; expected HOST:PORT[,HOST:PORT...]");
        }
        List<String> entries = new ArrayList<>();
        for (String raw : zookeeper.split(",", -1)) {
            String entry = raw.strip();
            int colon = entry.lastIndexOf(':');
            String host = entry;
            int port = 2181;
            if (colon > 0 && !entry.endsWith("]")) {
                host = entry.substring(0, colon);
                String p = entry.substring(colon + 1);
                try {
                    port = Integer.parseInt(p);
                } catch (NumberFormatException e) {
                    port = -1;
                }
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("bad port '" + p + "' in ZooKeeper quorum entry '" + entry
                            + "' (1-65535)");
                }
            }
            if (!HOST.matcher(host).matches()) {
                throw new IllegalArgumentException("bad ZooKeeper quorum entry '" + entry
                        + "'; expected HOST:PORT[,HOST:PORT...]");
            }
            entries.add(host + ":" + port);
        }
        return entries;
    }

    private static void checkTableName(String table) {
        try {
            org.apache.hadoop.hbase.TableName.valueOf(Objects.requireNonNull(table, "table"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad HBase table name '" + table + "': " + e.getMessage(), e);
        }
    }
}
