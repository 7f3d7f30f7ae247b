package io.tunnelstore.protocol.model;

import java.util.Comparator;

/**
 * Position of a change in a stream (the PlainBuffer row extension, PROTOCOL.md §5.7): epoch, timestamp
 * (the public service uses microseconds) and index within the timestamp. Ordered lexicographically.
 */
public record SequenceInfo(int epoch, long timestamp, int rowIndex) implements Comparable<SequenceInfo> {

    private static final Comparator<SequenceInfo> ORDER = Comparator.comparingInt(SequenceInfo::epoch)
            .thenComparingLong(SequenceInfo::timestamp)
            .thenComparingInt(SequenceInfo::rowIndex);

    @Override
    public int compareTo(SequenceInfo other) {
        return ORDER.compare(this, other);
    }
}
