package io.tunnelstore.coordinator;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import java.util.Objects;

/** One {@code Channel} entry of a heartbeat request: what the client believes about a channel. */
public record ChannelReport(String channelId, long version, ChannelStatus status) {
    public ChannelReport {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(status, "status");
    }
}
