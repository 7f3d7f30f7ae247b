package io.tunnelstore.tunnel.internal;

import io.tunnelstore.protocol.tunnel.TunnelTokens;
import java.util.Objects;

/**
 * A channel's committed checkpoint as returned by GetCheckpoint.
 *
 * @param token    the resume token, or {@link TunnelTokens#FINISHED} when the channel was fully consumed
 * @param sequence the sequence number of that checkpoint; the next Checkpoint call must send sequence + 1
 */
public record CheckpointState(String token, long sequence) {
    public CheckpointState {
        Objects.requireNonNull(token, "token");
    }

    /** True when the channel has been fully consumed. */
    public boolean finished() {
        return TunnelTokens.FINISHED.equals(token);
    }
}
