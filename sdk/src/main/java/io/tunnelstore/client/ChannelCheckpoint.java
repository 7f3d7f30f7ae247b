package io.tunnelstore.client;

import java.time.Instant;
import java.util.Objects;

/**
 * One channel's checkpoint and assignment, as shown by {@link AdminClient#showCheckpoints} (Tunnelstore's checkpoint
 * control; docs/tunnel-service.md).
 *
 * @param channelId            channel id
 * @param channelType          {@code BaseData} or {@code Stream}
 * @param status               {@code WAIT}, {@code OPEN}, {@code CLOSING}, {@code CLOSE} or {@code TERMINATED}
 * @param ownerClientId        the worker's client id, or {@code null} when unowned
 * @param version              fencing epoch of the channel
 * @param token                the stored checkpoint token ({@code "finished"} when read to its end)
 * @param sequenceNumber       checkpoint sequence number (0 = never checkpointed)
 * @param shardId              change-log shard of a stream channel, or {@code null}
 * @param nextSequence         a stream channel's next change-log sequence to deliver, or {@code null}
 * @param nextChangeTime       commit time of that change, or {@code null} (caught up, or not a stream position)
 * @param consumedCount        rows acknowledged up to the checkpoint
 * @param finished             read to its end
 * @param lastCheckpointTime   time of the last checkpoint, or {@code null} when never checkpointed
 */
public record ChannelCheckpoint(String channelId, String channelType, String status, String ownerClientId,
                                long version, String token, long sequenceNumber, Long shardId, Long nextSequence,
                                Instant nextChangeTime, long consumedCount, boolean finished,
                                Instant lastCheckpointTime) {
    public ChannelCheckpoint {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(token, "token");
    }
}
