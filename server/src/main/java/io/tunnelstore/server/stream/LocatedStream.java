package io.tunnelstore.server.stream;

import io.tunnelstore.server.table.Partition;
import io.tunnelstore.server.table.TableDescriptor;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A stream found by its id, with the table that owns it.
 *
 * <p>A stream is <em>open</em> while its table's stream is enabled: its shards receive new records. Once the stream
 * is disabled it is <em>closed</em>: nothing is appended any more (the table writes no change record while its
 * stream is disabled), so a reader that reaches the end of a shard has read all of it. A stream exists as long as
 * its table's descriptor names it; re-enabling gives the table a new stream id and the old stream disappears.
 *
 * <p>Immutable (a snapshot: later catalog changes are not reflected).
 *
 * @param table the table (a snapshot of its descriptor)
 */
record LocatedStream(TableDescriptor table) {

    String streamId() {
        return table.stream().streamId();
    }

    boolean open() {
        return table.stream().enabled();
    }

    /** When the stream was enabled, in µs: records committed earlier belong to an older stream of the table. */
    long enabledAtMicros() {
        return table.stream().lastEnableTimeMillis() * 1000;
    }

    /**
     * The shards, open and closed (split parents), ordered by shard number: parents before children, since a split's
     * children get higher numbers.
     */
    List<Partition> shards() {
        return table.shards().stream().sorted(Comparator.comparingLong(Partition::shardId)).toList();
    }

    /** Whether the shard was closed by a partition split: nothing is appended to it any more. */
    boolean shardClosed(long shardId) {
        return table.isShardClosed(shardId);
    }

    Optional<Partition> shard(long shardId) {
        return table.partitionByShard(shardId);
    }
}
