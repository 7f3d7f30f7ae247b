package io.tunnelstore.client;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What {@link TunnelClient#describeTunnel} returns.
 *
 * @param tunnel    the tunnel
 * @param channels  its channels (unmodifiable)
 * @param tunnelRpo the tunnel's recovery point (every change before it was consumed), or {@code null}
 * @param history   Tunnelstore extension: re-baselines, data losses and checkpoint changes, oldest first (empty
 *                  from servers without it)
 * @param timeUntilLoss Tunnelstore extension: the server's forecast, from the lag trend, of when the slowest channel
 *                  falls behind the retention; {@code null} when no risk is seen or the server does not tell
 * @param rebaseline Tunnelstore extension: whether the tunnel re-baselines instead of losing data; {@code null}
 *                  when the server does not tell
 */
public record TunnelDescription(TunnelInfo tunnel, List<ChannelInfo> channels, Instant tunnelRpo,
                                List<TunnelHistoryEvent> history, java.time.Duration timeUntilLoss,
                                Boolean rebaseline) {

    public TunnelDescription {
        Objects.requireNonNull(tunnel, "tunnel");
        channels = List.copyOf(channels);
        history = List.copyOf(history);
    }

    /** A description without the Tunnelstore extensions. */
    public TunnelDescription(TunnelInfo tunnel, List<ChannelInfo> channels, Instant tunnelRpo) {
        this(tunnel, channels, tunnelRpo, List.of(), null, null);
    }
}
