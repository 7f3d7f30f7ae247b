package io.tunnelstore.server.table;

import java.util.Objects;

/**
 * A change-log shard that receives no more records because its partition was split: its rows now belong to the
 * child partitions, whose shards name it as their parent. The shard's retained records stay readable until the
 * stream retention trims them; a reader that reaches its end has read all of it.
 *
 * @param partition     the partition as it was when it was closed (range, shard id, its own parents)
 * @param finalSequence sequence number of the shard's last record ({@code 0} when it never had one); no record
 *                      with a higher sequence will ever exist in the shard
 * @param closedAtMillis when the split committed
 */
public record ClosedShard(Partition partition, long finalSequence, long closedAtMillis) {

    public ClosedShard {
        Objects.requireNonNull(partition, "partition");
        if (finalSequence < 0) {
            throw new IllegalArgumentException("negative final sequence " + finalSequence);
        }
    }

    public long shardId() {
        return partition.shardId();
    }
}
