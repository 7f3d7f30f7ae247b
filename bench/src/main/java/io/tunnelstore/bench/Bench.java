package io.tunnelstore.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the scenarios of a {@link BenchConfig} in order and collects one {@link BenchReport}. A scenario that fails is
 * recorded as an error and the run goes on. Not thread-safe; one run at a time per work directory.
 */
final class Bench {
    private static final Logger log = LoggerFactory.getLogger(Bench.class);

    /** One scenario's entry point. */
    @FunctionalInterface
    interface Scenario {
        void run(BenchConfig config, BenchReport report) throws Exception;
    }

    private Bench() {}

    /** A scenario's cluster variant: the same cases against a {@link Target}, files under {@code dir}. */
    @FunctionalInterface
    interface ClusterScenario {
        void run(BenchConfig config, BenchReport report, Target target, Path dir) throws Exception;
    }

    /** The scenarios with a cluster variant, in run order. */
    static final List<String> CLUSTER_SCENARIOS = List.of(IngestScenario.NAME, HandoverScenario.NAME,
            LatencyScenario.NAME);

    static BenchReport run(BenchConfig config) throws IOException {
        return run(config, List.of(Engine.ROCKSDB), null);
    }

    /**
     * Runs {@code config}'s scenarios; ingest, hand-over and latency on each of {@code engines} (RocksDB first, then
     * one cluster per {@code hbaseN} engine, started for its cases and stopped after them). {@code
     * miniclusterClassPath} is the minicluster JVM's class path (needed only for cluster engines).
     */
    static BenchReport run(BenchConfig config, List<Engine> engines, String miniclusterClassPath)
            throws IOException {
        Files.createDirectories(config.workDir());
        BenchReport report = new BenchReport();
        describeMachine(report, config);
        report.machine("engines", String.join(",", engines.stream().map(Engine::name).toList()));
        if (engines.contains(Engine.ROCKSDB)) {
            step(config, report, IngestScenario.NAME, IngestScenario::run);
            step(config, report, HandoverScenario.NAME, HandoverScenario::run);
            step(config, report, LatencyScenario.NAME, LatencyScenario::run);
        }
        step(config, report, FailoverScenario.NAME, FailoverScenario::run);
        step(config, report, GrowthScenario.NAME, GrowthScenario::run);
        step(config, report, JmhScenario.NAME, JmhScenario::run);
        for (Engine engine : engines) {
            if (engine.clustered()) {
                onCluster(config, report, engine, miniclusterClassPath);
            }
        }
        report.machine("finished", Instant.now().toString());
        report.machine("loadavg at finish", loadAverage());
        writeResults(config, report);
        return report;
    }

    private static void step(BenchConfig config, BenchReport report, String name, Scenario scenario) {
        if (!config.runs(name)) {
            return;
        }
        long t0 = System.nanoTime();
        log.info("bench: scenario {} starting", name);
        try {
            scenario.run(config, report);
        } catch (Exception | AssertionError e) {
            log.error("bench: scenario {} failed", name, e);
            report.error(name, e);
        }
        log.info("bench: scenario {} done in {} s", name, (System.nanoTime() - t0) / 1_000_000_000L);
        writeResults(config, report); // after every scenario, so a long run that is cut short keeps what it measured
    }

    /**
     * Starts an {@code engine.nodes()}-node cluster, runs the cluster variant of each selected scenario on it (clients
     * placed as {@link #placement} says), records the nodes' and the minicluster's CPU per scenario, stops it.
     */
    private static void onCluster(BenchConfig config, BenchReport report, Engine engine, String miniclusterClassPath) {
        List<String> scenarios = CLUSTER_SCENARIOS.stream().filter(config::runs).toList();
        if (scenarios.isEmpty()) {
            return;
        }
        Path dir = config.workDir().resolve("cluster-" + engine.name());
        long t0 = System.nanoTime();
        log.info("bench: starting a {}-node cluster for {}", engine.nodes(), scenarios);
        try (BenchCluster cluster = BenchCluster.start(engine.nodes(), dir.resolve("data"), miniclusterClassPath,
                Duration.ofMinutes(5))) {
            Target target = Target.of(cluster);
            report.machine(target.label(), placement(engine.nodes()) + "; cluster started in "
                    + (System.nanoTime() - t0) / 1_000_000_000L + " s (loadavg " + loadAverage() + ")");
            for (String name : scenarios) {
                ClusterScenario scenario = switch (name) {
                    case IngestScenario.NAME -> (c, r, t, d) -> IngestScenario.runOn(c, r, t);
                    case HandoverScenario.NAME -> HandoverScenario::runOn;
                    default -> LatencyScenario::runOn;
                };
                long s0 = System.nanoTime();
                double nodesCpu0 = cpuSeconds(target.pids());
                double miniCpu0 = ProcStats.cpuSeconds(cluster.miniclusterPid());
                log.info("bench: scenario {} on {} starting", name, target.label());
                try {
                    scenario.run(config, report, target, dir.resolve(name));
                } catch (Exception | AssertionError e) {
                    log.error("bench: scenario {} on {} failed", name, target.label(), e);
                    report.error(target.subject(name), e);
                }
                double wall = (System.nanoTime() - s0) / 1e9;
                report.add("resources", target.subject(name + " (whole scenario)"), "nodes CPU",
                        100 * (cpuSeconds(target.pids()) - nodesCpu0) / wall, "% of 1 core");
                report.add("resources", target.subject(name + " (whole scenario)"), "HBase minicluster CPU",
                        100 * (ProcStats.cpuSeconds(cluster.miniclusterPid()) - miniCpu0) / wall, "% of 1 core");
                log.info("bench: scenario {} on {} done in {} s", name, target.label(), (long) wall);
                writeResults(config, report);
            }
        } catch (Exception | AssertionError e) {
            log.error("bench: the {} cluster failed", engine.name(), e);
            report.error(engine.name() + " cluster", e);
        }
        writeResults(config, report);
    }

    /** Where the clients of the cluster cases connect (node numbers are 1-based, modulo the node count). */
    static String placement(int nodes) {
        return "ingest batches round-robin over nodes 1.." + nodes + ", read back at node " + nodes
                + "; hand-over: our worker at node " + (1 % nodes + 1) + ", official worker at node " + (2 % nodes + 1)
                + "; latency: writer at node 1, our worker at node " + (1 % nodes + 1) + ", official worker at node "
                + (2 % nodes + 1);
    }

    private static double cpuSeconds(long[] pids) {
        double sum = 0;
        for (long pid : pids) {
            sum += ProcStats.cpuSeconds(pid);
        }
        return sum;
    }

    private static void writeResults(BenchConfig config, BenchReport report) {
        try {
            Files.writeString(config.workDir().resolve("results.json"), report.toJson());
            Files.writeString(config.workDir().resolve("results.txt"), report.toTable());
        } catch (IOException e) {
            log.error("bench: cannot write results into {}", config.workDir(), e);
        }
    }

    private static void describeMachine(BenchReport report, BenchConfig config) {
        report.machine("mode", config.full() ? "full" : "quick");
        report.machine("started", Instant.now().toString());
        report.machine("nproc", Integer.toString(Runtime.getRuntime().availableProcessors()));
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            report.machine("memory", String.format("%.1f GiB", os.getTotalMemorySize() / (1024.0 * 1024 * 1024)));
        }
        report.machine("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        report.machine("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        report.machine("workDir", config.workDir().toAbsolutePath().toString());
        // other processes on the machine skew every number: record how busy it was
        report.machine("loadavg at start", loadAverage());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unavailable";
        }
    }
}
