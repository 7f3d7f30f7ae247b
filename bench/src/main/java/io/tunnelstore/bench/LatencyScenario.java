package io.tunnelstore.bench;

import io.tunnelstore.client.CreateTunnelRequest;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.client.TunnelType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 3: change latency, from the write's acknowledgement (PutRow returned to the writer) to the consumer's
 * callback, at a paced rate of single-row PutRows. Our worker and the official worker consume two Stream tunnels of the
 * same table at the same time, so both see the same writes. The server fsyncs every commit (product default). Both
 * workers run in the harness JVM; the writer runs in a child JVM ({@link BenchWriterMain}, {@value #WRITER_CLIENTS}
 * clients, so several connections) so that at 5,000/s it neither starves the workers nor is starved by them. Ack
 * and callback times are {@link System#nanoTime()} of the two JVMs, one clock per Linux host. A callback that ran
 * before the writer saw its acknowledgement counts as 0 ms.
 */
final class LatencyScenario {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LatencyScenario.class);
    static final String NAME = "latency";
    private static final int PAYLOAD = 100;
    private static final long PROBE_BASE = 1L << 40;
    /** Cap on writes in flight: at 5,000/s with ~5 ms per write about 25 are needed. */
    private static final int MAX_IN_FLIGHT = 256;
    /** Table clients of the writer child (each its own HTTP client, connections and selector thread). */
    static final int WRITER_CLIENTS = 4;
    /**
     * Paced writes before the first measured case, consumed by both workers and not measured: the server, the workers
     * and the writer's code paths get compiled first, as in a long-running service (without it the first case, 100/s,
     * measured the JIT compiler and class loading of three fresh JVMs: docs/BENCHMARKS.md).
     */
    static final int WARM_UP_RATE = 1_000;
    static final Duration WARM_UP = Duration.ofSeconds(Long.getLong("tunnelstore.bench.latencyWarmUpSeconds", 2));
    private static final long WARM_UP_BASE = PROBE_BASE + (1L << 30);

    private LatencyScenario() {}

    static void run(BenchConfig config, BenchReport report) throws Exception {
        Path dir = config.workDir().resolve("latency");
        try (BenchServer server = BenchServer.start(dir.resolve("server-data"), true, "2g")) {
            measure(config, report, Target.of(server), 0, 0, 0, server.gcLog(), dir);
        }
    }

    /**
     * The latency cases on a cluster: the writer child JVM writes through node 1, our worker reads from node 2 and
     * the official worker from node 3 (modulo the node count). No stage breakdown: the nodes keep no GC log and a
     * forwarded read's stage times are the forwarding node's. Percentiles are also set against our worker's on the
     * embedded RocksDB server in the same run.
     */
    static void runOn(BenchConfig config, BenchReport report, Target target, Path dir) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        measure(config, report, target, 0, 1, 2, null, dir);
    }

    /**
     * Runs the latency cases against {@code target}: the writer at endpoint {@code writerNode}, our worker at
     * {@code oursNode} and the official worker at {@code officialNode}; {@code serverGcLog} (null for none) enables
     * the stage breakdown.
     */
    private static void measure(BenchConfig config, BenchReport report, Target target, int writerNode, int oursNode,
            int officialNode, Path serverGcLog, Path dir) throws Exception {
        boolean stages = serverGcLog != null;
        try (TableClient tables = TableClient.create(BenchTables.clientConfig(target.endpoint(writerNode)));
                TunnelClient tunnels = TunnelClient.create(BenchTables.clientConfig(target.endpoint(writerNode)))) {
            BenchTables.create(target.endpoint(writerNode), "latency", 1, 0, 24);
            String oursId = tunnels.createTunnel(CreateTunnelRequest.of("latency", "ours", TunnelType.STREAM));
            String officialId = tunnels.createTunnel(CreateTunnelRequest.of("latency", "official", TunnelType.STREAM));
            LatencySink ours = new LatencySink();
            LatencySink official = new LatencySink();
            Duration hb = Duration.ofSeconds(5);
            Duration timeout = Duration.ofSeconds(15);
            try (TunnelConsumer a = TunnelConsumer.ours(target.endpoint(oursNode), oursId, ours, hb, timeout, stages);
                    TunnelConsumer b = TunnelConsumer.official(target.endpoint(officialNode), officialId, official, hb,
                            timeout)) {
                warmUp(tables, ours, official);
                warmUpPaths(target.endpoint(writerNode), ours, official, dir);
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
                    if (stages) { // the embedded server (not measured on a cluster's nodes)
                        QueueWaitProbe.read(target.endpoint(0)); // starts the server's queue-wait window
                    }
                    try (ResourceSampler sampler = new ResourceSampler(target.pids())) {
                        long[] window = new long[2];
                        written = pacedInChild(target.endpoint(writerNode), from, rate, config.latencyDuration(), acks,
                                dir, window, Integer.toString(rate));
                        t0 = window[0];
                        seconds = (window[1] - window[0]) / 1e9;
                        // a write that failed (e.g. OTSTimeout) has no ack: only acknowledged changes must arrive
                        report.check(NAME, target.subject(rate + "/s: paced writes acknowledged"), written,
                                acks.size());
                        boolean oursDone = ours.awaitAll(acks.keySet(), Duration.ofSeconds(60));
                        boolean officialDone = official.awaitAll(acks.keySet(), Duration.ofSeconds(60));
                        usage = sampler.usage();
                        report.check(NAME, target.subject(rate + "/s: our worker received every change"), 1,
                                oursDone ? 1 : 0);
                        report.check(NAME, target.subject(rate + "/s: official worker received every change"), 1,
                                officialDone ? 1 : 0);
                    }
                    nextId = from + written;
                    String subject = rate + " changes/s target";
                    report.add(NAME, target.subject(subject), "achieved write rate", acks.size() / seconds,
                            "changes/s");
                    Percentiles p = latencies(acks, ours, from, nextId);
                    Percentiles q = latencies(acks, official, from, nextId);
                    report.check(NAME, target.subject(rate + "/s: latencies measured (our worker)"), acks.size(),
                            p.count());
                    report.check(NAME, target.subject(rate + "/s: latencies measured (official worker)"), acks.size(),
                            q.count());
                    for (double pct : new double[] {50, 99, 99.9}) {
                        report.add(NAME, target.subject("our worker, " + subject), "p" + fmt(pct), p.at(pct) / 1e6,
                                "ms", "official worker", q.at(pct) / 1e6);
                        target.addVsRocksDb(report, NAME, "our worker, " + subject, "p" + fmt(pct), p.at(pct) / 1e6,
                                "ms");
                    }
                    HandoverScenario.addUsage(report, NAME, target.subject(subject + " (both workers)"), usage);
                    if (!stages) {
                        continue;
                    }
                    // how long requests waited for a server worker thread (docs/BENCHMARKS.md, "Request lanes")
                    QueueWaitProbe.read(target.endpoint(0)).forEach((action, w) -> {
                        if (action.equals("tunnel/readrecords") || action.equals("PutRow")) {
                            report.add(NAME, "server queue wait, " + subject, action + " p50", w[1] / 1e6, "ms");
                            report.add(NAME, "server queue wait, " + subject, action + " p99", w[2] / 1e6, "ms");
                            report.add(NAME, "server queue wait, " + subject, action + " max", w[4] / 1e6, "ms");
                        }
                    });
                    // where our worker's latency went (docs/BENCHMARKS.md "stage breakdown")
                    java.util.List<StageBreakdown.Pause> pauses = StageBreakdown.gcPauses(serverGcLog);
                    StageBreakdown.report(report, NAME, "stages, our worker, " + subject, from, nextId, acks, ours,
                            pauses, dir.resolve("stages-" + rate + ".csv"));
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
            try {
                tables.putRow(BenchTables.row("latency", probe, PAYLOAD));
            } catch (io.tunnelstore.client.TablestoreException e) {
                probe++; // e.g. OTSTimeout while the new table's region opens: try the next probe
                continue;
            }
            if (ours.awaitRange(probe, probe + 1, Duration.ofMillis(500))
                    && official.awaitRange(probe, probe + 1, Duration.ofMillis(500))) {
                return;
            }
            probe++;
        }
        throw new IllegalStateException("the workers did not start consuming within 180 s");
    }

    /** {@link #WARM_UP} of paced writes at {@link #WARM_UP_RATE}, then waits until both workers delivered them. */
    private static void warmUpPaths(String endpoint, LatencySink ours, LatencySink official, Path dir)
            throws Exception {
        if (WARM_UP.isZero()) {
            return; // -Dtunnelstore.bench.latencyWarmUpSeconds=0: measure from cold, as before
        }
        ConcurrentHashMap<Long, Long> acks = new ConcurrentHashMap<>();
        long[] window = new long[2];
        pacedInChild(endpoint, WARM_UP_BASE, WARM_UP_RATE, WARM_UP, acks, dir, window, "warm-up");
        boolean delivered = ours.awaitAll(acks.keySet(), Duration.ofSeconds(60))
                && official.awaitAll(acks.keySet(), Duration.ofSeconds(60));
        log.info("latency warm-up: {} writes at {}/s, delivered to both workers: {}", acks.size(), WARM_UP_RATE,
                delivered);
    }

    /**
     * Runs {@link BenchWriterMain} in a child JVM: one PutRow every 1/rate s for {@code duration}, ids from
     * {@code from}; {@code label} names its ack and log files. Fills {@code acks} (id to ack nanoTime) and
     * {@code window} (start, last ack); returns the number of writes issued.
     */
    private static long pacedInChild(String endpoint, long from, int rate, Duration duration,
            ConcurrentHashMap<Long, Long> acks, Path dir, long[] window, String label) throws Exception {
        Path ackFile = dir.resolve("writer-" + label + ".acks");
        // common.parallelism=2: on a 2-CPU JDK 17, HttpClient.sendAsync starts a thread per response otherwise (the
        // SDK handles the response before that thread runs, but at 5,000/s the thread starts cost the writer CPU)
        java.util.List<String> cmd = java.util.List.of(BenchServer.javaBinary(), "-Xmx1g", "-XX:+UseG1GC",
                "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                BenchWriterMain.class.getName(), endpoint, "latency", Long.toString(from), Integer.toString(rate),
                Long.toString(duration.toMillis()), Integer.toString(WRITER_CLIENTS), Integer.toString(MAX_IN_FLIGHT),
                Integer.toString(PAYLOAD), ackFile.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(dir.resolve("writer-" + label + ".log").toFile());
        Process p = pb.start();
        String done = null;
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
                p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("DONE ")) {
                    done = line;
                }
            }
        } finally {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
        if (done == null) {
            throw new IllegalStateException("the writer child JVM did not finish; see " + dir.resolve(
                    "writer-" + label + ".log"));
        }
        String[] f = done.split(" ");
        long written = Long.parseLong(f[1]);
        long failures = Long.parseLong(f[2]);
        if (failures > 0) {
            log.warn("{} of {} paced writes failed (not acknowledged); see {}", failures, written,
                    dir.resolve("writer-" + label + ".log"));
        }
        window[0] = Long.parseLong(f[3]);
        window[1] = Long.parseLong(f[4]);
        try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(
                java.nio.file.Files.newInputStream(ackFile)))) {
            for (long i = 0; i < written; i++) {
                long ack = in.readLong();
                if (ack != 0) { // 0: the write failed
                    acks.put(from + i, ack);
                }
            }
        }
        return written;
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
