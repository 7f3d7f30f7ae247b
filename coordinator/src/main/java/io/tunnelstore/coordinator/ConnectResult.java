package io.tunnelstore.coordinator;

/** Outcome of {@link TunnelCoordinator#connect}. */
public sealed interface ConnectResult permits ConnectResult.Connected, Rejection {
    /** The new session; {@code clientId} goes into {@code ConnectResponse.client_id}. */
    record Connected(String clientId) implements ConnectResult {}
}
