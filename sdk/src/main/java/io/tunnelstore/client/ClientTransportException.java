package io.tunnelstore.client;

/**
 * No usable response: connection refused or reset, I/O error, the call deadline passed, or the response
 * could not be parsed or failed signature verification. {@link #httpStatus()} is the status if a response
 * arrived, else 0; {@link #errorCode()} is {@value #CODE}.
 */
public class ClientTransportException extends TablestoreException {

    private static final long serialVersionUID = 1L;

    /** Error code of every client-side failure. */
    public static final String CODE = "OTSClientError";

    private final boolean timeout;

    /**
     * @param message   what failed, including the operation
     * @param requestId request id of the response if one arrived, else {@code null}
     * @param httpStatus status of the response if one arrived, else 0
     * @param retryable whether the failure is retryable for the operation (idempotent operations only)
     * @param timeout   whether the call deadline passed
     * @param cause     the I/O or parse failure
     */
    public ClientTransportException(String message, String requestId, int httpStatus, boolean retryable,
                                    boolean timeout, Throwable cause) {
        super(CODE, message, requestId, httpStatus, retryable, cause);
        this.timeout = timeout;
    }

    /** True if the call failed because its deadline ({@link ClientConfig#callTimeout()}) passed. */
    public boolean isTimeout() {
        return timeout;
    }
}
