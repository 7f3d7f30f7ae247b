package io.tunnelstore.bench;

import io.tunnelstore.client.CreateTunnelRequest;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.client.TunnelType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Scenario 3: change latency, from the write's acknowledgement (PutRow returned to the writer) to the consumer's
 * callback, at a paced rate of single-row PutRows. Our worker and the official worker consume two Stream tunnels of the
 * same table at the same time, so both see the same writes. The server fsyncs every commit (product default). Both
 * workers run in the harness JVM, so both times come from one {@link System#nanoTime()} clock. A callback that ran
 * before the writer saw its acknowledgement counts as 0 ms.
 */
final class LatencyScenario {
    static final String NAME = "latency";
    private static final int PAYLOAD = 100;
    private static final long PROBE_BASE = 1L << 40;
    /** Cap on writes in flight: at 5,000/s with ~5 ms per write about 25 are needed. */
    private static final int MAX_IN_FLIGHT = 256;

    private LatencyScenario() {}

    static void run(BenchConfig config, BenchReport report) throws Exception {
        Path dir = config.workDir().resolve("latency");
        try (BenchServer server = BenchServer.start(dir.resolve("server-data"), true, "2g");
                TableClient tables = TableClient.create(BenchTables.clientConfig(server.endpoint()));
                TunnelClient tunnels = TunnelClient.create(BenchTables.clientConfig(server.endpoint()))) {
            BenchTables.create(server.endpoint(), "latency", 1, 0, 24);
            String oursId = tunnels.createTunnel(CreateTunnelRequest.of("latency", "ours", TunnelType.STREAM));
            String officialId = tunnels.createTunnel(CreateTunnelRequest.of("latency", "official", TunnelType.STREAM));
            LatencySink ours = new LatencySink();
            LatencySink official = new LatencySink();
            Duration hb = Duration.ofSeconds(5);
            Duration timeout = Duration.ofSeconds(15);
            try (TunnelConsumer a = TunnelConsumer.ours(server.endpoint(), oursId, ours, hb, timeout, true);
                    TunnelConsumer b = TunnelConsumer.official(server.endpoint(), officialId, official, hb, timeout)) {
                warmUp(tables, ours, official);
                long nextId = 0;
                for (int rate : config.latencyRates()) {
                    long from = nextId;
                    ConcurrentHashMap<Long, Long> acks = new ConcurrentHashMap<>();
                    ResourceSampler.Usage usage;
                    long written;
                    double seconds;
                    long t0;
                    long harnessGcCount0 = harnessGcCount();
                    long harnessGcMillis0 = harnessGcMillis();
                    try (ResourceSampler sampler = new ResourceSampler(server.pid())) {
                        t0 = System.nanoTime();
                        written = paced(tables, from, rate, config.latencyDuration(), acks);
                        seconds = (System.nanoTime() - t0) / 1e9;
                        boolean oursDone = ours.awaitRange(from, from + written, Duration.ofSeconds(60));
                        boolean officialDone = official.awaitRange(from, from + written, Duration.ofSeconds(60));
                        usage = sampler.usage();
                        report.check(NAME, rate + "/s: our worker received every change", 1, oursDone ? 1 : 0);
                        report.check(NAME, rate + "/s: official worker received every change", 1,
                                officialDone ? 1 : 0);
                    }
                    nextId = from + written;
                    String subject = rate + " changes/s target";
                    report.add(NAME, subject, "achieved write rate", written / seconds, "changes/s");
                    Percentiles p = latencies(acks, ours, from, nextId);
                    Percentiles q = latencies(acks, official, from, nextId);
                    report.check(NAME, rate + "/s: latencies measured (our worker)", written, p.count());
                    report.check(NAME, rate + "/s: latencies measured (official worker)", written, q.count());
                    for (double pct : new double[] {50, 99, 99.9}) {
                        report.add(NAME, "our worker, " + subject, "p" + fmt(pct), p.at(pct) / 1e6, "ms",
                                "official worker", q.at(pct) / 1e6);
                    }
                    HandoverScenario.addUsage(report, NAME, subject + " (both workers)", usage);
                    // where our worker's latency went (docs/BENCHMARKS.md "stage breakdown")
                    java.util.List<StageBreakdown.Pause> pauses = StageBreakdown.gcPauses(server.gcLog());
                    StageBreakdown.report(report, NAME, "stages, our worker, " + subject, from, nextId, acks, ours,
                            pauses);
                    StageBreakdown.reportPauses(report, NAME, "stages, our worker, " + subject, pauses, t0,
                            System.nanoTime());
                    report.add(NAME, "stages, our worker, " + subject, "harness JVM (workers, writer) GC pauses",
                            harnessGcCount() - harnessGcCount0, "pauses");
                    report.add(NAME, "stages, our worker, " + subject, "harness JVM GC time",
                            harnessGcMillis() - harnessGcMillis0, "ms");
                }
            }
        }
    }

    private static long harnessGcCount() {
        return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionCount).sum();
    }

    private static long harnessGcMillis() {
        return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();
    }

    private static String fmt(double pct) {
        return pct == Math.rint(pct) ? Long.toString((long) pct) : Double.toString(pct);
    }

    /** Writes probe rows until both workers deliver one (they are connected, own the channel and read). */
    private static void warmUp(TableClient tables, LatencySink ours, LatencySink official) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        long probe = PROBE_BASE;
        while (System.nanoTime() < deadline) {
            tables.putRow(BenchTables.row("latency", probe, PAYLOAD));
            if (ours.awaitRange(probe, probe + 1, Duration.ofMillis(500))
                    && official.awaitRange(probe, probe + 1, Duration.ofMillis(500))) {
                return;
            }
            probe++;
        }
        throw new IllegalStateException("the workers did not start consuming within 180 s");
    }

    /** Issues one PutRow every 1/rate s (asynchronously, at most MAX_IN_FLIGHT at once) for {@code duration}. */
    private static long paced(TableClient tables, long from, int rate, Duration duration,
            ConcurrentHashMap<Long, Long> acks) throws Exception {
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        AtomicLong failures = new AtomicLong();
        long interval = 1_000_000_000L / rate;
        long t0 = System.nanoTime();
        long end = t0 + duration.toNanos();
        long id = from;
        for (long due = t0; due < end; due += interval) {
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            inFlight.acquire();
            long rowId = id++;
            tables.putRowAsync(BenchTables.row("latency", rowId, PAYLOAD)).whenComplete((r, e) -> {
                if (e == null) {
                    acks.put(rowId, System.nanoTime());
                } else {
                    failures.incrementAndGet();
                }
                inFlight.release();
            });
        }
        inFlight.acquire(MAX_IN_FLIGHT);
        inFlight.release(MAX_IN_FLIGHT);
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " paced writes failed");
        }
        return id - from;
    }

    private static Percentiles latencies(ConcurrentHashMap<Long, Long> acks, LatencySink sink, long from, long to) {
        long[] values = new long[(int) (to - from)];
        int n = 0;
        for (long id = from; id < to; id++) {
            Long ack = acks.get(id);
            Long delivered = sink.deliveredAt(id);
            if (ack != null && delivered != null) {
                values[n++] = Math.max(0, delivered - ack);
            }
        }
        return new Percentiles(java.util.Arrays.copyOf(values, n));
    }
}
