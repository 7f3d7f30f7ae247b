package io.tunnelstore.tunnel;

import java.util.Comparator;

/**
 * Position of a change inside a stream channel: epoch, timestamp and row index. Two records of one channel
 * compare in delivery order; use it to de-duplicate after a replay (at-least-once delivery).
 *
 * <p>{@link #serialize()} gives a fixed-width hexadecimal form whose string order equals this order, so it can
 * be stored as a sort key ({@code epoch(8):timestamp(16):rowIndex(8)}). Immutable and thread-safe.
 *
 * @param epoch     partition epoch (0 today; grows when a partition splits)
 * @param timestamp stream-log timestamp of the change (as delivered by the server)
 * @param rowIndex  index of the row among changes with the same timestamp
 */
public record SequenceInfo(int epoch, long timestamp, int rowIndex) implements Comparable<SequenceInfo> {
    private static final Comparator<SequenceInfo> ORDER = Comparator.comparingInt(SequenceInfo::epoch)
            .thenComparingLong(SequenceInfo::timestamp)
            .thenComparingInt(SequenceInfo::rowIndex);

    @Override
    public int compareTo(SequenceInfo other) {
        return ORDER.compare(this, other);
    }

    /**
     * Fixed-width lowercase hex {@code eeeeeeee:tttttttttttttttt:rrrrrrrr}. The values are offset so that
     * string order equals {@link #compareTo} order also for negative numbers.
     */
    public String serialize() {
        return String.format("%08x:%016x:%08x", epoch ^ Integer.MIN_VALUE, timestamp ^ Long.MIN_VALUE,
                rowIndex ^ Integer.MIN_VALUE);
    }

    /**
     * Parses the output of {@link #serialize()}.
     *
     * @throws IllegalArgumentException if the text is not in that form
     */
    public static SequenceInfo parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 3 || parts[0].length() != 8 || parts[1].length() != 16 || parts[2].length() != 8) {
            throw new IllegalArgumentException("not a serialized SequenceInfo: '" + text + "'");
        }
        try {
            int epoch = Integer.parseUnsignedInt(parts[0], 16) ^ Integer.MIN_VALUE;
            long timestamp = Long.parseUnsignedLong(parts[1], 16) ^ Long.MIN_VALUE;
            int rowIndex = Integer.parseUnsignedInt(parts[2], 16) ^ Integer.MIN_VALUE;
            return new SequenceInfo(epoch, timestamp, rowIndex);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a serialized SequenceInfo: '" + text + "'", e);
        }
    }

    @Override
    public String toString() {
        return "(Epoch:" + epoch + ")(Timestamp:" + timestamp + ")(RowIndex:" + rowIndex + ")";
    }
}
