package io.tunnelstore.tunnel.internal;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import java.util.Objects;

/**
 * One heartbeat channel entry: id, version (the fencing epoch; every status change increments it) and status.
 *
 * @param channelId channel id
 * @param version   non-negative version
 * @param status    status at that version
 */
public record ChannelState(String channelId, long version, ChannelStatus status) {
    public ChannelState {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(status, "status");
        if (version < 0) {
            throw new IllegalArgumentException("negative version " + version + " for channel " + channelId);
        }
    }

    /** This channel with a client-originated status change: version + 1 (TUNNEL-SEMANTICS §1.4.2). */
    public ChannelState bump(ChannelStatus newStatus) {
        return new ChannelState(channelId, version + 1, newStatus);
    }

    @Override
    public String toString() {
        return channelId + "@" + version + ":" + status;
    }
}
