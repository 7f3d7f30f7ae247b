package io.tunnelstore.bench;

import io.tunnelstore.client.CreateTunnelRequest;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.client.TunnelType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/**
 * Scenario 2: full-data hand-over. A BaseData tunnel over N rows (100-byte payloads) consumed with a no-op callback by
 * our worker and by the official worker (each on its own tunnel over the same table, one after the other), against a
 * raw in-process RocksDB scan of the same rows (the server's data directory opened read-only after the server
 * stopped). Rates count from the first delivered record to the last, so worker warm-up is reported separately.
 * Then rows/s of our worker as the number of base channels grows (tables created with split points).
 *
 * <p>The tables are loaded through a server without per-commit fsync (load speed is not what is measured here).
 */
final class HandoverScenario {
    static final String NAME = "handover";
    static final int PAYLOAD = 100;
    private static final Duration HEARTBEAT = Duration.ofSeconds(5);
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** Heap of the child JVM our worker runs in for the main hand-over: bounded worker memory (issue 13). */
    static final String WORKER_HEAP = "256m";
    /** Rows of the table both workers consume before the measured hand-overs, so the server's JIT is warm for both. */
    static final int WARM_UP_ROWS = 50_000;

    private HandoverScenario() {}

    static void run(BenchConfig config, BenchReport report) throws Exception {
        Path dir = config.workDir().resolve("handover");
        Path data = dir.resolve("server-data");
        int rows = config.handoverRows();
        double ours;
        double oursWarm;
        double official;
        try (BenchServer server = BenchServer.start(data, false, "4g");
                TableClient tables = TableClient.create(BenchTables.clientConfig(server.endpoint()));
                TunnelClient tunnels = TunnelClient.create(BenchTables.clientConfig(server.endpoint()))) {
            BenchTables.create(server.endpoint(), "handover", 1, rows, 0);
            long loaded = BenchTables.load(tables, "handover", 0, rows, PAYLOAD, 4, Long.MAX_VALUE);
            report.check(NAME, "handover table rows loaded", rows, loaded);
            warmUp(report, server, tables, tunnels);
            ours = consumeInChild(report, NAME, server, tunnels, "handover", "ours", rows, dir);
            String warmUpTunnel = tunnels.createTunnel(CreateTunnelRequest.of("handover_warmup", "warmup_child",
                    TunnelType.BASE_DATA));
            oursWarm = consumeInChild(report, NAME, Target.of(server), 0, tunnels, "handover", "ours_warm", rows, dir,
                    warmUpTunnel);
            official = consume(report, NAME, server, tunnels, "handover", "official", rows, false, "official worker");
        }
        ScanResult raw = rawScan(data);
        report.check(NAME, "raw scan saw every row", rows, raw.rows);
        double rawRate = raw.rows / raw.seconds;
        report.add(NAME, "our worker, " + rows + " rows", "rows/s vs raw scan", ours, "rows/s",
                "raw RocksDB scan in-process", rawRate);
        report.add(NAME, "our worker, " + rows + " rows", "rows/s vs official", ours, "rows/s",
                "official worker", official);
        report.add(NAME, "our worker warmed up, " + rows + " rows", "rows/s vs official", oursWarm, "rows/s",
                "official worker", official);
        channelScaling(config, report, dir);
    }

