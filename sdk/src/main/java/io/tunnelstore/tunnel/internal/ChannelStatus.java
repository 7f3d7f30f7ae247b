package io.tunnelstore.tunnel.internal;

/**
 * Channel status as exchanged in heartbeats (wire enum values OPEN=1 .. TERMINATED=4). This is the
 * <em>server's</em> view of a channel; the worker's own lifecycle of a channel is
 * {@code ChannelRunnerState}.
 */
public enum ChannelStatus {
    /** Assigned to this client: consume it. */
    OPEN,
    /** The server asks this client to release it: stop, checkpoint, report CLOSE with version + 1. */
    CLOSING,
    /** Released or failed; re-assignable. */
    CLOSE,
    /** Fully consumed; never assigned again. */
    TERMINATED
}
