package io.tunnelstore.server.tunnel;

import io.tunnelstore.storage.LogBounds;
import io.tunnelstore.storage.LogRecord;
import io.tunnelstore.storage.StorageEngine;
import java.util.List;

/**
 * Finds where a stream channel starts reading a shard, fixed when the tunnel is created (so a BaseAndStream tunnel
 * loses no change made while its base data is read):
 * <ul>
 *   <li>{@link StreamStart.Latest}: after the shard's last record at creation time;</li>
 *   <li>{@link StreamStart.Earliest}: the oldest retained record;</li>
 *   <li>{@link StreamStart.FromTime}: the first record committed at or after the given time (binary search over
 *       the retained sequence numbers, which are dense).</li>
 * </ul>
 * On a shard without records the start is the shard's next sequence, right after its highest trimmed one
 * ({@link StorageEngine#trimmedThrough}), so a shard trimmed empty before the tunnel existed is not mistaken for a
 * data loss later.
 * Thread-safe; blocks on storage I/O.
 */
final class StreamStartResolver {
    private final StorageEngine storage;

    StreamStartResolver(StorageEngine storage) {
        this.storage = storage;
    }

    /** Where to start reading; the sequence is always ≥ 1. */
    ChannelPosition.Stream resolve(long tableId, long shardId, StreamStart start, long nowMicros) {
        LogBounds bounds = storage.logBounds(tableId, shardId);
        long nextAppend = storage.trimmedThrough(tableId, shardId) + 1; // where an empty shard continues
        if (start instanceof StreamStart.FromTime t) {
            long first = bounds.isEmpty() ? nextAppend : firstAtOrAfter(tableId, shardId, bounds, t.startMicros());
            return new ChannelPosition.Stream(shardId, first, t.startMicros(), 0);
        }
        if (start instanceof StreamStart.Earliest) {
            // consume point 0 = "everything retained is wanted"; on an empty shard, only what comes after now
            return new ChannelPosition.Stream(shardId, bounds.isEmpty() ? nextAppend : bounds.firstSequence(),
                    bounds.isEmpty() ? nowMicros : 0, 0);
        }
        return new ChannelPosition.Stream(shardId, bounds.isEmpty() ? nextAppend : bounds.lastSequence() + 1,
                nowMicros, 0);
    }

    private long firstAtOrAfter(long tableId, long shardId, LogBounds bounds, long micros) {
        long lo = bounds.firstSequence();
        long hi = bounds.lastSequence() + 1; // answer in [lo, hi]; hi = "after the last record"
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            List<LogRecord> at = storage.readLog(tableId, shardId, mid, 1, Long.MAX_VALUE);
            if (at.isEmpty()) {
                hi = mid; // trimmed concurrently past mid: nothing older is left
            } else if (at.get(0).commitTimeMicros() >= micros) {
                hi = mid;
            } else {
                lo = at.get(0).sequence() + 1;
            }
        }
        return lo;
    }

    /** Start point of a tunnel's stream channels. */
    sealed interface StreamStart {
        record Latest() implements StreamStart {}

        record Earliest() implements StreamStart {}

        record FromTime(long startMicros) implements StreamStart {}
    }
}
