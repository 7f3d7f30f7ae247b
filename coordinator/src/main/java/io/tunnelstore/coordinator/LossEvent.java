package io.tunnelstore.coordinator;

import java.util.Objects;

/**
 * A recorded data loss: a stream channel's checkpoint fell behind the stream retention and was moved forward.
 *
 * @param channelId     affected channel
 * @param atMillis      when the reset happened
 * @param lostFromToken checkpoint before the reset (data from here up to {@code resumedAtToken} is lost)
 * @param resumedAtToken checkpoint after the reset
 * @param note          human-readable explanation (shown in describe)
 */
public record LossEvent(String channelId, long atMillis, String lostFromToken, String resumedAtToken, String note) {
    public LossEvent {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(lostFromToken, "lostFromToken");
        Objects.requireNonNull(resumedAtToken, "resumedAtToken");
        Objects.requireNonNull(note, "note");
    }
}
