package io.tunnelstore.storage.rocksdb;

import static io.tunnelstore.storage.contract.TestRows.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.contract.MutateRowsContract;
import java.nio.file.Path;
import io.tunnelstore.storage.RowBatchEntry;
import io.tunnelstore.storage.RowDecider;
import io.tunnelstore.storage.RowMutation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mutateRows contract on RocksDB, and its batching into shared writes. */
class MutateRowsTest extends MutateRowsContract {
    @TempDir
    Path dataDir;

    @Override
    protected StorageEngine openEngine(StorageOptions options) {
        return RocksDbStorageEngine.open(dataDir, options);
    }

    @Test
    void aBatchOfRowsSharesFewerDurableWritesThanRows() {
        RocksDbStorageEngine rocks = (RocksDbStorageEngine) engine;
        List<RowBatchEntry<Void>> batch = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            batch.add(new RowBatchEntry<>(bytes(String.format("row-%03d", i)), (current, versionMillis) ->
                    new RowDecider.Decision<>(new RowMutation().put("v", 1, bytes("x")), 1, bytes("log"), null)));
        }
        long writesBefore = rocks.committer().batchesWritten();
        assertThat(engine.mutateRows(7, batch)).hasSize(200).allSatisfy(o -> assertThat(o.succeeded()).isTrue());
        // all 200 commits were queued back to back: the committer merged them (one write per row would be 200)
        assertThat(rocks.committer().batchesWritten() - writesBefore).isLessThan(100);
    }

    /** A batch of 200 puts of rows {@code prefix-000..199}; the decider of the first row runs {@code first}. */
    private static List<RowBatchEntry<Void>> batchOf(String prefix, Runnable first) {
        List<RowBatchEntry<Void>> batch = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            boolean isFirst = i == 0;
            batch.add(new RowBatchEntry<>(bytes(String.format("%s-%03d", prefix, i)), (current, versionMillis) -> {
                if (isFirst) {
                    first.run();
                }
                return RowDecider.Decision.of(new RowMutation().put("v", 1, bytes(prefix)), null);
            }));
        }
        return batch;
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aBatchOfOtherRowsCommitsWhileAnotherBatchHoldsItsRows() throws Exception {
        // batch a stops inside its first decision, holding the locks of its 200 rows; batch b (200 other rows) must
        // not wait for it. Row-lock stripes made two such batches share a stripe almost surely (and b would wait for
        // a, which waits for b: the get below would time out)
        CountDownLatch aHoldsItsRows = new CountDownLatch(1);
        CountDownLatch bDone = new CountDownLatch(1);
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> engine.mutateRows(7, batchOf("a", () -> {
            aHoldsItsRows.countDown();
            awaitLatch(bDone);
        })));
        awaitLatch(aHoldsItsRows);
        assertThat(CompletableFuture.supplyAsync(() -> engine.mutateRows(7, batchOf("b", () -> { })))
                .get(30, TimeUnit.SECONDS)).hasSize(200).allSatisfy(o -> assertThat(o.succeeded()).isTrue());
        bDone.countDown();
        a.get(30, TimeUnit.SECONDS);
        assertThat(engine.readRow(7, bytes("a-199"), io.tunnelstore.storage.ReadSpec.latest())).isPresent();
        assertThat(engine.readRow(7, bytes("b-199"), io.tunnelstore.storage.ReadSpec.latest())).isPresent();
    }

    @Test
    void aBatchSharingARowWithAnotherWaitsAndSeesItsCommit() throws Exception {
        // batch a holds row "s" (and others) inside its decision; batch b also writes "s": its decider for "s" may
        // only run once a's write of "s" is durable, and must see it
        CountDownLatch aHoldsItsRows = new CountDownLatch(1);
        CountDownLatch releaseA = new CountDownLatch(1);
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> engine.mutateRows(7, List.of(
                new RowBatchEntry<Void>(bytes("s"), (current, versionMillis) -> {
                    aHoldsItsRows.countDown();
                    awaitLatch(releaseA);
                    return RowDecider.Decision.of(new RowMutation().put("v", 1, bytes("from-a")), null);
                }),
                new RowBatchEntry<Void>(bytes("t"), (current, versionMillis) ->
                        RowDecider.Decision.of(new RowMutation().put("v", 1, bytes("a")), null)))));
        awaitLatch(aHoldsItsRows);
        List<Optional<String>> seenByB = new ArrayList<>();
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> engine.mutateRows(7, List.of(
                new RowBatchEntry<Void>(bytes("s"), (current, versionMillis) -> {
                    seenByB.add(current.map(r -> new String(r.cells().get(0).value(),
                            java.nio.charset.StandardCharsets.UTF_8)));
                    return RowDecider.Decision.of(new RowMutation().put("v", 2, bytes("from-b")), null);
                }))));
        releaseA.countDown();
        a.get(30, TimeUnit.SECONDS);
        b.get(30, TimeUnit.SECONDS);
        assertThat(seenByB).containsExactly(Optional.of("from-a"));
        assertThat(((RocksDbStorageEngine) engine).rowLocksHeld()).isZero();
    }

    @Test
    void rowsWithoutALogRecordAreWrittenByTheCallerNotTheCommitter() {
        // no log order to keep: the caller writes them itself (one WriteBatch for the batch), so RocksDB can merge
        // concurrent callers; rows with a log record still go through the committer
        RocksDbStorageEngine rocks = (RocksDbStorageEngine) engine;
        long writesBefore = rocks.committer().batchesWritten();
        assertThat(engine.mutateRows(7, batchOf("plain", () -> { }))).hasSize(200)
                .allSatisfy(o -> assertThat(o.succeeded()).isTrue());
        engine.mutateRow(7, bytes("single"), (current, versionMillis) ->
                RowDecider.Decision.of(new RowMutation().put("v", 1, bytes("one")), null));
        assertThat(rocks.committer().batchesWritten()).isEqualTo(writesBefore);
        assertThat(engine.readRow(7, bytes("plain-000"), io.tunnelstore.storage.ReadSpec.latest())).isPresent();
        assertThat(engine.readRow(7, bytes("plain-199"), io.tunnelstore.storage.ReadSpec.latest())).isPresent();
        assertThat(engine.readRow(7, bytes("single"), io.tunnelstore.storage.ReadSpec.latest())).isPresent();
        engine.mutateRow(7, bytes("logged"), (current, versionMillis) ->
                new RowDecider.Decision<>(new RowMutation().put("v", 1, bytes("x")), 1, bytes("log"), null));
        assertThat(rocks.committer().batchesWritten()).isEqualTo(writesBefore + 1);
    }

    @Test
    void everyRowOfABatchSeesExactlyItsOwnCellsWhateverTheOrderAndTheRowsAround() {
        // rows are read in key order with as few seeks as possible (the iterator reads on from one row to the next):
        // absent rows between present ones, rows outside the batch between its rows, a key with a zero byte, the last
        // row of the table before the next table's rows, and a list order that is not the key order must each see
        // exactly their own cells
        byte[] zeroKey = bytes(new int[] {'d', 0, 'x'});
        engine.mutateRow(6, bytes("z"), put("v", 1, "table-6"));
        engine.mutateRow(8, bytes("a"), put("v", 1, "table-8"));
        engine.mutateRow(7, bytes("b"), put("v", 1, "b1"));
        engine.mutateRow(7, bytes("b"), put("w", 2, "b2"));
        engine.mutateRow(7, bytes("d"), put("v", 3, "d3"));
        engine.mutateRow(7, zeroKey, put("v", 4, "d0x"));
        engine.mutateRow(7, bytes("m"), put("v", 5, "m5"));
        engine.mutateRow(7, bytes("c2"), put("v", 6, "not in the batch")); // between c (absent) and d
        engine.mutateRow(7, bytes("k"), put("v", 7, "not in the batch")); // between e (absent) and m
        List<byte[]> keys = List.of(bytes("y"), bytes("c"), bytes("b"), zeroKey, bytes("a"), bytes("d"), bytes("m"),
                bytes("e"), bytes("n"));
        List<Optional<io.tunnelstore.storage.StoredRow>> expected = new ArrayList<>();
        for (byte[] key : keys) {
            expected.add(engine.readRow(7, key, io.tunnelstore.storage.ReadSpec.allVersions()));
        }
        assertThat(expected.stream().filter(Optional::isPresent)).hasSize(4);
        List<Optional<io.tunnelstore.storage.StoredRow>> seen = new ArrayList<>();
        List<RowBatchEntry<Void>> batch = new ArrayList<>();
        for (byte[] key : keys) {
            batch.add(new RowBatchEntry<>(key, (current, versionMillis) -> {
                seen.add(current);
                return RowDecider.Decision.of(new RowMutation(), null);
            }));
        }
        assertThat(engine.mutateRows(7, batch)).hasSize(keys.size()).allSatisfy(o -> assertThat(o.succeeded()).isTrue());
        assertThat(seen).hasSize(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            Optional<io.tunnelstore.storage.StoredRow> want = expected.get(i);
            Optional<io.tunnelstore.storage.StoredRow> got = seen.get(i);
            assertThat(got.isPresent()).as("row %d present", i).isEqualTo(want.isPresent());
            if (want.isPresent()) {
                assertThat(got.get().rowKey()).as("row %d key", i).isEqualTo(want.get().rowKey());
                assertThat(got.get().cells()).as("row %d cells", i).usingRecursiveFieldByFieldElementComparator()
                        .isEqualTo(want.get().cells());
            }
        }
    }

    private static RowDecider<Void> put(String column, long timestamp, String value) {
        return (current, versionMillis) -> RowDecider.Decision.of(new RowMutation().put(column, timestamp,
                bytes(value)), null);
    }
}
