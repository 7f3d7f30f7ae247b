package io.tunnelstore.server.tunnel;

/**
 * A channel's checkpoint as the tunnel service understands it, for monitoring: decoded from the channel's stored
 * checkpoint token by the tunnel service itself, so readers (metrics, the console) never parse the token format.
 * Immutable.
 */
public sealed interface CheckpointPosition {

    /** The channel is done: its owner checkpointed {@code "finished"}, or the channel is TERMINATED. */
    record Finished() implements CheckpointPosition {}

    /**
     * A base-data channel, part-way through its key range.
     *
     * @param consumedCount rows consumed up to the checkpoint
     */
    record Base(long consumedCount) implements CheckpointPosition {}

    /**
     * A stream channel: the next change-log record to deliver.
     *
     * @param shardId            change-log shard of the channel
     * @param nextSequence       sequence number of the next record (≥ 1): everything before it is acknowledged
     * @param consumedUpToMicros commit time (µs) of the last record acknowledged, 0 when none
     * @param consumedCount      records consumed up to the checkpoint
     */
    record Stream(long shardId, long nextSequence, long consumedUpToMicros, long consumedCount)
            implements CheckpointPosition {}

    /** The position of {@code token} (a token the tunnel service minted, or {@code "finished"}). */
    static CheckpointPosition of(String token) {
        if (TunnelTokenCodec.FINISHED.equals(token)) {
            return new Finished();
        }
        ChannelPosition position = TunnelTokenCodec.decode(token);
        if (position instanceof ChannelPosition.Stream s) {
            return new Stream(s.shardId(), s.nextSequence(), s.consumedUpToMicros(), s.totalCount());
        }
        return new Base(position.totalCount());
    }
}
