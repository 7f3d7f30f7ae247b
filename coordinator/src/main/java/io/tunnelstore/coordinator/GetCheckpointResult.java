package io.tunnelstore.coordinator;

import java.util.Objects;

/** Outcome of {@link TunnelCoordinator#getCheckpoint}. */
public sealed interface GetCheckpointResult permits GetCheckpointResult.Found, Rejection {
    /**
     * Resume position of the channel: its initial token with sequence 0 when never checkpointed,
     * {@code "finished"} when the channel is TERMINATED.
     */
    record Found(String token, long sequenceNumber) implements GetCheckpointResult {
        public Found {
            Objects.requireNonNull(token, "token");
        }
    }
}
