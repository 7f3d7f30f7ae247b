package io.tunnelstore.storage.hbase;

import static io.tunnelstore.storage.contract.TestRows.bytes;
import static io.tunnelstore.storage.contract.TestRows.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.storage.FencedException;
import io.tunnelstore.storage.LogRecord;
import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.MutationResult;
import io.tunnelstore.storage.OwnershipFencing;
import io.tunnelstore.storage.OwnershipFencing.FencedWrites;
import io.tunnelstore.storage.OwnershipFencing.OwnerEpoch;
import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.RowBatchEntry;
import io.tunnelstore.storage.RowDecider;
import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.StorageOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Partition ownership epochs and fenced writes on HBase (docs/scale-out.md): two engines on the same HBase table play
 * two nodes; whichever took a partition last is the only one that can commit to it.
 */
class HBaseFencingTest {
    private static final long TABLE = 11;
    private static final long P1 = 1;
    private static final long P2 = 2;

    /** A decider putting {@code value} into column c and logging {@code value} to shard {@code shard}. */
    private static RowDecider<Void> logged(long shard, String value) {
        return (current, versionMillis) -> new RowDecider.Decision<>(new RowMutation().put("c", 1, bytes(value)),
                shard, bytes(value), null);
    }

    private static List<String> log(HBaseStorageEngine engine, long shard) {
        return engine.readLog(TABLE, shard, 1, 1000, Long.MAX_VALUE).stream().map(r -> text(r.payload())).toList();
    }

    @Test
    void takingRaisesTheEpochByOneAndRecordsTheOwner() {
        MiniHBase.TestTable store = new MiniHBase.TestTable();
        try (HBaseStorageEngine engine = store.open(StorageOptions.defaults())) {
            OwnershipFencing fencing = engine.fencing().orElseThrow();
            assertThat(fencing.current(TABLE, P1)).isEmpty();
            assertThat(fencing.take(TABLE, P1, "node-a")).isEqualTo(1);
            assertThat(fencing.take(TABLE, P1, "node-b")).isEqualTo(2);
            assertThat(fencing.current(TABLE, P1)).contains(new OwnerEpoch(2, "node-b"));
            assertThat(fencing.current(TABLE, P2)).isEmpty();
        }
    }

    @Test
    void aPartitionClosedByASplitRefusesItsOwnersWritesAndEveryLaterTake() {
        MiniHBase.TestTable store = new MiniHBase.TestTable();
        try (HBaseStorageEngine owner = store.open(StorageOptions.defaults());
                HBaseStorageEngine splitter = store.open(StorageOptions.defaults())) {
            OwnershipFencing ownerFencing = owner.fencing().orElseThrow();
            OwnershipFencing splitterFencing = splitter.fencing().orElseThrow();
            long epoch = ownerFencing.take(TABLE, P1, "node-a");
            FencedWrites writes = ownerFencing.writes(TABLE, Map.of(P1, epoch));
            assertThat(writes.mutateRow(bytes("r1"), logged(P1, "before")).sequence()).isEqualTo(1);
            assertThat(splitterFencing.isClosed(TABLE, P1)).isFalse();

            // the catalog owner (another node) splits the partition: it closes the parent first
            assertThat(splitterFencing.close(TABLE, P1, "node-b")).isEqualTo(epoch + 1);
            assertThat(ownerFencing.isClosed(TABLE, P1)).isTrue();
            assertThat(ownerFencing.current(TABLE, P1)).contains(new OwnerEpoch(epoch + 1, "node-b"));
            // closing again changes nothing
            assertThat(splitterFencing.close(TABLE, P1, "node-c")).isEqualTo(epoch + 1);

            // the owner, its layout not yet reloaded, writes the parent: refused, nothing written
            assertThatThrownBy(() -> writes.mutateRow(bytes("r2"), logged(P1, "after")))
                    .isInstanceOf(FencedException.class);
            // nor can it (or anyone) take the parent again to write it under a new epoch
            assertThatThrownBy(() -> ownerFencing.take(TABLE, P1, "node-a"))
                    .isInstanceOfSatisfying(FencedException.class, e -> {
                        assertThat(e.tableId()).isEqualTo(TABLE);
                        assertThat(e.partitionId()).isEqualTo(P1);
                    })
                    .hasMessage("partition 1 of table 11 was closed by a split (epoch 2): write to its children");
            assertThat(ownerFencing.current(TABLE, P1)).contains(new OwnerEpoch(epoch + 1, "node-b"));
            assertThat(log(splitter, P1)).containsExactly("before");
            assertThat(splitter.readRow(TABLE, bytes("r2"), ReadSpec.latest())).isEmpty();
            // the children are ordinary partitions
            assertThat(ownerFencing.isClosed(TABLE, P2)).isFalse();
            assertThat(ownerFencing.take(TABLE, P2, "node-a")).isEqualTo(1);
        }
    }

