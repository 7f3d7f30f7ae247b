package io.tunnelstore.tunnel.internal;

import java.util.Objects;

/**
 * A channel's committed checkpoint as returned by GetCheckpoint.
 *
 * @param token    the resume token, or {@link #FINISHED} when the channel was fully consumed
 * @param sequence the sequence number of that checkpoint; the next Checkpoint call must send sequence + 1
 */
public record CheckpointState(String token, long sequence) {
    /** Sentinel token (wire literal) of a fully consumed channel. */
    public static final String FINISHED = "finished";

    public CheckpointState {
        Objects.requireNonNull(token, "token");
    }

    /** True when the channel has been fully consumed. */
    public boolean finished() {
        return FINISHED.equals(token);
    }
}
