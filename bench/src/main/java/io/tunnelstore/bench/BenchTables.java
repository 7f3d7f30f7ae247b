package io.tunnelstore.bench;

import io.tunnelstore.client.BatchWriteResult;
import io.tunnelstore.client.ClientConfig;
import io.tunnelstore.client.CreateTableRequest;
import io.tunnelstore.client.PrimaryKeyType;
import io.tunnelstore.client.RowPutChange;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.client.internal.OtsHttpTransport;
import io.tunnelstore.client.internal.TableMessages;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.pb.TableProtos;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tables and rows of the harness, written through our SDK. Every bench table has one INTEGER primary-key column
 * {@code id} and one BINARY attribute {@code v} whose length is the row's payload size. Thread-safe (stateless).
 */
final class BenchTables {
    static final int BATCH_ROWS = TableClient.MAX_BATCH_WRITE_ROWS;

    private BenchTables() {}

    static ClientConfig clientConfig(String endpoint) {
        return ClientConfig.builder().endpoint(endpoint).instanceName(BenchServer.INSTANCE)
                .credentials(BenchServer.ACCESS_KEY_ID, BenchServer.ACCESS_KEY_SECRET).build();
    }

    static PrimaryKey key(long id) {
        return PrimaryKey.of(new PrimaryKeyColumn("id", ColumnValue.ofLong(id)));
    }

