package io.tunnelstore.server.tunnel;

import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.coordinator.Rejection;
import io.tunnelstore.server.cluster.ClusterResources;
import io.tunnelstore.server.cluster.NotOwnerException;

/** The protocol errors of the Tunnel Service, with the messages clients see. Stateless. */
final class TunnelErrors {

    private TunnelErrors() {}

    /**
     * Unknown or deleted tunnel. OTSParameterInvalid with "tunnel not exist": both official workers stop for good
     * on it (TUNNEL-SEMANTICS §4.12), and Terraform-style tools recognise the message as not-found.
     */
    static OtsException tunnelNotExist(String tunnel) {
        return OtsException.of(ErrorCode.PARAMETER_INVALID, "tunnel not exist: %s", tunnel);
    }

    static OtsException tunnelExists(String table, String name) {
        return OtsException.of(ErrorCode.TUNNEL_EXIST, "tunnel %s already exists on table %s", name, table);
    }

    static OtsException tableNotExist(String table) {
        return OtsException.of(ErrorCode.PARAMETER_INVALID, "table not exist: %s", table);
    }

    static OtsException invalid(String fmt, Object... args) {
        return OtsException.of(ErrorCode.PARAMETER_INVALID, fmt, args);
    }

    static OtsException expired(String tunnelId) {
        return OtsException.of(ErrorCode.TUNNEL_EXPIRED, "tunnel %s is expired", tunnelId);
    }

    /** The service is stopping; clients retry (both SDKs treat this code as temporary). */
    static OtsException shuttingDown() {
        return OtsException.of(ErrorCode.TUNNEL_SERVER_UNAVAILABLE, "tunnel service is shutting down");
    }

    /**
     * The tunnel's coordinator is moving to another node (this node released it, or another node took it): nothing
     * was changed. A {@link NotOwnerException}: the dispatcher answers a forwarded request with 421 (the forwarding
     * node retries at the owner of its new view) and a client with a retriable 503 (docs/scale-out.md).
     */
    static NotOwnerException moved(String tunnelId) {
        return new NotOwnerException(ClusterResources.tunnel(tunnelId),
                "tunnel " + tunnelId + " is moving to another node; retry");
    }

    /** The wire error for a coordinator refusal. */
    static OtsException of(Rejection rejection) {
        ErrorCode code = ErrorCode.fromCode(rejection.error().wireCode())
                .orElseThrow(() -> new IllegalStateException("no error code " + rejection.error().wireCode()));
        return new OtsException(code, rejection.message());
    }
}
