package io.tunnelstore.client.internal;

import io.tunnelstore.client.TunnelClient;
import java.util.Objects;
import java.util.function.Function;

/**
 * <b>Internal API</b> — not for applications; may change without notice. The one bridge from the SDK's own
 * internals (the tunnel worker) to non-public parts of the public clients, after OkHttp's
 * {@code Internal}. The public classes register their accessors in their static initialisers.
 */
public final class InternalAccess {

    private static volatile Function<TunnelClient, TunnelRpcClient> tunnelRpcAccessor;

    private InternalAccess() {
    }

    /** The session RPC client of {@code client} (same transport, credentials and config). */
    public static TunnelRpcClient tunnelRpc(TunnelClient client) {
        Objects.requireNonNull(client, "client");
        // Holding an instance means TunnelClient's static initialiser has run and registered the accessor.
        return tunnelRpcAccessor.apply(client);
    }

    /** Called once by {@link TunnelClient}'s static initialiser. */
    public static void registerTunnelRpcAccessor(Function<TunnelClient, TunnelRpcClient> accessor) {
        tunnelRpcAccessor = Objects.requireNonNull(accessor, "accessor");
    }
}