    /**
     * The payload of row {@code id}: {@code size} bytes, varied by id so compression does not erase it. Each xorshift
     * step fills 8 bytes: one step per byte (until 2026-12-07) made this the largest CPU cost of the ingest harness
     * (201 of 590 JFR samples of the harness in a full ingest run, in the SDK writers and the raw and engine writers
     * alike, ~4 us per 1-KB row), which counted against both sides of the ratio and took CPU from the server.
     */
    static byte[] payload(long id, int size) {
        byte[] b = new byte[size];
        long x = id * 0x9E3779B97F4A7C15L + 1;
        int i = 0;
        for (; i + 8 <= size; i += 8) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            LONG_LE.set(b, i, x);
        }
        for (; i < size; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b[i] = (byte) x;
        }
        return b;
    }

    private static final java.lang.invoke.VarHandle LONG_LE = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    static RowPutChange row(String table, long id, int payloadBytes) {
        return RowPutChange.of(table, key(id), List.of(Cell.put("v", ColumnValue.ofBinary(payload(id, payloadBytes)))));
    }

    /**
     * Creates {@code name} split into {@code partitions} partitions of equal id ranges over {@code [0, rows)} (our SDK
     * has no split points in its CreateTable model, so the request is built from its wire form plus
     * PartitionRanges). {@code streamHours > 0} enables the stream.
     */
    static void create(String endpoint, String name, int partitions, long rows, int streamHours) {
        CreateTableRequest.Builder b = CreateTableRequest.builder(name).addPrimaryKey("id", PrimaryKeyType.INTEGER);
        if (streamHours > 0) {
            b.streamEnabled(streamHours);
        }
        TableProtos.CreateTableRequest.Builder req = TableMessages.createTable(b.build()).toBuilder();
        if (partitions > 1) {
            ColumnValue lower = ColumnValue.INF_MIN;
            for (int p = 1; p <= partitions; p++) {
                ColumnValue upper = p == partitions ? ColumnValue.INF_MAX
                        : ColumnValue.ofLong(Math.max(p, rows * p / partitions));
                req.addPartitions(TableProtos.PartitionRange.newBuilder()
                        .setBegin(ByteString.copyFrom(PlainBufferCodec.encodeValueNoLengthPrefix(lower)))
                        .setEnd(ByteString.copyFrom(PlainBufferCodec.encodeValueNoLengthPrefix(upper))));
                lower = upper;
            }
        }
        try (OtsHttpTransport transport = new OtsHttpTransport(clientConfig(endpoint))) {
            transport.call(Action.CREATE_TABLE, req.build(), TableProtos.CreateTableResponse.parser(), false).join();
        }
    }

    /**
     * Reads row 0 of {@code table} through each client until each read succeeded, at most until {@code timeout}: the
     * first request into a new table of the HBase engine waits for its region to open and for every node to know the
     * table, which on a busy machine outlasts a request's time-out. Reads only: a row written twice cannot be read
     * back on the HBase engine today (the open row-replacement defect, docs/scale-out.md). Returns the failed reads.
     *
     * @throws IllegalStateException if a client's read still fails at the deadline
     */
    static int warmUp(List<TableClient> clients, String table, java.time.Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int failed = 0;
        for (TableClient client : clients) {
            while (true) {
                try {
                    client.getRow(table, key(0));
                    break;
                } catch (io.tunnelstore.client.TablestoreException e) {
                    failed++;
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("no read of " + table + " succeeded within " + timeout, e);
                    }
                    Thread.sleep(500); // back-off between retries, not a stand-in for a condition
                }
            }
        }
        return failed;
    }

    /** The client (of {@code clients}) that sends the batch starting at id {@code start}: batch k to client k mod n. */
    static int clientOf(long start, long from, int clients) {
        return (int) (((start - from) / BATCH_ROWS) % clients);
    }

    /** What a full range scan of a bench table saw: rows, and distinct ids in {@code [0, expected)}. */
    record ReadBack(long rows, long distinct) {}

    /** Scans all of {@code table} through {@code client}, counting rows and the distinct ids below {@code expected}. */
    static ReadBack readBack(TableClient client, String table, long expected) {
        java.util.BitSet seen = new java.util.BitSet((int) Math.min(Integer.MAX_VALUE, expected));
        long rows = 0;
        PrimaryKey start = PrimaryKey.of(new PrimaryKeyColumn("id", ColumnValue.INF_MIN));
        PrimaryKey end = PrimaryKey.of(new PrimaryKeyColumn("id", ColumnValue.INF_MAX));
        java.util.Iterator<io.tunnelstore.client.Row> it = client.scan(table, start, end,
                io.tunnelstore.client.ScanOptions.defaults());
        while (it.hasNext()) {
            long id = it.next().primaryKey().get(0).value().asLong();
            rows++;
            if (id >= 0 && id < expected) {
                seen.set((int) id);
            }
        }
        return new ReadBack(rows, seen.cardinality());
    }

    /**
     * Writes rows {@code [from, to)} with {@code threads} writers, each sending BatchWriteRow requests of 200 rows;
     * stops early (between batches) once {@code deadlineNanos} has passed. Returns the number of rows written.
     *
     * @throws IllegalStateException if a row fails
     */
    static long load(TableClient client, String table, long from, long to, int payloadBytes, int threads,
            long deadlineNanos) throws Exception {
        return load(List.of(client), table, from, to, payloadBytes, threads, deadlineNanos);
    }

    /**
     * Like {@link #load(TableClient, String, long, long, int, int, long)}, batch {@code k} (in id order) sent through
     * {@code clients.get(k % clients.size())}: writers spread round-robin over a cluster's nodes.
     */
    static long load(List<TableClient> clients, String table, long from, long to, int payloadBytes, int threads,
            long deadlineNanos) throws Exception {
        AtomicLong next = new AtomicLong(from);
        AtomicLong written = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    while (System.nanoTime() < deadlineNanos) {
                        long start = next.getAndAdd(BATCH_ROWS);
                        if (start >= to) {
                            return null;
                        }
                        long end = Math.min(to, start + BATCH_ROWS);
                        List<RowPutChange> batch = new ArrayList<>((int) (end - start));
                        for (long id = start; id < end; id++) {
                            batch.add(row(table, id, payloadBytes));
                        }
                        TableClient client = clients.get(clientOf(start, from, clients.size()));
                        BatchWriteResult r = client.batchWriteRow(batch);
                        if (!r.allSucceeded()) {
                            throw new IllegalStateException("batch write failed: " + r.failed().get(0));
                        }
                        written.addAndGet(batch.size());
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
        return written.get();
    }
}
