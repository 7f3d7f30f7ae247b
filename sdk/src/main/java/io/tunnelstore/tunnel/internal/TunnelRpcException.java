package io.tunnelstore.tunnel.internal;

import java.util.Objects;

/**
 * A tunnel RPC failure carrying the wire error code (for example {@code OTSResourceGone}). Transport failures
 * without an error body use {@link #TRANSPORT_ERROR}. Futures returned by {@link TunnelRpc} complete
 * exceptionally with this type (possibly wrapped in a {@link java.util.concurrent.CompletionException}; use
 * {@link #from(Throwable)} to unwrap).
 */
public class TunnelRpcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final String PARAMETER_INVALID = "OTSParameterInvalid";
    public static final String TUNNEL_EXPIRED = "OTSTunnelExpired";
    public static final String PERMISSION_DENIED = "OTSPermissionDenied";
    public static final String OBJECT_NOT_EXIST = "OTSObjectNotExist";
    public static final String RESOURCE_GONE = "OTSResourceGone";
    public static final String SEQUENCE_NUMBER_NOT_MATCH = "OTSSequenceNumberNotMatch";
    public static final String SERVER_UNAVAILABLE = "OTSTunnelServerUnavailable";
    /** No error body: connection refused, reset, timeout, decode failure. */
    public static final String TRANSPORT_ERROR = "OTSClientError";

    private final String errorCode;

    public TunnelRpcException(String errorCode, String message) {
        this(errorCode, message, null);
    }

    public TunnelRpcException(String errorCode, String message, Throwable cause) {
        super(errorCode + ": " + message, cause);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    }

    /** The wire error code string. */
    public String errorCode() {
        return errorCode;
    }

    /**
     * True for codes after which this tunnel cannot be consumed by any client (tunnel expired, deleted, no
     * permission): retrying is pointless and the worker must stop with this error.
     */
    public boolean isFatal() {
        return isFatalCode(errorCode);
    }

    /** See {@link #isFatal()}. */
    public static boolean isFatalCode(String code) {
        return TUNNEL_EXPIRED.equals(code) || PARAMETER_INVALID.equals(code) || PERMISSION_DENIED.equals(code)
                || OBJECT_NOT_EXIST.equals(code);
    }

    /**
     * Unwraps completion/execution wrappers; any other throwable becomes a {@link #TRANSPORT_ERROR} exception
     * with it as the cause.
     */
    public static TunnelRpcException from(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof java.util.concurrent.CompletionException
                || cur instanceof java.util.concurrent.ExecutionException) && cur.getCause() != null) {
            cur = cur.getCause();
        }
        if (cur instanceof TunnelRpcException e) {
            return e;
        }
        return new TunnelRpcException(TRANSPORT_ERROR, String.valueOf(cur.getMessage()), cur);
    }
}
