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
 */
public record TunnelDescription(TunnelInfo tunnel, List<ChannelInfo> channels, Instant tunnelRpo) {

    public TunnelDescription {
        Objects.requireNonNull(tunnel, "tunnel");
        channels = List.copyOf(channels);
    }
}
