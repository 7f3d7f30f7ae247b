package io.tunnelstore.coordinator;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import io.tunnelstore.protocol.tunnel.TunnelTokens;
import java.util.Objects;

/**
 * Immutable server-side state of one channel. The coordinator replaces the whole value on every change.
 *
 * @param status               current status (OPEN and CLOSING imply an owner; the others imply none)
 * @param version              fencing epoch; never decreases
 * @param ownerClientId        client the channel is listed to, or {@code null}
 * @param checkpointToken      last accepted checkpoint, or the channel's initial token
 * @param checkpointSequence   sequence number of the last accepted checkpoint (0 = never checkpointed)
 * @param consumedCount        rows consumed up to the last accepted checkpoint (the count its token carries), so a
 *                             re-delivered batch is not counted twice
 * @param lastCheckpointMillis time of the last accepted checkpoint, 0 if none
 * @param rpoMillis            consume point: newest record time read from the channel, 0 if unknown
 * @param suspended            suspended by the schedule API: kept out of assignment until resumed (never OPEN)
 */
public record ChannelState(
        ChannelStatus status,
        long version,
        String ownerClientId,
        String checkpointToken,
        long checkpointSequence,
        long consumedCount,
        long lastCheckpointMillis,
        long rpoMillis,
        boolean suspended) {

    /** Checkpoint value meaning "the channel has been read to its end" (the wire sentinel shared with the SDK). */
    public static final String FINISHED_TOKEN = TunnelTokens.FINISHED;

    public ChannelState {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(checkpointToken, "checkpointToken");
        if (status.isOwned() != (ownerClientId != null)) {
            throw new IllegalArgumentException("status " + status + " inconsistent with owner " + ownerClientId);
        }
        if (version < 0 || checkpointSequence < 0 || consumedCount < 0) {
            throw new IllegalArgumentException("negative version/sequence/count");
        }
        if (suspended && (status == ChannelStatus.OPEN || status == ChannelStatus.TERMINATED)) {
            throw new IllegalArgumentException("a suspended channel cannot be " + status);
        }
    }

    /** A channel that is not suspended. */
    public ChannelState(ChannelStatus status, long version, String ownerClientId, String checkpointToken,
            long checkpointSequence, long consumedCount, long lastCheckpointMillis, long rpoMillis) {
        this(status, version, ownerClientId, checkpointToken, checkpointSequence, consumedCount,
                lastCheckpointMillis, rpoMillis, false);
    }

    /** State of a freshly added channel. */
    public static ChannelState initial(String initialToken) {
        return new ChannelState(ChannelStatus.WAIT, 0, null, initialToken, 0, 0, 0, 0);
    }

    /** True once a client checkpointed {@value #FINISHED_TOKEN}. */
    public boolean fullyRead() {
        return FINISHED_TOKEN.equals(checkpointToken);
    }

    ChannelState withStatus(ChannelStatus newStatus, long newVersion, String newOwner) {
        // TERMINATED is final, so a terminated channel is no longer suspended.
        return new ChannelState(newStatus, newVersion, newOwner, checkpointToken, checkpointSequence,
                consumedCount, lastCheckpointMillis, rpoMillis, suspended && newStatus != ChannelStatus.TERMINATED);
    }

    ChannelState withVersion(long newVersion) {
        return withStatus(status, newVersion, ownerClientId);
    }

    ChannelState withCheckpoint(String token, long sequence, long atMillis) {
        return withCheckpoint(token, sequence, atMillis, consumedCount);
    }

    ChannelState withCheckpoint(String token, long sequence, long atMillis, long newConsumedCount) {
        return new ChannelState(status, version, ownerClientId, token, sequence, newConsumedCount, atMillis,
                rpoMillis, suspended);
    }

    ChannelState withConsumePoint(long latestRecordTimeMillis) {
        return new ChannelState(status, version, ownerClientId, checkpointToken, checkpointSequence,
                consumedCount, lastCheckpointMillis, Math.max(rpoMillis, latestRecordTimeMillis), suspended);
    }

    ChannelState withSuspended(boolean newSuspended) {
        return new ChannelState(status, version, ownerClientId, checkpointToken, checkpointSequence, consumedCount,
                lastCheckpointMillis, rpoMillis, newSuspended);
    }
}
