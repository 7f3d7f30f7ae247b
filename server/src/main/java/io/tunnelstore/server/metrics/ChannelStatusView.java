package io.tunnelstore.server.metrics;

import io.tunnelstore.coordinator.ChannelKind;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One channel of a tunnel as monitoring sees it: what DescribeTunnel reports plus the lag derived from the channel's
 * checkpoint and the change log. Immutable.
 *
 * @param channelId      channel id
 * @param type           {@code BaseData} or {@code Stream}
 * @param status         {@code WAIT}, {@code OPEN}, {@code CLOSING}, {@code CLOSE} or {@code TERMINATED}
 * @param ownerClientId  the client the channel is assigned to, or {@code ""} when none
 * @param rpoMillis      consume point: commit time of the newest record handed out (ms), 0 when none yet
 * @param consumedCount  records acknowledged by checkpoints so far
 * @param lagRecords     change-log records after the checkpoint (stream channels whose checkpoint is a stream
 *                       position; 0 for a finished channel); empty when unknown (base-data channels)
 * @param lagMillis      age of the oldest change-log record after the checkpoint (0 when none is pending); empty when
 *                       unknown
 */
public record ChannelStatusView(String channelId, String type, String status, String ownerClientId, long rpoMillis,
                                long consumedCount, OptionalLong lagRecords, OptionalLong lagMillis) {
    public ChannelStatusView {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(ownerClientId, "ownerClientId");
        Objects.requireNonNull(lagRecords, "lagRecords");
        Objects.requireNonNull(lagMillis, "lagMillis");
    }

    /** Whether this is a base-data (full data) channel. */
    public boolean isBaseData() {
        return ChannelKind.BASE_DATA.wireName().equals(type);
    }
}
