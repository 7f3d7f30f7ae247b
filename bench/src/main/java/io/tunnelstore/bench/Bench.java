package io.tunnelstore.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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

    static BenchReport run(BenchConfig config) throws IOException {
        Files.createDirectories(config.workDir());
        BenchReport report = new BenchReport();
        describeMachine(report, config);
        step(config, report, IngestScenario.NAME, IngestScenario::run);
        step(config, report, HandoverScenario.NAME, HandoverScenario::run);
        step(config, report, LatencyScenario.NAME, LatencyScenario::run);
        step(config, report, FailoverScenario.NAME, FailoverScenario::run);
        step(config, report, GrowthScenario.NAME, GrowthScenario::run);
        step(config, report, JmhScenario.NAME, JmhScenario::run);
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
