package io.tunnelstore.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Command line of the harness: {@code BenchMain [--full] [--work-dir DIR] [--only s1,s2] [--engines rocksdb,hbase1,
 * hbase3]}. {@code --engines} (default {@code rocksdb}) says what ingest, hand-over and latency run against: the
 * embedded RocksDB server and/or N nodes over an HBase minicluster (its class path from
 * {@code $TUNNELSTORE_MINICLUSTER_CLASSPATH}, which bench/run.sh sets). Prints the results table
 * and writes {@code results.json} and {@code results.txt} into the work directory (default: a new temporary one).
 * A work directory left by an earlier run is emptied first; any other non-empty one is refused (exit 2).
 * {@code -Dbench.full=true} is the same as {@code --full}. Exits 1 when a completeness check failed or a scenario
 * errored.
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        boolean full = Boolean.getBoolean("bench.full");
        Path workDir = null;
        List<String> only = null;
        int handoverRows = -1;
        List<Engine> engines = List.of(Engine.ROCKSDB);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--full" -> full = true;
                case "--quick" -> full = false;
                case "--work-dir" -> workDir = Path.of(args[++i]);
                case "--only" -> only = Arrays.asList(args[++i].split(","));
                case "--handover-rows" -> handoverRows = Integer.parseInt(args[++i]);
                case "--engines" -> {
                    try {
                        engines = Engine.parseList(args[++i]);
                    } catch (IllegalArgumentException e) {
                        System.err.println("--engines: " + e.getMessage());
                        System.exit(2);
                    }
                }
                default -> {
                    System.err.println("usage: BenchMain [--full|--quick] [--work-dir DIR] [--only "
                            + String.join(",", BenchConfig.ALL_SCENARIOS) + "] [--handover-rows N] [--engines "
                            + "rocksdb,hbase1,hbase3]");
                    System.exit(2);
                }
            }
        }
        if (workDir == null) {
            workDir = Files.createTempDirectory("tunnelstore-bench-");
        }
        try {
            if (WorkDirectory.prepare(workDir) == WorkDirectory.Outcome.CLEANED_PREVIOUS_RUN) {
                System.err.println("bench: emptied " + workDir + " (left by an earlier bench run)");
            }
        } catch (WorkDirectory.RefusedException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
        BenchConfig config = full ? BenchConfig.full(workDir) : BenchConfig.quick(workDir);
        if (only != null) {
            config = config.withScenarios(only);
        }
        if (handoverRows > 0) {
            config = config.withHandoverRows(handoverRows);  // e.g. quick mode with the full 1M-row hand-over
        }
        String miniclusterClassPath = System.getenv(BenchCluster.MINICLUSTER_CLASSPATH_ENV);
        if (engines.stream().anyMatch(Engine::clustered)
                && (miniclusterClassPath == null || miniclusterClassPath.isBlank())) {
            System.err.println("--engines " + engines.stream().map(Engine::name).toList() + ": the HBase "
                    + "minicluster's class path is unknown; run the cluster cases through bench/run.sh (it builds the "
                    + "minicluster module and sets " + BenchCluster.MINICLUSTER_CLASSPATH_ENV + ")");
            System.exit(2);
        }
        BenchReport report = Bench.run(config, engines, miniclusterClassPath);
        System.out.println(report.toTable());
        System.out.println("results: " + workDir.resolve("results.json"));
        boolean ok = report.errors().isEmpty() && report.checks().stream().allMatch(BenchReport.Check::passed);
        System.exit(ok ? 0 : 1);
    }
}
