package io.tunnelstore.bench;

import io.tunnelstore.client.TableClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import io.tunnelstore.storage.RowBatchEntry;
import io.tunnelstore.storage.RowBatchOutcome;
import io.tunnelstore.storage.RowDecider;
import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.rocksdb.RocksDbStorageEngine;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Scenario 1: rows/s and MB/s through our SDK's BatchWriteRow (batches of 200) into a server with synchronous WAL
 * writes, for 100-byte and 1-KB payloads and 1 and 8 client threads, against raw RocksDB WriteBatches of 200 puts with
 * {@code sync=true} in the harness process (the same durability: each acknowledged batch survives kill -9).
 */
final class IngestScenario {
    static final String NAME = "ingest";
    private static final int[] PAYLOADS = {100, 1024};
    private static final int[] THREADS = {1, 8};

    /** The server's row marker cell value (column "", no payload; server {@code RowMarker}). */
    private static final byte[] ROW_MARKER = new byte[0];

    private IngestScenario() {}

    static void run(BenchConfig config, BenchReport report) throws Exception {
        Path dir = config.workDir().resolve("ingest");
        long harnessPid = ProcessHandle.current().pid();
        try (BenchServer server = BenchServer.start(dir.resolve("server-data"), true, "2g");
                TableClient client = TableClient.create(BenchTables.clientConfig(server.endpoint()))) {
            for (int payload : PAYLOADS) {
                for (int threads : THREADS) {
                    String table = "ingest_" + payload + "_" + threads;
                    BenchTables.create(server.endpoint(), table, 1, 0, 0);
                    double serverCpu0 = ProcStats.cpuSeconds(server.pid());
                    double clientCpu0 = ProcStats.cpuSeconds(harnessPid);
                    long t0 = System.nanoTime();
                    long rows = BenchTables.load(client, table, 0, config.ingestMaxRows(), payload, threads,
                            t0 + config.ingestMaxTime().toNanos());
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    double serverCpu = ProcStats.cpuSeconds(server.pid()) - serverCpu0;
                    double clientCpu = ProcStats.cpuSeconds(harnessPid) - clientCpu0;
                    Rate raw = rawRocksDb(dir.resolve("raw-" + payload + "-" + threads), payload, threads,
                            config.ingestMaxRows(), config.ingestMaxTime().toNanos());
                    String subject = "our SDK BatchWriteRow " + payload + " B x" + threads + " threads";
                    double rowsPerSec = rows / seconds;
                    report.add(NAME, subject, "rows/s", rowsPerSec, "rows/s", "raw RocksDB sync batch", raw.rowsPerSec);
                    report.add(NAME, subject, "MB/s", rowsPerSec * payload / 1e6, "MB/s", "raw RocksDB sync batch",
                            raw.rowsPerSec * payload / 1e6);
                    // CPU per row is what a loaded machine cannot blur much: client and server processes together
                    // against the raw writer's process (each includes its JIT, GC and RocksDB background threads)
                    report.add(NAME, subject, "CPU us/row, server + client", perRowMicros(serverCpu + clientCpu, rows),
                            "us/row", "raw RocksDB sync batch", raw.cpuMicrosPerRow());
                    report.add(NAME, subject, "CPU us/row, server", perRowMicros(serverCpu, rows), "us/row");
                    // writers take whole batches in id order, so [0, rows) was written: its two ends must read back
                    int readable = (client.getRow(table, BenchTables.key(0)).isPresent() ? 1 : 0)
                            + (client.getRow(table, BenchTables.key(rows - 1)).isPresent() ? 1 : 0);
                    report.check(NAME, table + " first and last written rows read back", 2, readable);
                    report.check(NAME, table + " raw baseline wrote as many rows as the cap allowed", 1,
                            raw.rows > 0 ? 1 : 0);
                    // what the storage engine alone reaches in-process: rows shaped as the server writes them for
                    // these tables (no stream: value cell and row marker, no change-log record), and, labelled, the
                    // same rows with a change-log record each (a table with a stream; the single committer's path)
                    Rate batched = engine(dir.resolve("engine-batch-" + payload + "-" + threads), payload, threads,
                            config.ingestMaxRows(), config.ingestMaxTime().toNanos(), false);
                    Rate logged = engine(dir.resolve("engine-logged-" + payload + "-" + threads), payload, threads,
                            config.ingestMaxRows(), config.ingestMaxTime().toNanos(), true);
                    String engineSubject = "engine mutateRows(200), no stream, " + payload + " B x" + threads
                            + " threads";
                    String loggedSubject = "engine mutateRows(200) + change-log record, " + payload + " B x"
                            + threads + " threads";
                    report.add(NAME, engineSubject, "rows/s", batched.rowsPerSec, "rows/s", "raw RocksDB sync batch",
                            raw.rowsPerSec);
                    report.add(NAME, engineSubject, "CPU us/row", batched.cpuMicrosPerRow(), "us/row",
                            "raw RocksDB sync batch", raw.cpuMicrosPerRow());
                    report.add(NAME, loggedSubject, "rows/s", logged.rowsPerSec, "rows/s", "raw RocksDB sync batch",
                            raw.rowsPerSec);
                    report.check(NAME, table + " engine baselines wrote rows", 1,
                            batched.rows > 0 && logged.rows > 0 ? 1 : 0);
                }
            }
        }
    }

