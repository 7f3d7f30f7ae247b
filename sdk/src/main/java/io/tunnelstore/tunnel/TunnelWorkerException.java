package io.tunnelstore.tunnel;

/**
 * Why a {@link TunnelWorker} stopped, or why a checkpoint failed. {@link #errorCode()} is the wire error code
 * (for example {@code OTSTunnelExpired}) or {@code OTSClientError} for local failures.
 *
 * <p>{@link #isFatal()}: the tunnel cannot be consumed any more (expired, deleted, permission denied) - fix the
 * cause or create a new tunnel; otherwise the failure is transient and a new worker may succeed
 * ({@link TunnelDaemon} does that automatically).
 */
public class TunnelWorkerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String errorCode;
    private final boolean fatal;

    public TunnelWorkerException(String errorCode, boolean fatal, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
        this.fatal = fatal;
    }

    /** The wire error code, or {@code OTSClientError}. */
    public String errorCode() {
        return errorCode;
    }

    /** True when retrying with a new worker cannot help. */
    public boolean isFatal() {
        return fatal;
    }
}
