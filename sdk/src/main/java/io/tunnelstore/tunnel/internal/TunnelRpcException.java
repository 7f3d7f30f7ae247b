package io.tunnelstore.tunnel.internal;

import io.tunnelstore.client.ClientTransportException;
import io.tunnelstore.protocol.errors.ErrorCode;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * A tunnel RPC failure. The server's answer is typed: {@link #errorCode()} is the {@link ErrorCode} it sent
 * (empty for a code this SDK does not know, whose wire string is still in {@link #wireCode()}). Failures without
 * an error body (connection refused or reset, timeout, undecodable response) are the subclass
 * {@link TunnelTransportException}. Futures returned by {@link TunnelRpc} complete exceptionally with this type
 * (possibly wrapped in a {@link CompletionException}; use {@link #from(Throwable)} to unwrap).
 */
public class TunnelRpcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Codes after which no client can consume the tunnel: expired, deleted, no permission. */
    private static final Set<ErrorCode> FATAL = Set.of(ErrorCode.TUNNEL_EXPIRED, ErrorCode.PARAMETER_INVALID,
            ErrorCode.PERMISSION_DENIED, ErrorCode.OBJECT_NOT_EXIST);

    private final transient ErrorCode code;
    private final String wireCode;

    /** The server answered {@code code}. */
    public TunnelRpcException(ErrorCode code, String message) {
        this(code, message, null);
    }

    /** The server answered {@code code}. */
    public TunnelRpcException(ErrorCode code, String message, Throwable cause) {
        this(Objects.requireNonNull(code, "code"), code.code(), message, cause);
    }

    TunnelRpcException(ErrorCode code, String wireCode, String message, Throwable cause) {
        super(wireCode + ": " + message, cause);
        this.code = code;
        this.wireCode = Objects.requireNonNull(wireCode, "wireCode");
    }

    /**
     * The failure for a wire code: typed when the code is known, {@link TunnelTransportException} for the
     * client-side {@code OTSClientError}, otherwise an untyped server error that keeps the string.
     */
    public static TunnelRpcException forWireCode(String wireCode, String message, Throwable cause) {
        if (ClientTransportException.CODE.equals(wireCode)) {
            return new TunnelTransportException(message, cause);
        }
        return ErrorCode.fromCode(wireCode)
                .map(c -> new TunnelRpcException(c, message, cause))
                .orElseGet(() -> new TunnelRpcException(null, wireCode, message, cause));
    }

    /** The server's error code; empty for transport failures and for codes unknown to this SDK. */
    public Optional<ErrorCode> errorCode() {
        return Optional.ofNullable(code);
    }

    /** True when the server answered {@code expected}. */
    public boolean is(ErrorCode expected) {
        return code == expected;
    }

    /** The wire error code string ({@code OTSClientError} for transport failures). */
    public String wireCode() {
        return wireCode;
    }

    /**
     * True for codes after which this tunnel cannot be consumed by any client (tunnel expired, deleted, no
     * permission): retrying is pointless and the worker must stop with this error.
     */
    public boolean isFatal() {
        return code != null && FATAL.contains(code);
    }

    /**
     * Unwraps completion/execution wrappers; any other throwable becomes a {@link TunnelTransportException} with
     * it as the cause.
     */
    public static TunnelRpcException from(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof CompletionException || cur instanceof ExecutionException) && cur.getCause() != null) {
            cur = cur.getCause();
        }
        if (cur instanceof TunnelRpcException e) {
            return e;
        }
        return new TunnelTransportException(String.valueOf(cur.getMessage()), cur);
    }
}
