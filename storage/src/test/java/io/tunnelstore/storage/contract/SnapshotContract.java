package io.tunnelstore.storage.contract;

import static io.tunnelstore.storage.contract.TestRows.applyLogged;
import static io.tunnelstore.storage.contract.TestRows.bytes;
import static io.tunnelstore.storage.contract.TestRows.describe;
import static io.tunnelstore.storage.contract.TestRows.drain;
import static io.tunnelstore.storage.contract.TestRows.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.RowDecider;
import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.RowScanner;
import io.tunnelstore.storage.ScanRange;
import io.tunnelstore.storage.StorageException;
import io.tunnelstore.storage.StorageSnapshot;
import io.tunnelstore.storage.StoredRow;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Durable snapshots: point-in-time rows, log positions consistent with the rows, restart survival, drop. For engines
 * whose {@link io.tunnelstore.storage.StorageEngine#supportsSnapshots()} is true.
 */
public abstract class SnapshotContract extends EngineContractBase {
    private static final long TABLE = 9;
    private static final ScanRange ALL = new ScanRange(null, null, false);

    private void put(String row, String value, long shard) {
        applyLogged(engine, TABLE, bytes(row), new RowMutation().put("c", 1, bytes(value)), shard, bytes(value));
    }

    private List<String> rows(StorageSnapshot s) {
        return drain(s.scan(TABLE, ALL, ReadSpec.latest())).stream()
                .map(r -> text(r.rowKey()) + ":" + describe(r)).toList();
    }

    /** Checks that nothing of a dropped snapshot is left in the engine's storage. */
    protected abstract void assertSnapshotStorageFreed(String id);

    /** How many snapshots {@link #logPositionMatchesTheRowsUnderConcurrentWrites} takes under load. */
    protected int concurrentSnapshotRounds() {
        return 8;
    }

    @Test
    void snapshotShowsTheRowsAndLogPositionsOfItsInstantAndSurvivesARestart() {
        put("a", "1", 0);
        put("b", "1", 1);
        put("a", "2", 0);
        StorageSnapshot s = engine.createSnapshot("s1");
        put("a", "3", 0);
        put("c", "1", 1);
        applyLogged(engine, TABLE, bytes("b"), new RowMutation().deleteRow(), 1, bytes("del"));

        assertThat(rows(s)).containsExactly("a:[c@1=2]", "b:[c@1=1]");
        assertThat(s.logPosition(TABLE, 0)).isEqualTo(2);
        assertThat(s.logPosition(TABLE, 1)).isEqualTo(1);
        assertThat(s.logPosition(TABLE, 7)).isZero();
        assertThat(s.createdAtMillis()).isEqualTo(START.toEpochMilli());
        assertThat(engine.snapshotIds()).containsExactly("s1");

        reopen();
        StorageSnapshot again = engine.snapshot("s1").orElseThrow();
        assertThat(rows(again)).containsExactly("a:[c@1=2]", "b:[c@1=1]");
        assertThat(again.logPosition(TABLE, 0)).isEqualTo(2);
        assertThat(engine.snapshot("nope")).isEmpty();
        // the live table moved on
        assertThat(drain(engine.scan(TABLE, ALL, ReadSpec.latest())).stream().map(r -> text(r.rowKey())))
                .containsExactly("a", "c");
    }

    @Test
    void trimWatermarkCountsAsThePositionOfAShardTrimmedEmpty() {
        put("a", "1", 0);
        put("a", "2", 0);
        clock.advance(java.time.Duration.ofSeconds(1));
        engine.trimLog(TABLE, 0, clock.micros());
        assertThat(engine.createSnapshot("t").logPosition(TABLE, 0)).isEqualTo(2);
    }

    @Test
    void dropRemovesTheSnapshotAndFailsReadsOnIt() throws Exception {
        put("a", "1", 0);
        StorageSnapshot s = engine.createSnapshot("gone");
        RowScanner open = s.scan(TABLE, ALL, ReadSpec.latest());
        engine.dropSnapshot("gone");
        assertThatThrownBy(open::hasNext).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> s.logPosition(TABLE, 0)).isInstanceOf(StorageException.class);
        assertThat(engine.snapshot("gone")).isEmpty();
        assertThat(engine.snapshotIds()).isEmpty();
        assertSnapshotStorageFreed("gone");
        engine.dropSnapshot("gone"); // idempotent
    }

    @Test
    void idsAreValidatedAndUnique() {
        engine.createSnapshot("x-1.a_b");
        assertThatThrownBy(() -> engine.createSnapshot("x-1.a_b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already exists");
        assertThatThrownBy(() -> engine.createSnapshot("../up")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> engine.createSnapshot("")).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Writers keep incrementing counter rows (one per shard, each increment logged with the new value) while
     * snapshots are taken: in every snapshot, each counter equals its shard's log position — no change is in the
     * rows without being at or below the position, nor the other way round.
     */
    @Test
    void logPositionMatchesTheRowsUnderConcurrentWrites() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> writers = new java.util.ArrayList<>();
        for (int shard = 0; shard < 3; shard++) {
            long sh = shard;
            Thread w = new Thread(() -> {
                while (!stop.get()) {
                    engine.mutateRow(TABLE, bytes("k" + sh), (current, versionMillis) -> {
                        long next = current.map(SnapshotContract::counter).orElse(0L) + 1;
                        return new RowDecider.Decision<>(
                                new RowMutation().put("c", 1, bytes(Long.toString(next))), sh,
                                bytes(Long.toString(next)), null);
                    });
                }
            });
            writers.add(w);
            w.start();
        }
        try {
            for (int i = 0; i < concurrentSnapshotRounds(); i++) {
                StorageSnapshot s = engine.createSnapshot("c" + i);
                for (StoredRow row : drain(s.scan(TABLE, ALL, ReadSpec.latest()))) {
                    long shard = Long.parseLong(text(row.rowKey()).substring(1));
                    assertThat(counter(row)).isEqualTo(s.logPosition(TABLE, shard));
                }
                engine.dropSnapshot("c" + i);
            }
        } finally {
            stop.set(true);
            for (Thread w : writers) {
                w.join();
            }
        }
    }

    private static long counter(StoredRow row) {
        return Long.parseLong(text(row.cells().get(0).value()));
    }
}
