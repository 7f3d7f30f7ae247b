package io.tunnelstore.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole harness in quick mode (small sizes): every scenario ran to the end, every completeness check passed
 * (counts match, nothing lost), every expected measurement is present and finite, and the JSON file holds the same
 * measurements as the table. No timing assertions: CI machines differ.
 */
class BenchQuickTest {

    @TempDir
    Path workDir;

    @Test
    void quickRunProducesCompleteSaneResults() throws Exception {
        BenchReport report = Bench.run(BenchConfig.quick(workDir));
        System.out.println(report.toTable());

        assertThat(report.errors()).isEmpty();
        assertThat(report.checks()).isNotEmpty().allSatisfy(c -> assertThat(c.passed()).as(c.toString()).isTrue());
        assertThat(report.measurements()).allSatisfy(m -> {
            assertThat(Double.isFinite(m.value())).as(m.toString()).isTrue();
            assertThat(m.value()).as(m.toString()).isGreaterThanOrEqualTo(0);
        });

        // 1. ingest: 2 payloads x 2 thread counts through the SDK, and through the engine (rows as the server writes
        //    them, and with a change-log record each), each with its raw RocksDB baseline; CPU per row of the SDK
        //    case (server + client) and of the engine against the raw writer's
        assertThat(report.find("ingest", "rows/s")).hasSize(3 * 4)
                .allSatisfy(m -> assertThat(m.value()).isPositive())
                .allSatisfy(m -> assertThat(m.baseline()).isPositive());
        assertThat(report.find("ingest", "rows/s")).filteredOn(m -> m.subject().startsWith("our SDK")).hasSize(4);
        assertThat(report.find("ingest", "MB/s")).hasSize(4);
        assertThat(report.find("ingest", "CPU us/row, server + client")).hasSize(4)
                .allSatisfy(m -> assertThat(m.baselineName()).isEqualTo("raw RocksDB sync batch"));
        assertThat(report.find("ingest", "CPU us/row")).hasSize(4);
        // 2. hand-over: both ratios (against the official worker for our cold and our warmed-up child JVM), plus one
        //    case per channel count; the cold child's start-up broken into stages that add up to its first record
        assertThat(report.find("handover", "rows/s vs raw scan")).singleElement()
                .satisfies(m -> assertThat(m.ratio()).isPositive());
        assertThat(report.find("handover", "rows/s vs official")).hasSize(2)
                .allSatisfy(m -> assertThat(m.ratio()).isPositive());
        assertThat(report.find("handover", "rows/s")).hasSize(3 + 4);
        assertThat(report.find("handover", "start-up: worker start to session connected")).hasSize(2)
                .allSatisfy(m -> assertThat(m.value()).isPositive());
        assertThat(report.find("handover", "start-up: child process launch to main")).singleElement()
                .satisfies(m -> assertThat(m.value()).isPositive());
        assertThat(report.find("handover", "duplicates")).allSatisfy(m -> assertThat(m.value()).isZero());
        // 3. latency: p50/p99/p99.9 at the three rates (100, 1,000, 5,000/s), ours with the official worker as baseline
        for (String p : List.of("p50", "p99", "p99.9")) {
            assertThat(report.find("latency", p)).hasSize(3)
                    .allSatisfy(m -> assertThat(m.baselineName()).isEqualTo("official worker"));
        }
        // 4. failover at 5 s / 15 s: the killed worker's channels moved
        assertThat(report.find("failover", "channels moved")).singleElement()
                .satisfies(m -> assertThat(m.value()).isPositive());
        assertThat(report.find("failover", "kill to consuming, max")).singleElement()
                .satisfies(m -> assertThat(m.value()).isPositive());
        // 5. resources: the server's RSS was read from /proc during hand-over, latency and growth
        assertThat(report.find("resources", "server peak RSS")).hasSizeGreaterThanOrEqualTo(2 + 4 + 2 + 3)
                .allSatisfy(m -> assertThat(m.value()).isPositive());
        assertThat(report.find("growth", "data directory size")).hasSize(3);
        // 6. JMH: seven benchmarks with a score
        assertThat(report.find("jmh", "throughput")).hasSize(7).allSatisfy(m -> assertThat(m.value()).isPositive());

        String json = Files.readString(workDir.resolve("results.json"));
        assertThat(json).contains("\"measurements\"").contains("\"checks\"");
        assertThat(json.split("\"metric\"", -1)).hasSize(report.measurements().size() + 1);
        assertThat(Files.readString(workDir.resolve("results.txt"))).isEqualTo(report.toTable());
    }
}
