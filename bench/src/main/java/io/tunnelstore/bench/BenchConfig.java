package io.tunnelstore.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Sizes of one harness run. {@link #quick} is the CI size (a few seconds per scenario); {@link #full} the documented
 * run. Every scenario is bounded by its row count and, where it writes under load, by its duration.
 *
 * @param full                 whether this is the full run (enables the seed-default failover case)
 * @param workDir              where data directories, logs and results go (created; one fresh data dir per server)
 * @param ingestMaxRows        rows per ingest case at most
 * @param ingestMaxTime        time per ingest case at most
 * @param handoverRows         rows of the hand-over table
 * @param channelRowsPerCase   rows of each channel-scaling table
 * @param channelCounts        partitions (= base channels) of the channel-scaling tables
 * @param latencyRates         changes per second of the latency cases
 * @param latencyDuration      duration of each latency case
 * @param failoverDefaults     whether to run the failover case at the seed's defaults (30 s / 300 s)
 * @param growthSizes          table sizes of the growth measurement (cumulative)
 * @param jmhIterationTime     JMH warm-up and measurement iteration time
 * @param jmhIterations        JMH measurement iterations (one warm-up iteration less, at least 1)
 * @param jmhForks             JMH forks (0 = in the harness JVM)
 * @param scenarios            the scenarios to run ({@code ingest, handover, latency, failover, growth, jmh})
 */
record BenchConfig(boolean full, Path workDir, int ingestMaxRows, Duration ingestMaxTime, int handoverRows,
        int channelRowsPerCase, List<Integer> channelCounts, List<Integer> latencyRates, Duration latencyDuration,
        boolean failoverDefaults, List<Integer> growthSizes, Duration jmhIterationTime, int jmhIterations,
        int jmhForks, List<String> scenarios) {

    static final List<String> ALL_SCENARIOS = List.of("ingest", "handover", "latency", "failover", "growth", "jmh");

    BenchConfig {
        Objects.requireNonNull(workDir, "workDir");
        scenarios = List.copyOf(scenarios);
        for (String s : scenarios) {
            if (!ALL_SCENARIOS.contains(s)) {
                throw new IllegalArgumentException("unknown scenario '" + s + "'; known: " + ALL_SCENARIOS);
            }
        }
    }

    /** CI size: about two to three minutes on two cores. */
    static BenchConfig quick(Path workDir) {
        return new BenchConfig(false, workDir, 2_000, Duration.ofSeconds(3), 2_000, 1_000, List.of(1, 4, 16, 64),
                List.of(100, 1_000, 5_000), Duration.ofSeconds(3), false, List.of(1_000, 2_000, 4_000),
                Duration.ofMillis(200), 1, 0, ALL_SCENARIOS);
    }

    /** The documented run. */
    static BenchConfig full(Path workDir) {
        return new BenchConfig(true, workDir, 200_000, Duration.ofSeconds(20), 1_000_000, 100_000,
                List.of(1, 4, 16, 64), List.of(100, 1_000, 5_000), Duration.ofSeconds(30), true,
                List.of(100_000, 1_000_000, 5_000_000), Duration.ofSeconds(2), 5, 1, ALL_SCENARIOS);
    }

    BenchConfig withScenarios(List<String> only) {
        return new BenchConfig(full, workDir, ingestMaxRows, ingestMaxTime, handoverRows, channelRowsPerCase,
                channelCounts, latencyRates, latencyDuration, failoverDefaults, growthSizes, jmhIterationTime,
                jmhIterations, jmhForks, only);
    }

    BenchConfig withHandoverRows(int rows) {
        return new BenchConfig(full, workDir, ingestMaxRows, ingestMaxTime, rows, channelRowsPerCase,
                channelCounts, latencyRates, latencyDuration, failoverDefaults, growthSizes, jmhIterationTime,
                jmhIterations, jmhForks, scenarios);
    }

    boolean runs(String scenario) {
        return scenarios.contains(scenario);
    }
}
