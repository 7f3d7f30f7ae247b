package io.tunnelstore.tunnel;

import io.tunnelstore.client.ClientTransportException;
import io.tunnelstore.protocol.errors.ErrorCode;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a {@link TunnelWorker} stopped, or why a checkpoint failed. {@link #errorCode()} is the wire error code
 * (for example {@code OTSTunnelExpired}) or {@code OTSClientError} for local failures; {@link #knownErrorCode()}
 * is the same as a typed {@link ErrorCode}.
 *
 * <p>{@link #isFatal()}: the tunnel cannot be consumed any more (expired, deleted, permission denied) - fix the
 * cause or create a new tunnel; otherwise the failure is transient and a new worker may succeed
 * ({@link TunnelDaemon} does that automatically).
 */
public class TunnelWorkerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String errorCode;
    private final boolean fatal;

    /**
     * @param errorCode the wire error code, or {@code OTSClientError} for a local failure
     */
    public TunnelWorkerException(String errorCode, boolean fatal, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
        this.fatal = fatal;
    }

    /** A failure the server reported with {@code code}. */
    public TunnelWorkerException(ErrorCode code, boolean fatal, String message, Throwable cause) {
        this(code.code(), fatal, message, cause);
    }

    /** A local (client-side) failure: code {@code OTSClientError}, not fatal. */
    public static TunnelWorkerException local(String message, Throwable cause) {
        return new TunnelWorkerException(ClientTransportException.CODE, false, message, cause);
    }

    /** The wire error code, or {@code OTSClientError}. */
    public String errorCode() {
        return errorCode;
    }

    /** The error code as a known {@link ErrorCode}; empty for client-side failures and unknown codes. */
    public Optional<ErrorCode> knownErrorCode() {
        return ErrorCode.fromCode(errorCode);
    }

    /** True when retrying with a new worker cannot help. */
    public boolean isFatal() {
        return fatal;
    }
}
