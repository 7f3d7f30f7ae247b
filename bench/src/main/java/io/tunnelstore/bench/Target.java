package io.tunnelstore.bench;

import java.util.List;

/**
 * What a scenario measures: the endpoints its clients connect to and the server processes whose CPU and RSS are
 * sampled. Either the embedded RocksDB server ({@link BenchServer}: one endpoint, an empty label, so its subjects
 * read as before) or the nodes of a {@link BenchCluster} over the HBase minicluster (label e.g. {@code hbase x3
 * nodes}, prefixed to every subject, so {@link #baselineSubject} finds the RocksDB figure of the same run).
 *
 * @param label      empty for the embedded server, else the engine and node count
 * @param endpoints  one per node, in node order
 * @param serverPids the processes serving the endpoints
 */
record Target(String label, List<String> endpoints, List<Long> serverPids) {
    Target {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("a target needs at least one endpoint");
        }
        serverPids = List.copyOf(serverPids);
    }

    static Target of(BenchServer server) {
        return new Target("", List.of(server.endpoint()), List.of(server.pid()));
    }

    static Target of(BenchCluster cluster) {
        int n = cluster.endpoints().size();
        return new Target("hbase x" + n + (n == 1 ? " node" : " nodes"), cluster.endpoints(), cluster.nodePids());
    }

    /** The server processes, for {@link ResourceSampler}. */
    long[] pids() {
        return serverPids.stream().mapToLong(Long::longValue).toArray();
    }

    /** Endpoint {@code i} modulo the node count: clients spread over the nodes by index. */
    String endpoint(int i) {
        return endpoints.get(Math.floorMod(i, endpoints.size()));
    }

    /** Node number (1-based) of {@link #endpoint(int)}. */
    int node(int i) {
        return Math.floorMod(i, endpoints.size()) + 1;
    }

    boolean clustered() {
        return !label.isEmpty();
    }

    /** {@code subject} as this target's measurement subject. */
    String subject(String subject) {
        return label.isEmpty() ? subject : label + ": " + subject;
    }

    /**
     * Adds {@code value} as {@code metric + " vs RocksDB"} against the embedded RocksDB server's figure of the same
     * subject and metric measured earlier in the run, when this is a cluster target and that figure exists.
     */
    void addVsRocksDb(BenchReport report, String scenario, String subject, String metric, double value,
            String unit) {
        if (!clustered()) {
            return;
        }
        report.find(scenario, metric).stream().filter(m -> m.subject().equals(subject)).findFirst()
                .ifPresent(m -> report.add(scenario, subject(subject), metric + " vs RocksDB", value, unit,
                        "RocksDB server, same run", m.value()));
    }
}
