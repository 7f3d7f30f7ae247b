package io.tunnelstore.server.table;

import io.tunnelstore.protocol.model.ColumnValue;

/**
 * One partition of a table: the range {@code [lowerInclusive, upperExclusive)} of the first primary-key column
 * ({@code null} bounds are unbounded) and the id of the change-log shard that records its row changes.
 *
 * <p>A partition created by a split (see {@link PartitionSplitter}) names the shard it came from: readers of the
 * change log must read the parent shard to its end before its children (PROTOCOL.md §4.2 {@code parent_id}).
 *
 * @param index                position of the partition in key order, from 0
 * @param lowerInclusive       first value of the partition key inside the partition, or null for the first partition
 * @param upperExclusive       first value of the next partition, or null for the last partition
 * @param shardId              change-log shard of this partition (unique within the table, never reused)
 * @param parentShardId        shard of the partition this one was split from, {@link #NO_SHARD} when none
 * @param parentSiblingShardId second parent shard (a merge of two partitions; splits never set it),
 *                             {@link #NO_SHARD} when none
 */
public record Partition(int index, ColumnValue lowerInclusive, ColumnValue upperExclusive, long shardId,
                        long parentShardId, long parentSiblingShardId) {

    /** "No shard" in the parent fields (shard ids start at 1). */
    public static final long NO_SHARD = 0;

    public Partition {
        if (shardId < 1) {
            throw new IllegalArgumentException("shard ids start at 1: " + shardId);
        }
        if (parentShardId < 0 || parentSiblingShardId < 0) {
            throw new IllegalArgumentException("negative parent shard id");
        }
    }

    /** A partition that was not split from another (created with the table). */
    public Partition(int index, ColumnValue lowerInclusive, ColumnValue upperExclusive, long shardId) {
        this(index, lowerInclusive, upperExclusive, shardId, NO_SHARD, NO_SHARD);
    }

    /** Whether a row whose first primary-key column is {@code partitionKey} belongs to this partition. */
    public boolean contains(ColumnValue partitionKey) {
        return (lowerInclusive == null || lowerInclusive.compareTo(partitionKey) <= 0)
                && (upperExclusive == null || partitionKey.compareTo(upperExclusive) < 0);
    }

    /** Whether {@code partitionKey} lies strictly inside the range (a split there leaves both halves non-empty). */
    public boolean strictlyInside(ColumnValue partitionKey) {
        return (lowerInclusive == null || lowerInclusive.compareTo(partitionKey) < 0)
                && (upperExclusive == null || partitionKey.compareTo(upperExclusive) < 0);
    }

    /** Whether the partition came from a split (or merge). */
    public boolean hasParent() {
        return parentShardId != NO_SHARD;
    }

    /** Encoded storage-key range of the partition, {@code null} meaning unbounded (see {@link KeyCodec}). */
    public byte[] startKeyInclusive() {
        return lowerInclusive == null ? null : KeyCodec.encodeValue(lowerInclusive);
    }

    /** Encoded exclusive end of the partition's storage-key range, or {@code null} for the last partition. */
    public byte[] endKeyExclusive() {
        return upperExclusive == null ? null : KeyCodec.encodeValue(upperExclusive);
    }

    Partition withIndex(int newIndex) {
        return new Partition(newIndex, lowerInclusive, upperExclusive, shardId, parentShardId, parentSiblingShardId);
    }
}
