package io.tunnelstore.tunnel;

import io.tunnelstore.protocol.model.PrimaryKey;
import java.util.Objects;
import java.util.Optional;

/**
 * The start or the end of a re-baseline of a stream channel (a Tunnelstore extension; the official SDKs do not see
 * it). The channel's checkpoint fell behind the retained change log, so instead of skipping the trimmed changes
 * the server re-reads the channel's key range from a fresh snapshot: between {@link ChannelProcessor#onResyncBegin}
 * and {@link ChannelProcessor#onResyncEnd} the processor receives the current rows of the range as PUT records
 * without sequence info, then the change stream continues after the snapshot. A key of the range that was not
 * delivered in between no longer exists: delete it downstream to reconcile.
 *
 * @param channelId      the re-baselined channel
 * @param rangeStart     inclusive lower bound of the range on the first primary-key column (empty = unbounded)
 * @param rangeEnd       exclusive upper bound (empty = unbounded)
 * @param lostFromSequence first trimmed change-log sequence the re-baseline replaces
 * @param lostToSequence   last trimmed change-log sequence the re-baseline replaces
 * @param resumeSequence   change-log sequence the stream continues at after the end marker
 */
public record ResyncMarker(String channelId, Optional<PrimaryKey> rangeStart, Optional<PrimaryKey> rangeEnd,
                           long lostFromSequence, long lostToSequence, long resumeSequence) {
    public ResyncMarker {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(rangeStart, "rangeStart");
        Objects.requireNonNull(rangeEnd, "rangeEnd");
    }
}
