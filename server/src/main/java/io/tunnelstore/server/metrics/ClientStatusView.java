package io.tunnelstore.server.metrics;

import java.util.List;
import java.util.Objects;

/**
 * One tunnel client (worker) as monitoring sees it. Immutable.
 *
 * @param clientId            id the server gave the client at ConnectTunnel
 * @param clientTag           tag the client sent (the official Java SDK sends the OS name); "" when unknown
 * @param lastHeartbeatMillis time of its last heartbeat; 0 when unknown
 * @param channelIds          channels listed to it, sorted
 */
public record ClientStatusView(String clientId, String clientTag, long lastHeartbeatMillis, List<String> channelIds) {
    public ClientStatusView {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientTag, "clientTag");
        channelIds = List.copyOf(channelIds);
    }
}
