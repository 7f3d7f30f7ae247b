package io.tunnelstore.coordinator;

import java.util.Objects;

/**
 * Immutable registration of one connected worker. The channels it holds are derived from channel owners.
 *
 * @param clientId            id returned by ConnectTunnel
 * @param clientTag           tag the client sent (Java: OS name, Go: host name)
 * @param timeoutMillis       heartbeat timeout the client declared
 * @param lastHeartbeatMillis time of the last heartbeat (or of connect / restore)
 */
public record ClientSession(String clientId, String clientTag, long timeoutMillis, long lastHeartbeatMillis) {

    public ClientSession {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientTag, "clientTag");
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("timeoutMillis must be positive: " + timeoutMillis);
        }
    }

    /** A session is alive while {@code now - lastHeartbeat <= timeout}. */
    public boolean isExpired(long nowMillis) {
        return nowMillis - lastHeartbeatMillis > timeoutMillis;
    }

    /** First instant at which {@link #isExpired} becomes true. */
    public long expiresAtMillis() {
        return lastHeartbeatMillis + timeoutMillis + 1;
    }

    ClientSession heartbeatAt(long nowMillis) {
        return new ClientSession(clientId, clientTag, timeoutMillis, Math.max(lastHeartbeatMillis, nowMillis));
    }
}
