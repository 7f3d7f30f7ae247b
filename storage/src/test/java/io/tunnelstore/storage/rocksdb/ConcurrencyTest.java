package io.tunnelstore.storage.rocksdb;

import static io.tunnelstore.storage.rocksdb.TestRows.bytes;
import static io.tunnelstore.storage.rocksdb.TestRows.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.storage.LogRecord;
import io.tunnelstore.storage.MutationResult;
import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.RowDecider;
import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.StoredRow;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many threads mutating shared and private rows: nothing lost, sequences gap-free and in commit order. */
class ConcurrencyTest extends EngineTestBase {
    private static final long TABLE = 5;
    private static final int THREADS = 8;
    private static final int MUTATIONS_PER_THREAD = 150;
    private static final int SHARDS = 3;
    private static final byte[] COUNTER_ROW = bytes("shared-counter");

    @Override
    StorageOptions options() {
        return StorageOptions.builder().clock(Clock.systemUTC()).build();
    }

    /** Read-modify-write of a counter cell; every mutation also appends "thread:i" to shard (thread % SHARDS). */
    private MutationResult<Long> increment(byte[] row, int thread, int i) {
        return engine.mutateRow(TABLE, row, (current, versionMillis) -> {
            long value = current.flatMap(r -> r.cells().stream().filter(c -> c.column().equals("n")).findFirst())
                    .map(c -> ByteBuffer.wrap(c.value()).getLong())
                    .orElse(0L);
            RowMutation mutation = new RowMutation()
                    .deleteColumn("n")
                    .put("n", 1, ByteBuffer.allocate(8).putLong(value + 1).array())
                    .put("by-" + thread, i, bytes("" + i));
            return new RowDecider.Decision<>(mutation, thread % SHARDS, bytes(thread + ":" + i), value + 1);
        });
    }

    @Test
    void everyAcknowledgedMutationIsPresentAndSequencesAreGapFreeInCommitOrder() throws Exception {
        Map<Long, List<Long>> heardPerShard = new ConcurrentHashMap<>();
        engine.addLogListener((table, shard, sequence) ->
                heardPerShard.computeIfAbsent(shard, s -> new CopyOnWriteArrayList<>()).add(sequence));
        Map<String, Long> ackedSequence = new ConcurrentHashMap<>();

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < MUTATIONS_PER_THREAD; i++) {
                        // alternate the contended row and the thread's own row
                        byte[] row = i % 2 == 0 ? COUNTER_ROW : bytes("own-" + thread);
                        MutationResult<Long> result = increment(row, thread, i);
                        ackedSequence.put((thread % SHARDS) + "/" + thread + ":" + i, result.sequence());
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        int total = THREADS * MUTATIONS_PER_THREAD;
        // read-modify-write under the row lock: no increment lost on the shared row
        assertThat(counter(COUNTER_ROW)).isEqualTo(total / 2);
        for (int t = 0; t < THREADS; t++) {
            assertThat(counter(bytes("own-" + t))).isEqualTo(MUTATIONS_PER_THREAD / 2);
        }

        int records = 0;
        for (long shard = 0; shard < SHARDS; shard++) {
            List<LogRecord> log = engine.readLog(TABLE, shard, 1, Integer.MAX_VALUE, Long.MAX_VALUE);
            records += log.size();
            long previousCommit = Long.MIN_VALUE;
            for (int i = 0; i < log.size(); i++) {
                LogRecord record = log.get(i);
                assertThat(record.sequence()).isEqualTo(i + 1L); // gap-free from 1
                assertThat(record.commitTimeMicros()).isGreaterThanOrEqualTo(previousCommit);
                previousCommit = record.commitTimeMicros();
                // the sequence the writer was acknowledged with is where its record is
                assertThat(ackedSequence.get(shard + "/" + text(record.payload()))).isEqualTo(record.sequence());
            }
            // listeners run in commit order: they heard 1, 2, 3, ... per shard
            List<Long> expected = new ArrayList<>();
            for (long s = 1; s <= log.size(); s++) {
                expected.add(s);
            }
            assertThat(heardPerShard.getOrDefault(shard, List.of())).isEqualTo(expected);
        }
        assertThat(records).isEqualTo(total);
        assertThat(ackedSequence).hasSize(total);
    }

    private long counter(byte[] row) {
        Optional<StoredRow> stored = engine.readRow(TABLE, row, new ReadSpec(Set.of("n"), 10, 0,
                Long.MAX_VALUE));
        assertThat(stored).isPresent();
        assertThat(stored.get().cells()).hasSize(1);
        return ByteBuffer.wrap(stored.get().cells().get(0).value()).getLong();
    }

    @Test
    void commitsQueuedWhileTheCommitterIsBusyShareOneWrite() throws Exception {
        CountDownLatch firstCommitDurable = new CountDownLatch(1);
        CountDownLatch releaseCommitter = new CountDownLatch(1);
        engine.addLogListener((table, shard, sequence) -> {
            if (shard == 99) { // park the committer inside the first commit's notification
                firstCommitDurable.countDown();
                await(releaseCommitter);
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            Future<MutationResult<Void>> first = pool.submit(() -> TestRows.applyLogged(engine, TABLE,
                    bytes("first"), new RowMutation().put("c", 1, bytes("x")), 99, bytes("first")));
            assertThat(firstCommitDurable.await(30, TimeUnit.SECONDS)).isTrue();
            long batchesBefore = engine.committer().batchesWritten();

            List<Future<MutationResult<Void>>> queued = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String row = "queued-" + i;
                queued.add(pool.submit(() -> TestRows.applyLogged(engine, TABLE, bytes(row),
                        new RowMutation().put("c", 1, bytes(row)), 0, bytes(row))));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (engine.committer().queuedCommits() < 4) {
                // the four callers are about to queue; there is nothing to wait on but the queue itself
                assertThat(System.nanoTime()).as("four commits queued within 30 s").isLessThan(deadline);
                Thread.onSpinWait();
            }
            releaseCommitter.countDown();

            assertThat(first.get(30, TimeUnit.SECONDS).sequence()).isEqualTo(1);
            Map<Long, String> bySequence = new HashMap<>();
            for (Future<MutationResult<Void>> future : queued) {
                future.get(30, TimeUnit.SECONDS);
            }
            for (LogRecord record : engine.readLog(TABLE, 0, 1, 10, Long.MAX_VALUE)) {
                bySequence.put(record.sequence(), text(record.payload()));
            }
            assertThat(bySequence).hasSize(4).containsKeys(1L, 2L, 3L, 4L);
            // the four commits that waited were merged into a single WriteBatch (one fsync)
            assertThat(engine.committer().batchesWritten() - batchesBefore).isEqualTo(1);
        } finally {
            releaseCommitter.countDown();
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test latch not released in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
