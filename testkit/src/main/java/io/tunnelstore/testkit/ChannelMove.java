package io.tunnelstore.testkit;

import java.util.Objects;

/**
 * One channel taken from its owner by {@link Faults#forceRebalance} or {@link Faults#revokeChannels}.
 *
 * @param channelId  the channel
 * @param fromClient the client that owned it before
 * @param toClient   the client that owns it after the move; for {@code revokeChannels} {@code null} when no
 *                   other client was ready to take it at that moment (the next heartbeating client gets it)
 */
public record ChannelMove(String channelId, String fromClient, String toClient) {
    public ChannelMove {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(fromClient, "fromClient");
    }
}
