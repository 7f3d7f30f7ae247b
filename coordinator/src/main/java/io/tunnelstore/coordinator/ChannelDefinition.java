package io.tunnelstore.coordinator;

import java.util.List;
import java.util.Objects;

/**
 * Immutable description of a channel, fixed when the channel is added to the tunnel.
 *
 * @param channelId    unique within the tunnel (e.g. {@code BaseData_<partition>} or a stream shard id)
 * @param kind         base or stream
 * @param parentIds    for stream channels: channels that must be TERMINATED before this one is opened (split/merge
 *                     parents); ids that are not channels of the tunnel are treated as already finished. Empty for
 *                     base channels.
 * @param initialToken the token GetCheckpoint returns before the first checkpoint; opaque to the coordinator
 */
public record ChannelDefinition(String channelId, ChannelKind kind, List<String> parentIds, String initialToken) {

    public ChannelDefinition {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(initialToken, "initialToken");
        parentIds = List.copyOf(parentIds);
        if (channelId.isEmpty()) {
            throw new IllegalArgumentException("channelId must not be empty");
        }
        if (kind == ChannelKind.BASE_DATA && !parentIds.isEmpty()) {
            throw new IllegalArgumentException("base channel " + channelId + " cannot have parents");
        }
        if (parentIds.contains(channelId)) {
            throw new IllegalArgumentException("channel " + channelId + " cannot be its own parent");
        }
    }

    /** A base-data channel. */
    public static ChannelDefinition base(String channelId, String initialToken) {
        return new ChannelDefinition(channelId, ChannelKind.BASE_DATA, List.of(), initialToken);
    }

    /** A stream channel opened after all {@code parentIds} are TERMINATED. */
    public static ChannelDefinition stream(String channelId, String initialToken, List<String> parentIds) {
        return new ChannelDefinition(channelId, ChannelKind.STREAM, parentIds, initialToken);
    }
}