    private static double perRowMicros(double cpuSeconds, long rows) {
        return rows == 0 || cpuSeconds < 0 ? 0 : cpuSeconds * 1e6 / rows;
    }

    /** Rows written, their rate, and the CPU time of this process while they were written (-1 without /proc). */
    record Rate(long rows, double rowsPerSec, double cpuSeconds) {
        double cpuMicrosPerRow() {
            return perRowMicros(cpuSeconds, rows);
        }
    }

    /** Raw RocksDB: {@code threads} writers of 200-put batches, WAL fsync per batch, same row count and time cap. */
    static Rate rawRocksDb(Path dir, int payload, int threads, int maxRows, long maxNanos) throws Exception {
        RocksDB.loadLibrary();
        java.nio.file.Files.createDirectories(dir);
        try (Options options = new Options().setCreateIfMissing(true)
                        .setCompressionType(org.rocksdb.CompressionType.LZ4_COMPRESSION);
                RocksDB db = RocksDB.open(options, dir.toString());
                WriteOptions sync = new WriteOptions().setSync(true)) {
            AtomicLong next = new AtomicLong();
            AtomicLong written = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            double cpu0 = ProcStats.cpuSeconds(ProcessHandle.current().pid());
            long t0 = System.nanoTime();
            long deadline = t0 + maxNanos;
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    futures.add(pool.submit(() -> {
                        while (System.nanoTime() < deadline) {
                            long start = next.getAndAdd(BenchTables.BATCH_ROWS);
                            if (start >= maxRows) {
                                return null;
                            }
                            long end = Math.min(maxRows, start + BenchTables.BATCH_ROWS);
                            try (WriteBatch batch = new WriteBatch()) {
                                for (long id = start; id < end; id++) {
                                    batch.put(rawKey(id), BenchTables.payload(id, payload));
                                }
                                db.write(sync, batch);
                            }
                            written.addAndGet(end - start);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = ProcStats.cpuSeconds(ProcessHandle.current().pid()) - cpu0;
            return new Rate(written.get(), written.get() / seconds, cpu);
        }
    }

    /**
     * Our storage engine in-process with synchronous writes, each 200-row batch committed with one {@code mutateRows}
     * call. Without {@code withLogRecord} a row is what the server writes for a PutRow into a table without a stream
     * (the value cell and the row marker, both at the row version time; no change-log record), so it compares with
     * the SDK case; with it, each row also appends a change-log record of the payload's size (a table with a stream).
     */
    static Rate engine(Path dir, int payload, int threads, int maxRows, long maxNanos, boolean withLogRecord)
            throws Exception {
        try (RocksDbStorageEngine engine = RocksDbStorageEngine.open(dir,
                StorageOptions.builder().syncWrites(true).build())) {
            AtomicLong next = new AtomicLong();
            AtomicLong written = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            double cpu0 = ProcStats.cpuSeconds(ProcessHandle.current().pid());
            long t0 = System.nanoTime();
            long deadline = t0 + maxNanos;
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    futures.add(pool.submit(() -> {
                        while (System.nanoTime() < deadline) {
                            long start = next.getAndAdd(BenchTables.BATCH_ROWS);
                            if (start >= maxRows) {
                                return null;
                            }
                            long end = Math.min(maxRows, start + BenchTables.BATCH_ROWS);
                            List<RowBatchEntry<Void>> batch = new ArrayList<>();
                            for (long id = start; id < end; id++) {
                                byte[] value = BenchTables.payload(id, payload);
                                byte[] record = withLogRecord ? java.util.Arrays.copyOf(value, value.length + 16) : null;
                                batch.add(new RowBatchEntry<>(rawKey(id), (current, versionMillis) -> new RowDecider.Decision<>(
                                        new RowMutation().put("v", versionMillis, value).put("", versionMillis, ROW_MARKER),
                                        withLogRecord ? 1 : -1, record, null)));
                            }
                            for (RowBatchOutcome<Void> o : engine.mutateRows(1, batch)) {
                                if (!o.succeeded()) {
                                    throw o.failure();
                                }
                            }
                            written.addAndGet(end - start);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = ProcStats.cpuSeconds(ProcessHandle.current().pid()) - cpu0;
            return new Rate(written.get(), written.get() / seconds, cpu);
        }
    }

    static byte[] rawKey(long id) {
        byte[] k = new byte[9];
        k[0] = 'r';
        for (int i = 0; i < 8; i++) {
            k[8 - i] = (byte) (id >>> (8 * i));
        }
        return k;
    }
}
