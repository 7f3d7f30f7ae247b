package io.tunnelstore.server.table;

import io.tunnelstore.protocol.model.ColumnValue;

/**
 * What one committed partition split did.
 *
 * @param instanceName  instance of the table
 * @param tableName     the table
 * @param parent        the split partition; its shard is now closed
 * @param splitPoint    first partition-key value of the right child
 * @param left          child {@code [parent.lower, splitPoint)} with a new shard whose parent is the parent's shard
 * @param right         child {@code [splitPoint, parent.upper)} with a new shard whose parent is the parent's shard
 * @param parentFinalSequence sequence of the parent shard's last record (0 when it never had one)
 */
public record PartitionSplit(String instanceName, String tableName, Partition parent, ColumnValue splitPoint,
                             Partition left, Partition right, long parentFinalSequence) {}
