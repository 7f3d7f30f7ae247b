package io.tunnelstore.storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * Exact per-row locks serializing the read-decide-write cycles of {@code mutateRow} and {@code mutateRows} in the
 * engines (RocksDB and HBase): a row is locked by inserting its key into a concurrent map, so two different rows never
 * wait for each other.
 *
 * <p>Why not lock stripes: a lock is held until the row's commit is durable (one WAL fsync), and a 200-row batch
 * needs 200 locks at once. With 1,024 stripes, two concurrent 200-row batches of different rows shared a stripe
 * almost surely, so concurrent batches ran one fsync after the other instead of sharing one group commit (8 writer
 * threads were no faster than 1; docs/BENCHMARKS.md, scenario 1).
 *
 * <p>Deadlock freedom: a single-row holder holds one lock; a batch takes its rows' locks in ascending order of
 * (table id, unsigned key bytes) via {@link #lockAll}, so no cycle of waits can form. Not reentrant: a thread must
 * not lock a row it already holds. Waiting is uninterruptible, like {@link java.util.concurrent.locks.Lock#lock}.
 * Thread-safe.
 */
public final class RowLocks {
    /** A row's identity in the lock map: table id and key bytes, compared by content. */
    private static final class RowId {
        final long tableId;
        final byte[] key;
        private final int hash;

        RowId(long tableId, byte[] key) {
            this.tableId = tableId;
            this.key = key;
            this.hash = Long.hashCode(tableId) * 31 + Arrays.hashCode(key);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RowId other && other.tableId == tableId && Arrays.equals(other.key, key);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private static final Comparator<RowId> ORDER = Comparator.<RowId>comparingLong(id -> id.tableId)
            .thenComparing((a, b) -> Arrays.compareUnsigned(a.key, b.key));

    /** Locked rows; the latch opens when the holder releases the row. */
    private final ConcurrentHashMap<RowId, CountDownLatch> locked = new ConcurrentHashMap<>();

    /** Rows held by one caller; {@link #close} releases them. */
    public final class Held implements AutoCloseable {
        private final List<RowId> rows;
        private boolean released;

        private Held(List<RowId> rows) {
            this.rows = rows;
        }

        /** Releases every row held (idempotent). */
        @Override
        public void close() {
            if (released) {
                return;
            }
            released = true;
            for (int i = rows.size() - 1; i >= 0; i--) {
                release(rows.get(i));
            }
        }
    }

    /** Locks one row, waiting while another caller holds it. The key must not change while held. */
    public Held lock(long tableId, byte[] rowKey) {
        RowId id = new RowId(tableId, rowKey);
        acquire(id);
        return new Held(List.of(id));
    }

    /**
     * Locks every row of {@code rowKeys} (distinct keys of one table) in ascending key order. If taking a lock
     * fails, the ones taken are released. The keys must not change while held.
     *
     * @throws IllegalArgumentException if a key repeats
     */
    public Held lockAll(long tableId, List<byte[]> rowKeys) {
        List<RowId> ids = new ArrayList<>(rowKeys.size());
        for (byte[] key : rowKeys) {
            ids.add(new RowId(tableId, key));
        }
        ids.sort(ORDER);
        for (int i = 1; i < ids.size(); i++) {
            if (ids.get(i).equals(ids.get(i - 1))) {
                throw new IllegalArgumentException("row key repeats in one lockAll call");
            }
        }
        List<RowId> taken = new ArrayList<>(ids.size());
        Held held = new Held(taken);
        try {
            for (RowId id : ids) {
                acquire(id);
                taken.add(id);
            }
        } catch (RuntimeException | Error e) {
            held.close();
            throw e;
        }
        return held;
    }

    /** Number of rows locked right now (tests). */
    public int lockedRows() {
        return locked.size();
    }

    private void acquire(RowId id) {
        CountDownLatch mine = new CountDownLatch(1);
        boolean interrupted = false;
        while (true) {
            CountDownLatch holder = locked.putIfAbsent(id, mine);
            if (holder == null) {
                break;
            }
            try {
                holder.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void release(RowId id) {
        CountDownLatch latch = locked.remove(id);
        if (latch == null) {
            throw new IllegalStateException("released a row that was not locked");
        }
        latch.countDown();
    }
}
