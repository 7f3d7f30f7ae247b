package io.tunnelstore.server.tunnel;

import java.util.Arrays;

/**
 * Where a channel's next ReadRecords starts: the decoded form of a tunnel token (PROTOCOL.md §6.1).
 *
 * <p>Values are immutable; byte arrays are copied on the way in and out.
 */
sealed interface ChannelPosition {

    /** Records consumed by the channel before this position (the token's {@code total_count}). */
    long totalCount();

    /**
     * Base-data channel position: the next row key to return (inclusive; empty = the channel's range start).
     */
    record Base(byte[] nextRowKey, long totalCount) implements ChannelPosition {
        public Base {
            nextRowKey = nextRowKey == null ? new byte[0] : nextRowKey.clone();
        }

        @Override
        public byte[] nextRowKey() {
            return nextRowKey.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Base b && b.totalCount == totalCount && Arrays.equals(b.nextRowKey, nextRowKey);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(nextRowKey) + Long.hashCode(totalCount);
        }

        @Override
        public String toString() {
            return "Base[" + java.util.HexFormat.of().formatHex(nextRowKey) + ", count=" + totalCount + "]";
        }
    }

    /**
     * Stream channel position: the next change-log sequence of a shard to return, and the commit time (µs) of the
     * last record consumed before it (0 when none) — the channel's consume point.
     */
    record Stream(long shardId, long nextSequence, long consumedUpToMicros, long totalCount)
            implements ChannelPosition {
        public Stream {
            if (nextSequence < 1) {
                throw new IllegalArgumentException("sequence numbers start at 1: " + nextSequence);
            }
        }
    }

    /**
     * A stream channel being re-baselined: it reads the current rows of its shard's key range from snapshot
     * {@code snapshotId} from {@code nextRowKey} on (empty = the range start, where the resync-begin marker is
     * sent), then continues the change log at {@code resumeSequence} (the snapshot's log position + 1).
     * {@code lostFrom..lostTo} are the trimmed sequences the re-baseline replaces.
     */
    record Resync(long shardId, long resumeSequence, String snapshotId, byte[] nextRowKey, long lostFrom,
                  long lostTo, long consumedUpToMicros, long totalCount) implements ChannelPosition {
        public Resync {
            if (resumeSequence < 1) {
                throw new IllegalArgumentException("sequence numbers start at 1: " + resumeSequence);
            }
            java.util.Objects.requireNonNull(snapshotId, "snapshotId");
            nextRowKey = nextRowKey == null ? new byte[0] : nextRowKey.clone();
        }

        @Override
        public byte[] nextRowKey() {
            return nextRowKey.clone();
        }

        /** This position moved on to {@code next} after {@code read} more records. */
        Resync advancedTo(byte[] next, long read) {
            return new Resync(shardId, resumeSequence, snapshotId, next, lostFrom, lostTo, consumedUpToMicros,
                    totalCount + read);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Resync r && r.shardId == shardId && r.resumeSequence == resumeSequence
                    && r.snapshotId.equals(snapshotId) && Arrays.equals(r.nextRowKey, nextRowKey)
                    && r.lostFrom == lostFrom && r.lostTo == lostTo && r.consumedUpToMicros == consumedUpToMicros
                    && r.totalCount == totalCount;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(shardId, resumeSequence, snapshotId, Arrays.hashCode(nextRowKey), lostFrom,
                    lostTo, totalCount);
        }
    }
}