    @Test
    void aDeposedOwnerCannotCommitAndTheNewOwnerContinuesTheLog() {
        MiniHBase.TestTable store = new MiniHBase.TestTable();
        try (HBaseStorageEngine a = store.open(StorageOptions.defaults());
                HBaseStorageEngine b = store.open(StorageOptions.defaults())) {
            long epochA = a.fencing().orElseThrow().take(TABLE, P1, "node-a");
            FencedWrites writesA = a.fencing().orElseThrow().writes(TABLE, Map.of(P1, epochA));
            assertThat(writesA.mutateRow(bytes("r1"), logged(P1, "a1")).sequence()).isEqualTo(1);

            long epochB = b.fencing().orElseThrow().take(TABLE, P1, "node-b");
            assertThat(epochB).isEqualTo(epochA + 1);

            // node a still believes it owns P1 (a paused process): its commit is refused as a whole
            assertThatThrownBy(() -> writesA.mutateRow(bytes("r2"), logged(P1, "a2")))
                    .isInstanceOfSatisfying(FencedException.class, e -> {
                        assertThat(e.tableId()).isEqualTo(TABLE);
                        assertThat(e.partitionId()).isEqualTo(P1);
                    })
                    .hasMessage("ownership of partition 1 of table 11 moved: epoch 1 is no longer current (epoch 2 "
                            + "taken by node-b); nothing was written");
            // also a write that logs nothing (a table without a stream) is refused
            assertThatThrownBy(() -> writesA.mutateRow(bytes("r3"),
                    (current, versionMillis) -> RowDecider.Decision.of(new RowMutation().put("c", 1, bytes("x")),
                            null))).isInstanceOf(FencedException.class);
            assertThat(b.readRow(TABLE, bytes("r2"), ReadSpec.latest())).isEmpty();
            assertThat(b.readRow(TABLE, bytes("r3"), ReadSpec.latest())).isEmpty();
            assertThat(log(b, P1)).containsExactly("a1");

            FencedWrites writesB = b.fencing().orElseThrow().writes(TABLE, Map.of(P1, epochB));
            assertThat(writesB.mutateRow(bytes("r2"), logged(P1, "b2")).sequence()).isEqualTo(2);
            assertThat(log(a, P1)).containsExactly("a1", "b2");

            // node a takes the partition back: its cached counter (1) was dropped, it continues at 3
            long again = a.fencing().orElseThrow().take(TABLE, P1, "node-a");
            assertThat(a.fencing().orElseThrow().writes(TABLE, Map.of(P1, again))
                    .mutateRow(bytes("r4"), logged(P1, "a4")).sequence()).isEqualTo(3);
            assertThatThrownBy(() -> writesB.mutateRow(bytes("r5"), logged(P1, "b5")))
                    .isInstanceOf(FencedException.class);
            assertThat(log(b, P1)).containsExactly("a1", "b2", "a4");
        }
    }

