package io.tunnelstore.server.stream;

import io.tunnelstore.storage.LogBounds;
import io.tunnelstore.storage.LogRecord;
import io.tunnelstore.storage.StorageEngine;
import java.util.List;
import java.util.Objects;

/**
 * Turns unresolved shard positions into sequence numbers: the first retained record committed at or after a time.
 * Commit times never decrease along a shard's sequence, so a binary search over the retained (dense) sequence
 * numbers finds it in O(log n) single-record reads.
 *
 * <p>Thread-safe; blocks on storage I/O.
 */
final class ShardPositions {

    private final StorageEngine storage;

    ShardPositions(StorageEngine storage) {
        this.storage = Objects.requireNonNull(storage, "storage");
    }

    /**
     * {@code position} itself when it is resolved or no retained record was committed at or after its
     * {@code notBeforeMicros} (an empty shard, or a time after the last record: the position stays a time until
     * such a record arrives), else the position of the first record committed at or after that time. A time older
     * than the oldest retained record resolves to the oldest retained record.
     */
    ShardIterator resolve(ShardIterator position, LogBounds bounds) {
        if (position.resolved() || bounds.isEmpty()) {
            return position;
        }
        long lo = bounds.firstSequence();
        long hi = bounds.lastSequence() + 1; // the answer lies in [lo, hi]; hi = "after the last record"
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            List<LogRecord> at = storage.readLog(position.tableId(), position.shardId(), mid, 1, Long.MAX_VALUE);
            if (at.isEmpty() || at.get(0).commitTimeMicros() >= position.notBeforeMicros()) {
                hi = mid; // (empty: trimmed concurrently past mid, nothing older is left)
            } else {
                lo = at.get(0).sequence() + 1;
            }
        }
        return lo > bounds.lastSequence() ? position : position.at(lo);
    }
}
