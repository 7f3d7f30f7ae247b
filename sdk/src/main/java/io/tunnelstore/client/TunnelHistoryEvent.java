package io.tunnelstore.client;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a tunnel's history, returned by Tunnelstore's DescribeTunnel extension (the public service has no
 * such list): a re-baseline of a channel that fell behind retention, a data loss, or a checkpoint change.
 *
 * @param at        when it happened
 * @param kind      {@code REBASELINE}, {@code DATA_LOSS}, ...
 * @param channelId the channel concerned, or {@code null}
 * @param detail    human-readable explanation
 * @param actor     who did it ({@code server} for automatic actions)
 */
public record TunnelHistoryEvent(Instant at, String kind, String channelId, String detail, String actor) {
    public TunnelHistoryEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(kind, "kind");
    }
}