    @Test
    void aBatchOverTwoPartitionsIsRefusedWholeWhenOneOfThemMoved() {
        MiniHBase.TestTable store = new MiniHBase.TestTable();
        try (HBaseStorageEngine a = store.open(StorageOptions.defaults());
                HBaseStorageEngine b = store.open(StorageOptions.defaults())) {
            long e1 = a.fencing().orElseThrow().take(TABLE, P1, "node-a");
            long e2 = a.fencing().orElseThrow().take(TABLE, P2, "node-a");
            FencedWrites writes = a.fencing().orElseThrow().writes(TABLE, Map.of(P1, e1, P2, e2));
            List<RowBatchEntry<Void>> batch = List.of(new RowBatchEntry<>(bytes("x1"), logged(P1, "x1")),
                    new RowBatchEntry<>(bytes("x2"), logged(P2, "x2")));
            assertThat(writes.mutateRows(batch)).extracting(o -> o.result().sequence()).containsExactly(1L, 1L);

            b.fencing().orElseThrow().take(TABLE, P2, "node-b");
            List<RowBatchEntry<Void>> next = List.of(new RowBatchEntry<>(bytes("y1"), logged(P1, "y1")),
                    new RowBatchEntry<>(bytes("y2"), logged(P2, "y2")));
            assertThatThrownBy(() -> writes.mutateRows(next)).isInstanceOfSatisfying(FencedException.class,
                    e -> assertThat(e.partitionId()).isEqualTo(P2));
            assertThat(b.readRow(TABLE, bytes("y1"), ReadSpec.latest())).isEmpty();
            assertThat(b.readRow(TABLE, bytes("y2"), ReadSpec.latest())).isEmpty();
            assertThat(log(b, P1)).containsExactly("x1");
            assertThat(log(b, P2)).containsExactly("x2");
        }
    }

