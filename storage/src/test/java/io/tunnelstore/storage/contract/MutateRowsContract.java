package io.tunnelstore.storage.contract;

import static io.tunnelstore.storage.contract.TestRows.bytes;
import static io.tunnelstore.storage.contract.TestRows.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.storage.LogRecord;
import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.RowBatchEntry;
import io.tunnelstore.storage.RowBatchOutcome;
import io.tunnelstore.storage.RowDecider;
import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.StoredRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** mutateRows: per-row semantics of mutateRow, shared durable writes, per-row failures, repeated keys, no deadlock. */
public abstract class MutateRowsContract extends EngineContractBase {
    private static final long TABLE = 7;
    private static final long SHARD = 1;

    @Override
    protected StorageOptions options() {
        return StorageOptions.builder().clock(clock).syncWrites(true).build();
    }

    /** Puts {@code value} into column {@code v} at timestamp 1 and logs {@code log:<value>} to SHARD. */
    private static RowBatchEntry<String> put(String row, String value) {
        return new RowBatchEntry<>(bytes(row), (current, versionMillis) -> new RowDecider.Decision<>(
                new RowMutation().put("v", 1, bytes(value)), SHARD, bytes("log:" + value), row + "=" + value));
    }

    /** Increments the long in column {@code n} (missing = 0), logging nothing. */
    private static RowBatchEntry<Long> increment(String row) {
        return new RowBatchEntry<>(bytes(row), (current, versionMillis) -> {
            long n = current.map(MutateRowsContract::counter).orElse(0L) + 1;
            return RowDecider.Decision.of(new RowMutation().put("n", 1, bytes(Long.toString(n))), n);
        });
    }

    private static long counter(StoredRow row) {
        return Long.parseLong(text(row.cells().get(0).value()));
    }

    private String value(String row) {
        return engine.readRow(TABLE, bytes(row), ReadSpec.latest()).map(r -> text(r.cells().get(0).value()))
                .orElse(null);
    }

    @Test
    void everyRowIsWrittenAndLoggedInListOrder() {
        List<RowBatchEntry<String>> batch = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            batch.add(put(String.format("row-%03d", i), "v" + i));
        }
        List<RowBatchOutcome<String>> outcomes = engine.mutateRows(TABLE, batch);

        assertThat(outcomes).hasSize(200).allSatisfy(o -> assertThat(o.succeeded()).isTrue());
        assertThat(outcomes.get(0).result().result()).isEqualTo("row-000=v0");
        assertThat(outcomes.get(199).result().result()).isEqualTo("row-199=v199");
        // sequences are consecutive in list order
        for (int i = 0; i < 200; i++) {
            assertThat(outcomes.get(i).result().sequence()).isEqualTo(i + 1);
        }
        assertThat(value("row-000")).isEqualTo("v0");
        assertThat(value("row-199")).isEqualTo("v199");
        List<LogRecord> log = engine.readLog(TABLE, SHARD, 1, 1000, Long.MAX_VALUE);
        assertThat(log).hasSize(200);
        assertThat(text(log.get(0).payload())).isEqualTo("log:v0");
        assertThat(text(log.get(199).payload())).isEqualTo("log:v199");
    }

    @Test
    void aFailingDeciderFailsOnlyItsRow() {
        RowBatchEntry<String> failing = new RowBatchEntry<>(bytes("bad"), (current, versionMillis) -> {
            throw new IllegalStateException("condition check failed");
        });

        List<RowBatchOutcome<String>> outcomes = engine.mutateRows(TABLE,
                List.of(put("a", "1"), failing, put("b", "2")));

        assertThat(outcomes.get(0).succeeded()).isTrue();
        assertThat(outcomes.get(1).succeeded()).isFalse();
        assertThat(outcomes.get(1).failure()).isInstanceOf(IllegalStateException.class)
                .hasMessage("condition check failed");
        assertThat(outcomes.get(2).succeeded()).isTrue();
        assertThat(value("a")).isEqualTo("1");
        assertThat(value("bad")).isNull();
        assertThat(value("b")).isEqualTo("2");
        assertThat(outcomes.get(0).result().sequence()).isEqualTo(1);
        assertThat(outcomes.get(2).result().sequence()).isEqualTo(2);
    }

    @Test
    void repeatedKeysSeeTheEarlierRowsOfTheSameBatch() {
        List<RowBatchOutcome<Long>> outcomes = engine.mutateRows(TABLE,
                List.of(increment("c"), increment("d"), increment("c"), increment("c")));

        assertThat(outcomes).extracting(o -> o.result().result()).containsExactly(1L, 1L, 2L, 3L);
        assertThat(engine.readRow(TABLE, bytes("c"), ReadSpec.latest()).map(MutateRowsContract::counter))
                .contains(3L);
    }

    @Test
    void aDecisionWithNothingToWriteHasNoSequence() {
        RowBatchEntry<String> noop = new RowBatchEntry<>(bytes("x"),
                (current, versionMillis) -> RowDecider.Decision.of(new RowMutation(), "nothing"));

        List<RowBatchOutcome<String>> outcomes = engine.mutateRows(TABLE, List.of(noop, put("y", "1")));

        assertThat(outcomes.get(0).result().sequence()).isEqualTo(-1);
        assertThat(outcomes.get(0).result().result()).isEqualTo("nothing");
        assertThat(outcomes.get(1).result().sequence()).isEqualTo(1);
        assertThat(engine.readRow(TABLE, bytes("x"), ReadSpec.latest())).isEqualTo(Optional.empty());
    }

    @Test
    void batchesSurviveReopen() {
        engine.mutateRows(TABLE, List.of(put("p", "1"), put("q", "2")));

        reopen();

        assertThat(value("p")).isEqualTo("1");
        assertThat(value("q")).isEqualTo("2");
        assertThat(engine.mutateRows(TABLE, List.of(put("r", "3"))).get(0).result().sequence()).isEqualTo(3);
    }

    @Test
    void overlappingBatchesAndSingleRowsInParallelNeitherDeadlockNorLoseIncrements() throws Exception {
        int threads = 4;
        int rounds = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int r = 0; r < rounds; r++) {
                        // opposite key orders in alternate threads: a lock-order bug would deadlock here
                        List<RowBatchEntry<Long>> batch = thread % 2 == 0
                                ? List.of(increment("k1"), increment("k2"), increment("k3"))
                                : List.of(increment("k3"), increment("k2"), increment("k1"));
                        engine.mutateRows(TABLE, batch);
                        engine.mutateRow(TABLE, bytes("k2"), increment("k2").decider());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(engine.readRow(TABLE, bytes("k1"), ReadSpec.latest()).map(MutateRowsContract::counter))
                .contains((long) threads * rounds);
        assertThat(engine.readRow(TABLE, bytes("k2"), ReadSpec.latest()).map(MutateRowsContract::counter))
                .contains(2L * threads * rounds);
    }
}
