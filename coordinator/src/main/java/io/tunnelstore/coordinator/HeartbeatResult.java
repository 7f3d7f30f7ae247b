package io.tunnelstore.coordinator;

import java.util.List;

/** Outcome of {@link TunnelCoordinator#heartbeat}. */
public sealed interface HeartbeatResult permits HeartbeatResult.Assigned, Rejection {
    /** The authoritative list of channels listed to the caller (OPEN or CLOSING), sorted by channel id. */
    record Assigned(List<ChannelAssignment> channels) implements HeartbeatResult {
        public Assigned {
            channels = List.copyOf(channels);
        }
    }
}
