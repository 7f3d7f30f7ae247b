package io.tunnelstore.server.tunnel;

import io.tunnelstore.server.table.Partition;
import io.tunnelstore.server.table.TableDescriptor;
import io.tunnelstore.server.tunnel.TunnelDefinition.BaseChannelSpec;
import io.tunnelstore.server.tunnel.TunnelDefinition.StreamChannelSpec;
import io.tunnelstore.storage.ScanRange;
import io.tunnelstore.storage.StorageEngine;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays out the channels of a new tunnel:
 * <ul>
 *   <li>base channels: one per table partition, a large partition further cut at
 *       {@link StorageEngine#estimatedSplitKeys} points of about {@code targetBytes} so it is read in parallel; ids
 *       {@code BaseData_<partition>-<piece>} (zero-padded so id order is key order);</li>
 *   <li>stream channels: one per change-log shard, id {@code Stream_<shardId>}: the shards of the partitions and
 *       the closed shards of split partitions, each child with its parent shards' channels as parents (so it opens
 *       only after they are TERMINATED). Shards created by later splits are added at runtime
 *       ({@link SplitChildChannels}).</li>
 * </ul>
 * Base channels are key ranges of the rows, independent of the partition layout, so a split during the base phase
 * changes nothing for them.
 * Stateless apart from the engine; thread-safe; blocks on storage I/O.
 */
final class ChannelPlanner {
    private final StorageEngine storage;
    private final long targetBytes;

    ChannelPlanner(StorageEngine storage, long targetBytes) {
        this.storage = storage;
        this.targetBytes = targetBytes;
    }

    List<BaseChannelSpec> baseChannels(TableDescriptor table) {
        List<BaseChannelSpec> channels = new ArrayList<>();
        for (Partition p : table.partitions()) {
            byte[] start = p.startKeyInclusive();
            byte[] end = p.endKeyExclusive();
            List<byte[]> cuts = storage.estimatedSplitKeys(table.tableId(), new ScanRange(start, end, false),
                    targetBytes);
            byte[] pieceStart = start;
            int piece = 0;
            for (byte[] cut : cuts) {
                channels.add(new BaseChannelSpec(baseId(p.index(), piece++), new KeyRange(pieceStart, cut)));
                pieceStart = cut;
            }
            channels.add(new BaseChannelSpec(baseId(p.index(), piece), new KeyRange(pieceStart, end)));
        }
        return channels;
    }

    static List<StreamChannelSpec> streamChannels(TableDescriptor table) {
        return table.shards().stream()
                .map(p -> new StreamChannelSpec(streamChannelId(p.shardId()), p.shardId()))
                .toList();
    }

    static String streamChannelId(long shardId) {
        return "Stream_" + shardId;
    }

    /** Channel ids of the shard's parent shards (split parent; merge sibling), empty for an original shard. */
    static List<String> parentChannelIds(Partition shard) {
        List<String> parents = new ArrayList<>(2);
        if (shard.parentShardId() != Partition.NO_SHARD) {
            parents.add(streamChannelId(shard.parentShardId()));
        }
        if (shard.parentSiblingShardId() != Partition.NO_SHARD) {
            parents.add(streamChannelId(shard.parentSiblingShardId()));
        }
        return parents;
    }

    private static String baseId(int partition, int piece) {
        return String.format("BaseData_%04d-%04d", partition, piece);
    }
}