    /**
     * The main hand-over on a cluster: the table loaded through all nodes (batches round-robin), our worker (child
     * JVM) connected to node 2 and the official worker to node 3 (node 1 when there is one node), each on its own
     * tunnel. No raw scan (the rows are in HBase) and no channel scaling. Rates are set against the official worker
     * of the same cluster and against our worker on the embedded RocksDB server in the same run.
     */
    static void runOn(BenchConfig config, BenchReport report, Target target, Path dir) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        int rows = config.handoverRows();
        List<TableClient> clients = new ArrayList<>();
        try (TunnelClient tunnels = TunnelClient.create(BenchTables.clientConfig(target.endpoint(0)))) {
            for (String endpoint : target.endpoints()) {
                clients.add(TableClient.create(BenchTables.clientConfig(endpoint)));
            }
            BenchTables.create(target.endpoint(0), "handover", 1, rows, 0);
            BenchTables.warmUp(clients, "handover", Duration.ofMinutes(2));
            long loaded = BenchTables.load(clients, "handover", 0, rows, PAYLOAD, 4, Long.MAX_VALUE);
            report.check(NAME, target.subject("handover table rows loaded"), rows, loaded);
            double ours = consumeInChild(report, NAME, target, 1, tunnels, "handover", "ours", rows, dir);
            double official = consume(report, NAME, target, 2, tunnels, "handover", "official", rows, false,
                    "official worker");
            String subject = "our worker, " + rows + " rows";
            report.add(NAME, target.subject(subject), "rows/s vs official", ours, "rows/s", "official worker",
                    official);
            String rocksDbOurs = "our worker (child JVM -Xmx" + WORKER_HEAP + "), " + rows + " rows, 1 ch";
            target.addVsRocksDb(report, NAME, rocksDbOurs, "rows/s", ours, "rows/s");
        } finally {
            clients.forEach(TableClient::close);
        }
    }

    /** Consumes a new BaseData tunnel over {@code table} with one worker; reports and returns rows/s. */
    static double consume(BenchReport report, String scenario, BenchServer server, TunnelClient tunnels,
            String table, String tunnelName, int rows, boolean ourWorker, String label) throws Exception {
        return consume(report, scenario, Target.of(server), 0, tunnels, table, tunnelName, rows, ourWorker, label);
    }

    /** Like {@link #consume(BenchReport, String, BenchServer, TunnelClient, String, String, int, boolean, String)},
     *  the worker connected to {@code target}'s endpoint {@code node}; subjects carry the target's label. */
    static double consume(BenchReport report, String scenario, Target target, int node, TunnelClient tunnels,
            String table, String tunnelName, int rows, boolean ourWorker, String label) throws Exception {
        String endpoint = target.endpoint(node);
        long createStart = System.nanoTime();
        String tunnelId = tunnels.createTunnel(CreateTunnelRequest.of(table, tunnelName, TunnelType.BASE_DATA));
        double createSeconds = (System.nanoTime() - createStart) / 1e9;
        int channels = tunnels.describeTunnel(table, tunnelName).channels().size();
        long workerPid = ProcessHandle.current().pid(); // the worker runs in this JVM
        double[] cpuAtFirst = {-1, -1};
        CountingSink sink = new CountingSink(rows, () -> {
            cpuAtFirst[0] = serverCpuSeconds(target);
            cpuAtFirst[1] = ProcStats.cpuSeconds(workerPid);
        });
        double workerCpuAtStart = ProcStats.cpuSeconds(workerPid);
        double serverCpuAtDone;
        double workerCpuAtDone;
        long started = System.nanoTime();
        boolean complete;
        ResourceSampler.Usage usage;
        try (ResourceSampler sampler = new ResourceSampler(target.pids());
                TunnelConsumer consumer = ourWorker
                        ? TunnelConsumer.ours(endpoint, tunnelId, sink, HEARTBEAT, TIMEOUT)
                        : TunnelConsumer.official(endpoint, tunnelId, sink, HEARTBEAT, TIMEOUT)) {
            complete = sink.awaitAll(Duration.ofSeconds(120 + rows / 1_000));
            serverCpuAtDone = serverCpuSeconds(target);
            workerCpuAtDone = ProcStats.cpuSeconds(workerPid);
            usage = sampler.usage();
        }
        String subject = target.subject(label + ", " + rows + " rows, " + channels + " ch");
        report.check(scenario, target.subject(table + "/" + tunnelName + " distinct rows delivered"), rows,
                sink.distinct());
        report.check(scenario, target.subject(table + "/" + tunnelName + " completed within the time limit"), 1,
                complete ? 1 : 0);
        double seconds = Math.max(1e-9, (sink.lastNanos() - sink.firstNanos()) / 1e9);
        double rate = sink.distinct() / seconds;
        report.add(scenario, subject, "rows/s", rate, "rows/s");
        report.add(scenario, subject, "start to first record", (sink.firstNanos() - started) / 1e9, "s");
        report.add(scenario, subject, "start to last record", (sink.lastNanos() - started) / 1e9, "s");
        report.add(scenario, subject, "CreateTunnel (base channels planned)", createSeconds, "s");
        report.add(scenario, subject, "duplicates", sink.duplicates(), "records");
        addUsage(report, scenario, subject, usage);
        addCpuPerRecord(report, scenario, subject, sink.distinct(), serverCpuAtDone - cpuAtFirst[0],
                workerCpuAtDone - cpuAtFirst[1], cpuAtFirst[1] - workerCpuAtStart);
        return rate;
    }

    /**
     * Like {@link #consume} for our worker, but the worker runs in a child JVM ({@link BenchWorkerMain} hand-over
     * mode) at {@code -Xmx}{@link #WORKER_HEAP}, which reports its own heap peak.
     */
    static double consumeInChild(BenchReport report, String scenario, BenchServer server, TunnelClient tunnels,
            String table, String tunnelName, int rows, Path dir) throws Exception {
        return consumeInChild(report, scenario, Target.of(server), 0, tunnels, table, tunnelName, rows, dir);
    }

    /** Like {@link #consumeInChild(BenchReport, String, BenchServer, TunnelClient, String, String, int, Path)}, the
     *  worker connected to {@code target}'s endpoint {@code node}; subjects carry the target's label. */
    static double consumeInChild(BenchReport report, String scenario, Target target, int node, TunnelClient tunnels,
            String table, String tunnelName, int rows, Path dir) throws Exception {
        return consumeInChild(report, scenario, target, node, tunnels, table, tunnelName, rows, dir, null);
    }

    /**
     * Like {@link #consumeInChild(BenchReport, String, Target, int, TunnelClient, String, String, int, Path)}; with a
     * {@code warmUpTunnelId} (a BaseData tunnel over the {@link #WARM_UP_ROWS}-row warm-up table) the child JVM first
     * consumes that tunnel completely, as the official worker did in the harness JVM, so both measured workers run in
     * a JVM that has already handed over the same warm-up table. Both workers are timed from the moment their worker
     * is created; the child JVM's launch (and warm-up) before that is reported apart.
     */
    static double consumeInChild(BenchReport report, String scenario, Target target, int node, TunnelClient tunnels,
            String table, String tunnelName, int rows, Path dir, String warmUpTunnelId) throws Exception {
        long createStart = System.nanoTime();
        String tunnelId = tunnels.createTunnel(CreateTunnelRequest.of(table, tunnelName, TunnelType.BASE_DATA));
        double createSeconds = (System.nanoTime() - createStart) / 1e9;
        int channels = tunnels.describeTunnel(table, tunnelName).channels().size();
        long timeoutSeconds = 120 + rows / 1_000;
        java.util.List<String> cmd = new ArrayList<>(java.util.List.of(BenchServer.javaBinary(), "-Xmx" + WORKER_HEAP,
                "-XX:+UseG1GC"));
        // e.g. BENCH_WORKER_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/worker.jfr" to profile the worker
        String extra = System.getenv("BENCH_WORKER_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(java.util.List.of(extra.trim().split("\\s+")));
        }
        cmd.addAll(java.util.List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp",
                System.getProperty("java.class.path"), BenchWorkerMain.class.getName(), "handover", target.endpoint(node),
                tunnelId, Integer.toString(rows), Long.toString(timeoutSeconds)));
        if (warmUpTunnelId != null) {
            cmd.addAll(java.util.List.of(warmUpTunnelId, Integer.toString(WARM_UP_ROWS)));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(dir.resolve(table + "-" + tunnelName + "-worker.log").toFile());
        long started = System.nanoTime();
        String done = null;
        String stages = null;
        long workerStart = -1;
        double serverCpuAtFirst = -1;
        double serverCpuAtDone = -1;
        ResourceSampler.Usage usage;
        try (ResourceSampler sampler = new ResourceSampler(target.pids())) {
            Process p = pb.start();
            try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
                    p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("START ")) {
                        workerStart = Long.parseLong(line.substring("START ".length()));
                    } else if (line.startsWith("STAGES ")) {
                        stages = line;
                    } else if (line.equals("FIRST")) {
                        serverCpuAtFirst = serverCpuSeconds(target);
                    } else if (line.startsWith("DONE ")) {
                        serverCpuAtDone = serverCpuSeconds(target);
                        done = line;
                    }
                }
            } finally {
                if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            }
            usage = sampler.usage();
        }
        String subject = target.subject("our worker (child JVM -Xmx" + WORKER_HEAP
                + (warmUpTunnelId == null ? "" : ", warmed up") + "), " + rows + " rows, " + channels + " ch");
        if (done == null || workerStart < 0 || stages == null) {
            report.check(scenario, target.subject(table + "/" + tunnelName + " worker child JVM finished (see its log)"),
                    1, 0);
            return 0;
        }
        String[] f = done.split(" ");
        boolean complete = "1".equals(f[1]);
        long distinct = Long.parseLong(f[2]);
        long duplicates = Long.parseLong(f[4]);
        long first = Long.parseLong(f[5]);
        long last = Long.parseLong(f[6]);
        long heapPeak = Long.parseLong(f[7]);
        double workerCpuAtFirst = Double.parseDouble(f[8]);
        double workerCpuAtDone = Double.parseDouble(f[9]);
        report.check(scenario, target.subject(table + "/" + tunnelName + " distinct rows delivered"), rows, distinct);
        report.check(scenario, target.subject(table + "/" + tunnelName + " completed within the time limit"), 1,
                complete ? 1 : 0);
        double seconds = Math.max(1e-9, (last - first) / 1e9);
        double rate = distinct / seconds;
        report.add(scenario, subject, "rows/s", rate, "rows/s");
        // from the worker's creation, as for the official worker in the harness JVM
        report.add(scenario, subject, "start to first record", (first - workerStart) / 1e9, "s");
        report.add(scenario, subject, "start to last record", (last - workerStart) / 1e9, "s");
        report.add(scenario, subject, "child JVM launch to worker start" + (warmUpTunnelId == null ? ""
                : " (warm-up included)"), (workerStart - started) / 1e9, "s");
        // where the start-up goes: STAGES jvm main connected opened (the JVM's own start time has only millisecond
        // resolution and is taken before the launch returns here, so the launch is counted up to main)
        String[] st = stages.split(" ");
        long main = Long.parseLong(st[2]);
        long connected = Long.parseLong(st[3]);
        long opened = Long.parseLong(st[4]);
        if (warmUpTunnelId == null) {
            report.add(scenario, subject, "start-up: child process launch to main", (main - started) / 1e9, "s");
            report.add(scenario, subject, "start-up: main to worker start", (workerStart - main) / 1e9, "s");
        }
        report.add(scenario, subject, "start-up: worker start to session connected", (connected - workerStart) / 1e9,
                "s");
        report.add(scenario, subject, "start-up: connected to first channel opened", (opened - connected) / 1e9, "s");
        report.add(scenario, subject, "start-up: first channel opened to first record", (first - opened) / 1e9, "s");
        report.add(scenario, subject, "CreateTunnel (base channels planned)", createSeconds, "s");
        report.add(scenario, subject, "duplicates", duplicates, "records");
        report.add("resources", scenario + ": " + subject, "server peak RSS", usage.serverPeakRssMb(), "MB");
        report.add("resources", scenario + ": " + subject, "server CPU", usage.serverCpuPercent(), "% of 1 core");
        report.add("resources", scenario + ": " + subject, "worker JVM peak heap", heapPeak / 1048576.0, "MB");
        addCpuPerRecord(report, scenario, subject, distinct, serverCpuAtDone - serverCpuAtFirst,
                workerCpuAtDone - workerCpuAtFirst, workerCpuAtFirst);
        return rate;
    }

    /** CPU seconds of the target's server processes (a cluster's nodes summed). */
    private static double serverCpuSeconds(Target target) {
        double sum = 0;
        for (long pid : target.pids()) {
            sum += ProcStats.cpuSeconds(pid);
        }
        return sum;
    }

    /**
     * CPU per record from the first record to the last (user + system, /proc, 10-ms ticks), of the server and of the
     * worker's JVM (the harness JVM for in-process workers, so it includes the harness's small sampling threads), and
     * the worker's CPU before its first record (for the child JVM: its whole start-up). On 2 shared cores, per-record
     * CPU is what bounds the rate, and it is steadier than rates under other load.
     */
    static void addCpuPerRecord(BenchReport report, String scenario, String subject, long records, double serverCpu,
            double workerCpu, double workerCpuBeforeFirst) {
        if (records <= 0) {
            return;
        }
        report.add("resources", scenario + ": " + subject, "server CPU per record, first to last",
                serverCpu * 1e6 / records, "µs");
        report.add("resources", scenario + ": " + subject, "worker CPU per record, first to last",
                workerCpu * 1e6 / records, "µs");
        report.add("resources", scenario + ": " + subject, "worker CPU before the first record", workerCpuBeforeFirst,
                "s");
    }

    /**
     * Both workers consume a small table once before anything is measured: otherwise the server compiles its
     * ReadRecords path (JIT) during the first measured hand-over (ours), which then pays CPU the second one does not.
     */
    private static void warmUp(BenchReport report, BenchServer server, TableClient tables, TunnelClient tunnels)
            throws Exception {
        BenchTables.create(server.endpoint(), "handover_warmup", 1, WARM_UP_ROWS, 0);
        long loaded = BenchTables.load(tables, "handover_warmup", 0, WARM_UP_ROWS, PAYLOAD, 4, Long.MAX_VALUE);
        report.check(NAME, "warm-up table rows loaded", WARM_UP_ROWS, loaded);
        for (boolean ourWorker : new boolean[] {true, false}) {
            String name = ourWorker ? "warmup_ours" : "warmup_official";
            String tunnelId = tunnels.createTunnel(CreateTunnelRequest.of("handover_warmup", name,
                    TunnelType.BASE_DATA));
            CountingSink sink = new CountingSink(WARM_UP_ROWS);
            try (TunnelConsumer consumer = ourWorker
                    ? TunnelConsumer.ours(server.endpoint(), tunnelId, sink, HEARTBEAT, TIMEOUT)
                    : TunnelConsumer.official(server.endpoint(), tunnelId, sink, HEARTBEAT, TIMEOUT)) {
                sink.awaitAll(Duration.ofSeconds(120));
            }
            report.check(NAME, "warm-up " + name + " distinct rows delivered", WARM_UP_ROWS, sink.distinct());
        }
    }

    static void addUsage(BenchReport report, String scenario, String subject, ResourceSampler.Usage usage) {
        report.add("resources", scenario + ": " + subject, "server peak RSS", usage.serverPeakRssMb(), "MB");
        report.add("resources", scenario + ": " + subject, "server CPU", usage.serverCpuPercent(), "% of 1 core");
        report.add("resources", scenario + ": " + subject, "worker JVM peak heap", usage.workerPeakHeapMb(), "MB");
    }

    private static void channelScaling(BenchConfig config, BenchReport report, Path dir) throws Exception {
        int rows = config.channelRowsPerCase();
        try (BenchServer server = BenchServer.start(dir.resolve("channels-data"), false, "4g");
                TableClient tables = TableClient.create(BenchTables.clientConfig(server.endpoint()));
                TunnelClient tunnels = TunnelClient.create(BenchTables.clientConfig(server.endpoint()))) {
            for (int partitions : config.channelCounts()) {
                String table = "channels_" + partitions;
                BenchTables.create(server.endpoint(), table, partitions, rows, 0);
                long loaded = BenchTables.load(tables, table, 0, rows, PAYLOAD, 4, Long.MAX_VALUE);
                report.check(NAME, table + " rows loaded", rows, loaded);
                consume(report, NAME, server, tunnels, table, "ours", rows, true, "our worker");
            }
        }
    }

    /** Length of {@code tableId | esc(rowKey) 00 01}: escaped zeros are {@code 00 FF}, so the first 00 01 ends it. */
    static int rowPrefixLength(byte[] key) {
        for (int i = Long.BYTES; i + 1 < key.length; i++) {
            if (key[i] == 0 && key[i + 1] == 1) {
                return i + 2;
            }
        }
        return key.length;
    }

    record ScanResult(long rows, long cells, long bytes, double seconds) {}

    /**
     * Iterates every key and value of the first table (lowest table id: the hand-over table, created before the
     * warm-up table) in the {@code rows} column family of a stopped server's data directory, counting
     * rows by their key prefix ({@code tableId(8) | escaped row key | 00 01}, see docs/storage-layout.md: a row has
     * one key per cell, including its row marker).
     */
    static ScanResult rawScan(Path dataDir) throws Exception {
        RocksDB.loadLibrary();
        List<byte[]> families;
        try (Options o = new Options()) {
            families = RocksDB.listColumnFamilies(o, dataDir.toString());
        }
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (byte[] f : families) {
            descriptors.add(new ColumnFamilyDescriptor(f));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions();
                RocksDB db = RocksDB.openReadOnly(options, dataDir.toString(), descriptors, handles);
                ReadOptions read = new ReadOptions()) {
            ColumnFamilyHandle rowsCf = null;
            for (int i = 0; i < families.size(); i++) {
                if ("rows".equals(new String(families.get(i), StandardCharsets.UTF_8))) {
                    rowsCf = handles.get(i);
                }
            }
            if (rowsCf == null) {
                throw new IllegalStateException("no 'rows' column family in " + dataDir);
            }
            long rows = 0;
            long cells = 0;
            long bytes = 0;
            byte[] previous = null;
            int previousLength = 0;
            long t0 = System.nanoTime();
            try (RocksIterator it = db.newIterator(rowsCf, read)) {
                byte[] table = null;
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    byte[] key = it.key(); // copy key and value into Java, as a consumer must
                    if (table == null) {
                        table = Arrays.copyOf(key, Long.BYTES);
                    } else if (!Arrays.equals(key, 0, Long.BYTES, table, 0, Long.BYTES)) {
                        break;  // the next table (the warm-up table, created after the hand-over table)
                    }
                    bytes += key.length + it.value().length;
                    cells++;
                    int length = rowPrefixLength(key);
                    if (previous == null || length != previousLength
                            || !Arrays.equals(key, 0, length, previous, 0, length)) {
                        rows++;
                        previous = key;
                        previousLength = length;
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new ScanResult(rows, cells, bytes, seconds);
        } finally {
            handles.forEach(ColumnFamilyHandle::close);
        }
    }
}
