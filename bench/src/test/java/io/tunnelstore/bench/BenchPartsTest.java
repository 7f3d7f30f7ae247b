package io.tunnelstore.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness's small parts: percentiles, the raw-scan row boundary, the failover child's output, the report's JSON, /proc reading, config. */
class BenchPartsTest {

    @Test
    void percentilesAreNearestRank() {
        long[] values = new long[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = 1000 - i; // unsorted on purpose
        }
        Percentiles p = new Percentiles(values);
        assertThat(p.count()).isEqualTo(1000);
        assertThat(p.at(50)).isEqualTo(500);
        assertThat(p.at(99)).isEqualTo(990);
        assertThat(p.at(99.9)).isEqualTo(999);
        assertThat(p.at(100)).isEqualTo(1000);
        assertThat(new Percentiles(new long[] {7}).at(99.9)).isEqualTo(7);
        assertThat(new Percentiles(new long[0]).at(50)).isZero();
    }

    @Test
    void failoverReadsOnlyTheChildsCompleteLines() {
        // the child may be killed, or read, in the middle of a line: the cut tail is not a record
        assertThat(FailoverScenario.completeLines("c1,5\nc1,6\nc2,")).containsExactly("c1,5", "c1,6");
        assertThat(FailoverScenario.completeLines("c1,5\nc1,12")).containsExactly("c1,5");
        assertThat(FailoverScenario.completeLines("c1,5\n")).containsExactly("c1,5");
        assertThat(FailoverScenario.completeLines("c1")).isEmpty();
        assertThat(FailoverScenario.completeLines("")).isEmpty();
    }

    @Test
    void rowPrefixEndsAtTheFirstUnescapedTerminator() {
        // tableId(8) | 'a' 00 FF (an escaped zero) 'b' | 00 01 | column...
        byte[] key = {0, 0, 0, 0, 0, 0, 0, 5, 'a', 0, (byte) 0xFF, 'b', 0, 1, 'v', 0, 1, 9, 9};
        assertThat(HandoverScenario.rowPrefixLength(key)).isEqualTo(14);
        byte[] noTerminator = {0, 0, 0, 0, 0, 0, 0, 5, 'a'};
        assertThat(HandoverScenario.rowPrefixLength(noTerminator)).isEqualTo(9);
    }

    @Test
    void reportJsonHoldsMeasurementsRatiosChecksAndErrors() {
        BenchReport report = new BenchReport();
        report.machine("nproc", "2");
        report.add("ingest", "sdk \"quoted\"", "rows/s", 250, "rows/s", "raw", 1000);
        report.add("jmh", "keyEncode", "throughput", 1.5, "ops/s");
        report.check("ingest", "rows", 10, 9);
        report.error("latency", new IllegalStateException("boom"));

        assertThat(report.toJson()).isEqualTo("""
                {
                  "machine": {
                    "nproc": "2"
                  },
                  "measurements": [
                    {"scenario": "ingest", "subject": "sdk \\"quoted\\"", "metric": "rows/s", "value": 250, \
                "unit": "rows/s", "baseline": "raw", "baselineValue": 1000, "ratio": 0.250000},
                    {"scenario": "jmh", "subject": "keyEncode", "metric": "throughput", "value": 1.50000, \
                "unit": "ops/s"}
                  ],
                  "checks": [
                    {"scenario": "ingest", "what": "rows", "expected": 10, "actual": 9, "passed": false}
                  ],
                  "errors": [
                    "latency: java.lang.IllegalStateException: boom"
                  ]
                }
                """);
        assertThat(report.find("ingest", "rows/s")).singleElement()
                .satisfies(m -> assertThat(m.ratio()).isEqualTo(0.25));
        assertThat(report.toTable()).contains("FAILED").contains("error latency: java.lang.IllegalStateException: boom");
    }

    @Test
    void procStatsReadThisProcess() {
        long pid = ProcessHandle.current().pid();
        assertThat(ProcStats.rssBytes(pid)).isGreaterThan(1L << 20);
        assertThat(ProcStats.cpuSeconds(pid)).isGreaterThan(0);
        assertThat(ProcStats.rssBytes(-1)).isEqualTo(-1);
    }

    @Test
    void configRejectsUnknownScenarios() {
        BenchConfig quick = BenchConfig.quick(Path.of("/tmp/x"));
        assertThat(quick.withScenarios(List.of("jmh")).runs("jmh")).isTrue();
        assertThat(quick.withScenarios(List.of("jmh")).runs("ingest")).isFalse();
        assertThatThrownBy(() -> quick.withScenarios(List.of("nope")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown scenario 'nope'");
    }

    @Test
    void stageBreakdownSplitsAWokenLongPollAndALateRead() {
        // woken: durable 1000, wake 1300, built 1500, decoded 2600, callback 3000 (ack 1200 does not matter)
        io.tunnelstore.tunnel.ReadTiming woken = new io.tunnelstore.tunnel.ReadTiming(900, 1000, 40, 1300, 1500,
                2600, 800);
        assertThat(StageBreakdown.stages(1200, 3000, woken)).containsExactly(300, -1, -1, 200, 1100, 400);
        // late read: ack 1000, worker sent at 1700, service got it at 1750, built 1800, decoded 1900, callback 2000
        io.tunnelstore.tunnel.ReadTiming late = new io.tunnelstore.tunnel.ReadTiming(1750, 0, 0, 0, 1800, 1900,
                1700);
        assertThat(StageBreakdown.stages(1000, 2000, late)).containsExactly(-1, 700, 50, 50, 100, 100);
        assertThat(StageBreakdown.requestParts(late)).isNull(); // the server did not report its request path
        // the same read with the server's request path: headers admitted 1710, queued 1720, thread started 1745
        io.tunnelstore.tunnel.ReadTiming traced = new io.tunnelstore.tunnel.ReadTiming(1750, 0, 0, 0, 1800, 1900,
                1700, 1710, 1720, 1745);
        assertThat(StageBreakdown.stages(1000, 2000, traced)).containsExactly(-1, 700, 50, 50, 100, 100);
        assertThat(StageBreakdown.requestParts(traced)).containsExactly(10, 10, 25, 5);
    }

    @Test
    void gcPausesAreReadFromATimenanosLog(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path log = dir.resolve("gc.log");
        java.nio.file.Files.writeString(log, String.join("\n",
                "[5000000000ns] Using G1",
                "[7000000000ns] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(256M) 2.500ms",
                "[9000000000ns] GC(1) Pause Remark 20M->20M(256M) 1.000ms", ""));
        assertThat(StageBreakdown.gcPauses(log)).containsExactly(
                new StageBreakdown.Pause(6_997_500_000L, 7_000_000_000L),
                new StageBreakdown.Pause(8_999_000_000L, 9_000_000_000L));
        assertThat(StageBreakdown.overlaps(StageBreakdown.gcPauses(log), 6_999_000_000L, 8_000_000_000L)).isTrue();
        assertThat(StageBreakdown.overlaps(StageBreakdown.gcPauses(log), 7_000_000_001L, 8_000_000_000L)).isFalse();
    }
}
