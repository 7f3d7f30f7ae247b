package io.tunnelstore.coordinator;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import java.util.Objects;

/** One {@code Channel} entry of a heartbeat response: a channel listed to the caller (OPEN or CLOSING). */
public record ChannelAssignment(String channelId, long version, ChannelStatus status) {
    public ChannelAssignment {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(status, "status");
    }
}
