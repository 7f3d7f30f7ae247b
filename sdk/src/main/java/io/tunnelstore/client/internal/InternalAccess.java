package io.tunnelstore.client.internal;

import io.tunnelstore.client.TunnelClient;
import java.util.Objects;

/**
 * <b>Internal API</b> — not for applications; may change without notice. The one bridge from the SDK's own
 * internals (the tunnel worker) to non-public parts of the public clients. Stateless: the public classes implement
 * {@link TunnelRpcSource} (no static registration, so nothing here depends on class-initialisation order).
 */
public final class InternalAccess {

    /** Implemented by {@link TunnelClient}. <b>Internal API.</b> */
    public interface TunnelRpcSource {
        /** The session RPC client sharing this client's transport. Not for applications. */
        TunnelRpcClient internalTunnelRpc();
    }

    private InternalAccess() {
    }

    /** The session RPC client of {@code client} (same transport, credentials and config). */
    public static TunnelRpcClient tunnelRpc(TunnelClient client) {
        return Objects.requireNonNull(client, "client").internalTunnelRpc();
    }
}
