package io.tunnelstore.server.table;

import io.tunnelstore.protocol.model.ColumnValue;

/**
 * One partition of a table: the range {@code [lowerInclusive, upperExclusive)} of the first primary-key column
 * ({@code null} bounds are unbounded) and the id of the change-log shard that records its row changes.
 *
 * @param index          position of the partition in key order, from 0
 * @param lowerInclusive first value of the partition key inside the partition, or null for the first partition
 * @param upperExclusive first value of the next partition, or null for the last partition
 * @param shardId        change-log shard of this partition (unique within the table)
 */
public record Partition(int index, ColumnValue lowerInclusive, ColumnValue upperExclusive, long shardId) {

    /** Whether a row whose first primary-key column is {@code partitionKey} belongs to this partition. */
    public boolean contains(ColumnValue partitionKey) {
        return (lowerInclusive == null || lowerInclusive.compareTo(partitionKey) <= 0)
                && (upperExclusive == null || partitionKey.compareTo(upperExclusive) < 0);
    }

    /** Encoded storage-key range of the partition, {@code null} meaning unbounded (see {@link KeyCodec}). */
    public byte[] startKeyInclusive() {
        return lowerInclusive == null ? null : KeyCodec.encodeValue(lowerInclusive);
    }

    /** Encoded exclusive end of the partition's storage-key range, or {@code null} for the last partition. */
    public byte[] endKeyExclusive() {
        return upperExclusive == null ? null : KeyCodec.encodeValue(upperExclusive);
    }
}