    @Test
    void aRecordForAPartitionTheWriterDoesNotHoldIsRefusedBeforeWriting() {
        MiniHBase.TestTable store = new MiniHBase.TestTable();
        try (HBaseStorageEngine a = store.open(StorageOptions.defaults())) {
            long e1 = a.fencing().orElseThrow().take(TABLE, P1, "node-a");
            FencedWrites writes = a.fencing().orElseThrow().writes(TABLE, Map.of(P1, e1));
            assertThatThrownBy(() -> writes.mutateRow(bytes("z"), logged(P2, "z")))
                    .isInstanceOf(FencedException.class)
                    .hasMessage("partition 2 of table 11 is not held by this writer (it holds [1]); nothing was written");
            assertThat(a.readRow(TABLE, bytes("z"), ReadSpec.latest())).isEmpty();
            assertThat(log(a, P2)).isEmpty();
            assertThatThrownBy(() -> a.fencing().orElseThrow().writes(TABLE, Map.of()))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void concurrentTakersEachGetADifferentEpoch() throws Exception {
        MiniHBase.TestTable store = new MiniHBase.TestTable();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (HBaseStorageEngine a = store.open(StorageOptions.defaults());
                HBaseStorageEngine b = store.open(StorageOptions.defaults())) {
            List<Future<Long>> takes = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                HBaseStorageEngine engine = i % 2 == 0 ? a : b;
                String node = i % 2 == 0 ? "node-a" : "node-b";
                takes.add(pool.submit(() -> engine.fencing().orElseThrow().take(TABLE, P1, node)));
            }
            List<Long> epochs = new ArrayList<>();
            for (Future<Long> f : takes) {
                epochs.add(f.get(60, TimeUnit.SECONDS));
            }
            Collections.sort(epochs);
            assertThat(epochs).containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
            assertThat(a.fencing().orElseThrow().current(TABLE, P1).orElseThrow().epoch()).isEqualTo(20);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTunnelsMetadataIsWrittenOnlyUnderItsCurrentEpoch() {
        MiniHBase.TestTable store = new MiniHBase.TestTable();
        try (HBaseStorageEngine a = store.open(StorageOptions.defaults());
                HBaseStorageEngine b = store.open(StorageOptions.defaults())) {
            OwnershipFencing fa = a.fencing().orElseThrow();
            OwnershipFencing fb = b.fencing().orElseThrow();
            assertThat(fa.currentResource("tunnel/t1")).isEmpty();
            long ea = fa.takeResource("tunnel/t1", "node-a");
            assertThat(ea).isEqualTo(1);
            fa.writeMeta("tunnel/t1", ea, new MetaBatch().put("tunnel/t1/state", bytes("v1")));
            assertThat(b.getMeta("tunnel/t1/state")).hasValueSatisfying(v -> assertThat(text(v)).isEqualTo("v1"));

            long eb = fb.takeResource("tunnel/t1", "node-b");
            assertThat(fb.currentResource("tunnel/t1")).contains(new OwnerEpoch(2, "node-b"));
            assertThatThrownBy(() -> fa.writeMeta("tunnel/t1", ea, new MetaBatch().put("tunnel/t1/state",
                    bytes("stale")).put("tunnel/t1/other", bytes("stale"))))
                    .isInstanceOfSatisfying(FencedException.class,
                            e -> assertThat(e.resource()).isEqualTo("tunnel/t1"))
                    .hasMessage("ownership of tunnel/t1 moved: epoch 1 is no longer current (epoch 2 taken by "
                            + "node-b); nothing was written");
            assertThat(a.getMeta("tunnel/t1/state")).hasValueSatisfying(v -> assertThat(text(v)).isEqualTo("v1"));
            assertThat(a.getMeta("tunnel/t1/other")).isEmpty();

            fb.writeMeta("tunnel/t1", eb, new MetaBatch().put("tunnel/t1/state", bytes("v2")));
            assertThat(a.getMeta("tunnel/t1/state")).hasValueSatisfying(v -> assertThat(text(v)).isEqualTo("v2"));
            // the epoch cells are not metadata entries: a scan of the metadata does not list them
            assertThat(a.scanMeta("")).extracting(e -> e.key()).doesNotContain("tunnelstore.owner/tunnel/t1");
            // another resource's epoch is independent
            assertThat(fa.takeResource("catalog", "node-a")).isEqualTo(1);
            assertThatThrownBy(() -> fa.takeResource("", "node-a")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /**
     * Node a writes continuously; node b takes the partition in the middle. Every write a had acknowledged is
     * visible to b, nothing a attempted after the take is stored, and the log has no gap or duplicate.
     */
    @Test
    void aTakeoverDuringContinuousWritesLosesNoAcknowledgedWriteAndStoresNoLaterOne() throws Exception {
        MiniHBase.TestTable store = new MiniHBase.TestTable();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (HBaseStorageEngine a = store.open(StorageOptions.defaults());
                HBaseStorageEngine b = store.open(StorageOptions.defaults())) {
            long epochA = a.fencing().orElseThrow().take(TABLE, P1, "node-a");
            FencedWrites writesA = a.fencing().orElseThrow().writes(TABLE, Map.of(P1, epochA));
            List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger attempted = new AtomicInteger();
            CountDownLatch fiveWritten = new CountDownLatch(5);
            Future<Throwable> stopped = writer.submit(() -> {
                for (int i = 0; ; i++) {
                    String value = "a" + i;
                    attempted.set(i + 1);
                    try {
                        writesA.mutateRow(bytes("k" + i), logged(P1, value));
                    } catch (FencedException e) {
                        return e;
                    }
                    acknowledged.add(value);
                    fiveWritten.countDown();
                }
            });
            assertThat(fiveWritten.await(60, TimeUnit.SECONDS)).isTrue();
            long epochB = b.fencing().orElseThrow().take(TABLE, P1, "node-b");
            assertThat(stopped.get(60, TimeUnit.SECONDS)).isInstanceOf(FencedException.class);

            int refusedIndex = attempted.get() - 1;
            assertThat(acknowledged).hasSize(refusedIndex);
            assertThat(b.readRow(TABLE, bytes("k" + refusedIndex), ReadSpec.latest())).isEmpty();
            MutationResult<Void> first = b.fencing().orElseThrow().writes(TABLE, Map.of(P1, epochB))
                    .mutateRow(bytes("kb"), logged(P1, "b"));
            List<String> expected = new ArrayList<>(acknowledged);
            expected.add("b");
            List<LogRecord> records = b.readLog(TABLE, P1, 1, 10_000, Long.MAX_VALUE);
            assertThat(records).extracting(r -> text(r.payload())).containsExactlyElementsOf(expected);
            assertThat(records).extracting(LogRecord::sequence)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, expected.size()).boxed().toList());
            assertThat(first.sequence()).isEqualTo(expected.size());
            for (int i = 0; i < refusedIndex; i++) {
                assertThat(b.readRow(TABLE, bytes("k" + i), ReadSpec.latest())).isPresent();
            }
        } finally {
            writer.shutdownNow();
        }
    }
}
