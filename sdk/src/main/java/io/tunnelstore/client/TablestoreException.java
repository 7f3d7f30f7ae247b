package io.tunnelstore.client;

import io.tunnelstore.client.internal.Remedies;
import io.tunnelstore.protocol.errors.ErrorCode;
import java.util.Objects;
import java.util.Optional;

/**
 * A failed call: the server answered with an error, or (subclass {@link ClientTransportException}) no usable
 * answer arrived. Unchecked; every public client method may throw it, and async methods complete their
 * future exceptionally with it.
 *
 * <p>What to do: {@link #remedy()} says it in one sentence. {@link #isRetryable()} tells whether the client
 * <em>would</em> have retried this failure for this operation; when it is {@code true} the client already
 * retried until its {@link RetryPolicy} budget or the call deadline ran out, so retrying again later is
 * reasonable. {@link #errorCode()} is the wire code (e.g. {@code OTSObjectNotExist}) to branch on.
 */
public class TablestoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String errorCode;
    private final String serverMessage;
    private final String requestId;
    private final int httpStatus;
    private final boolean retryable;

    /**
     * @param errorCode     the wire error code, e.g. {@code OTSAuthFailed}; never null
     * @param serverMessage the server's message (may be empty)
     * @param requestId     {@code x-ots-requestid} of the failed response, or {@code null}
     * @param httpStatus    the HTTP status, or 0 when no response was received
     * @param retryable     whether the failure is retryable for the operation that failed
     * @param cause         underlying cause, or {@code null}
     */
    public TablestoreException(String errorCode, String serverMessage, String requestId, int httpStatus,
                               boolean retryable, Throwable cause) {
        super(describe(errorCode, serverMessage, requestId, httpStatus), cause);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
        this.serverMessage = serverMessage == null ? "" : serverMessage;
        this.requestId = requestId;
        this.httpStatus = httpStatus;
        this.retryable = retryable;
    }

    private static String describe(String code, String message, String requestId, int status) {
        StringBuilder sb = new StringBuilder(code);
        if (message != null && !message.isEmpty()) {
            sb.append(": ").append(message);
        }
        if (status > 0) {
            sb.append(" (HTTP ").append(status);
            if (requestId != null) {
                sb.append(", request id ").append(requestId);
            }
            sb.append(')');
        } else if (requestId != null) {
            sb.append(" (request id ").append(requestId).append(')');
        }
        String remedy = Remedies.forCode(code);
        if (!remedy.isEmpty()) {
            sb.append(". Remedy: ").append(remedy);
        }
        return sb.toString();
    }

    /** The wire error code, e.g. {@code OTSObjectNotExist}; {@code OTSClientError} for client-side failures. */
    public String errorCode() {
        return errorCode;
    }

    /** The error code as a known {@link ErrorCode}, or empty for client-side and unknown codes. */
    public Optional<ErrorCode> knownErrorCode() {
        return ErrorCode.fromCode(errorCode);
    }

    /**
     * True if the error says the table or tunnel does not exist: {@code OTSObjectNotExist}, or
     * {@code OTSParameterInvalid} with a "not exist" message (what the tunnel service answers for unknown or
     * deleted tunnels and tables, as the public service does).
     */
    public boolean isNotFound() {
        return "OTSObjectNotExist".equals(errorCode)
                || ("OTSParameterInvalid".equals(errorCode) && serverMessage.contains("not exist"));
    }

    /** The server's error message (empty if none). */
    public String serverMessage() {
        return serverMessage;
    }

    /** The {@code x-ots-requestid} of the failed response, or {@code null} when there was none. */
    public String requestId() {
        return requestId;
    }

    /** The HTTP status of the failed response, or 0 when no response was received. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Whether this failure is retryable for the operation that failed (see the class comment). */
    public boolean isRetryable() {
        return retryable;
    }

    /** What the caller should do about this error, in one sentence (empty if nothing specific). */
    public String remedy() {
        return Remedies.forCode(errorCode);
    }
}
