package io.tunnelstore.server.tunnel;

import io.tunnelstore.server.table.Partition;
import io.tunnelstore.server.table.TableDescriptor;
import io.tunnelstore.server.tunnel.TunnelDefinition.StreamChannelSpec;
import io.tunnelstore.coordinator.ChannelDefinition;
import io.tunnelstore.coordinator.TunnelType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the stream channels a running Stream/BaseAndStream tunnel lacks after partition splits: one per child shard
 * whose parent shard(s) the tunnel reads (grandchildren too, parents first). Each new channel waits for its parent
 * channels to be TERMINATED (the coordinator's rule) and starts at sequence 1 of its shard — a child shard is created
 * by the split, so nothing before that exists and nothing of it was read by the parent's channel.
 *
 * <p>Stateless; thread-safe.
 */
final class SplitChildChannels {

    /** A stream channel to add: its data layout and its coordinator definition. */
    record NewStreamChannel(StreamChannelSpec spec, ChannelDefinition channel) {}

    private SplitChildChannels() {}

    /** The channels {@code def} lacks for the shards of {@code table} (empty for BaseData tunnels). */
    static List<NewStreamChannel> missing(TunnelDefinition def, TableDescriptor table) {
        if (def.type() == TunnelType.BASE_DATA || table.tableId() != def.tableId()) {
            return List.of();
        }
        Set<Long> known = new HashSet<>();
        def.streamChannels().forEach(c -> known.add(c.shardId()));
        List<NewStreamChannel> out = new ArrayList<>();
        for (Partition shard : table.shards()) { // by shard id: a parent before its children
            if (known.contains(shard.shardId()) || !shard.hasParent() || !known.contains(shard.parentShardId())) {
                continue;
            }
            String token = TunnelTokenCodec.encode(new ChannelPosition.Stream(shard.shardId(), 1, 0, 0));
            out.add(new NewStreamChannel(
                    new StreamChannelSpec(ChannelPlanner.streamChannelId(shard.shardId()), shard.shardId()),
                    ChannelDefinition.stream(ChannelPlanner.streamChannelId(shard.shardId()), token,
                            ChannelPlanner.parentChannelIds(shard))));
            known.add(shard.shardId());
        }
        return out;
    }
}
