package io.tunnelstore.server.tunnel.coordinator;

import java.util.Optional;

/**
 * Durable home of coordinator state, implemented by the wiring layer over the storage engine's metadata (for
 * example as the bytes of {@link TunnelSnapshotCodec#encode}). Called only from the tunnel's serial executor.
 *
 * <p>Protocol: after each coordinator call, if {@link TunnelCoordinator#isDirty()}, take a
 * {@link TunnelCoordinator#snapshot()}, {@link #save} it, then {@link TunnelCoordinator#markSaved(long)} with the
 * snapshot's change count. Only then answer the client, so an acknowledged checkpoint survives a crash.
 */
public interface TunnelStateStore {

    /** Persists {@code snapshot} as the latest state of {@code tunnelId}, replacing the previous one atomically. */
    void save(String tunnelId, TunnelSnapshot snapshot);

    /** Latest saved state of {@code tunnelId}, or empty if none was saved. */
    Optional<TunnelSnapshot> load(String tunnelId);

    /** Forgets {@code tunnelId} (DeleteTunnel). */
    void delete(String tunnelId);
}
