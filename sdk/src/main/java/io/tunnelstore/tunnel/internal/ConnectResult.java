package io.tunnelstore.tunnel.internal;

import java.util.Objects;

/** Result of ConnectTunnel: the client id to use in every later call of this session. */
public record ConnectResult(String clientId) {
    public ConnectResult {
        Objects.requireNonNull(clientId, "clientId");
    }
}
