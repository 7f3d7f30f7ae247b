package io.tunnelstore.storage.rocksdb;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Striped locks serializing the read-decide-write cycles of {@code mutateRow} per row. Two rows may share a stripe
 * (then they are serialized too; a single-row cycle holds exactly one stripe, a batch takes its stripes in
 * ascending order, so no cycle of waits can form). Thread-safe.
 */
final class RowLocks {
    private final ReentrantLock[] stripes;

    RowLocks(int stripeCount) {
        if (Integer.bitCount(stripeCount) != 1) {
            throw new IllegalArgumentException("stripe count must be a power of two: " + stripeCount);
        }
        stripes = new ReentrantLock[stripeCount];
        for (int i = 0; i < stripeCount; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    ReentrantLock lockFor(long tableId, byte[] rowKey) {
        return stripes[stripeOf(tableId, rowKey)];
    }

    /**
     * The stripe index of a row. A caller that holds several stripes at once ({@code mutateRows}) must take them in
     * ascending index order, so that two such callers cannot deadlock (and a single-stripe holder never waits for a
     * second stripe).
     */
    int stripeOf(long tableId, byte[] rowKey) {
        int hash = Long.hashCode(tableId) * 31 + Arrays.hashCode(rowKey);
        hash ^= hash >>> 16; // spread the high bits into the mask
        return hash & (stripes.length - 1);
    }

    ReentrantLock stripe(int index) {
        return stripes[index];
    }
}
