package io.tunnelstore.storage.contract;

import static io.tunnelstore.storage.contract.TestRows.bytes;
import static io.tunnelstore.storage.contract.TestRows.text;
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
public abstract class ConcurrencyContract extends EngineContractBase {
    private static final long TABLE = 5;
    private static final int THREADS = 8;
    private static final int MUTATIONS_PER_THREAD = 150;
    private static final int SHARDS = 3;
    private static final byte[] COUNTER_ROW = bytes("shared-counter");

    @Override
    protected StorageOptions options() {
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
}
