package io.tunnelstore.coordinator;

import io.tunnelstore.protocol.tunnel.ChannelStatus;

/** Outcome of {@link TunnelCoordinator#schedule}. */
public sealed interface ScheduleResult permits ScheduleResult.Scheduled, Rejection {
    /**
     * The request is applied. {@code status} and {@code version} are the channel's state right after the call
     * (a suspended channel whose owner has not handed it back yet is CLOSING; unowned channels are WAIT or CLOSE).
     */
    record Scheduled(String channelId, ChannelStatus status, long version, boolean suspended)
            implements ScheduleResult {}
}
