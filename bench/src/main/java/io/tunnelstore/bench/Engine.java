package io.tunnelstore.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * What the ingest, hand-over and latency scenarios run against ({@code --engines}): {@code rocksdb}, the embedded
 * server on RocksDB (the harness's default and the baseline of the others), or {@code hbaseN}, N server nodes
 * ({@code --engine hbase}) over one HBase minicluster ({@link BenchCluster}).
 *
 * @param name  as given on the command line
 * @param nodes 0 for the embedded RocksDB server, else the cluster's node count
 */
record Engine(String name, int nodes) {
    static final Engine ROCKSDB = new Engine("rocksdb", 0);
    /** More nodes than this on a shared 2-core machine measure nothing but contention. */
    static final int MAX_NODES = 9;

    boolean clustered() {
        return nodes > 0;
    }

    /**
     * Parses a comma-separated list such as {@code rocksdb,hbase1,hbase3}; {@code rocksdb}, if given, runs first
     * (the cluster cases compare with its figures), the others in the order given.
     *
     * @throws IllegalArgumentException for an unknown or repeated engine
     */
    static List<Engine> parseList(String list) {
        List<Engine> engines = new ArrayList<>();
        for (String part : list.split(",")) {
            Engine engine = parse(part.trim());
            if (engines.contains(engine)) {
                throw new IllegalArgumentException("engine '" + engine.name() + "' given twice");
            }
            engines.add(engine);
        }
        if (engines.remove(ROCKSDB)) {
            engines.add(0, ROCKSDB);
        }
        return List.copyOf(engines);
    }

    static Engine parse(String name) {
        if (ROCKSDB.name().equals(name)) {
            return ROCKSDB;
        }
        if (name.matches("hbase[1-9]")) {
            int nodes = Integer.parseInt(name.substring("hbase".length()));
            if (nodes <= MAX_NODES) {
                return new Engine(name, nodes);
            }
        }
        throw new IllegalArgumentException("unknown engine '" + name + "'; known: rocksdb, hbase1 .. hbase"
                + MAX_NODES + " (N server nodes over one HBase minicluster)");
    }
}
