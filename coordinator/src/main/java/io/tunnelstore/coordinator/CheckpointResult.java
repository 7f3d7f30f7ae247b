package io.tunnelstore.coordinator;

/** Outcome of {@link TunnelCoordinator#checkpoint}. */
public sealed interface CheckpointResult permits CheckpointResult.Accepted, Rejection {
    /** The checkpoint is stored; {@code sequenceNumber} is now the channel's sequence. */
    record Accepted(long sequenceNumber) implements CheckpointResult {}
}
