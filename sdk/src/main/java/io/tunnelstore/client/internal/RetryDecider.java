package io.tunnelstore.client.internal;

import io.tunnelstore.client.RetryPolicy;
import io.tunnelstore.client.TablestoreException;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.errors.ErrorCode;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;

/**
 * The one place that decides whether a failed call is retried (STYLE.md §7.10).
 *
 * <p>Two questions, two methods: <em>is this failure retryable for this operation</em>
 * ({@link #isRetryableServerError}, {@link #isRetryableTransportFailure}; the answer is stored in
 * {@link TablestoreException#isRetryable()}), and <em>is there time to retry</em> ({@link #decide}: within
 * the {@link RetryPolicy} budget and before the call deadline). Thread-safe.
 */
public final class RetryDecider {

    /** Outcome of {@link #decide}: retry after {@code delayMs}, or stop for {@code reason}. */
    public record Decision(boolean retry, long delayMs, String reason) {
        static Decision retryAfter(long delayMs) {
            return new Decision(true, delayMs, "retryable");
        }

        static Decision stop(String reason) {
            return new Decision(false, 0L, reason);
        }
    }

    private final RetryPolicy policy;
    private final ExponentialBackoff backoff;

    public RetryDecider(RetryPolicy policy, ExponentialBackoff backoff) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
    }

    /**
     * Whether to retry {@code failure}, and after how long.
     *
     * @param retriesSoFar   retries already made for this call (0 after the first attempt failed)
     * @param elapsedNanos   time since the call's first attempt started
     * @param remainingNanos time left until the call deadline
     */
    public Decision decide(TablestoreException failure, int retriesSoFar, long elapsedNanos, long remainingNanos) {
        // Not retryable for this operation (error code, idempotence, or a client-side problem).
        if (!failure.isRetryable()) {
            return Decision.stop("not retryable: " + failure.errorCode());
        }
        // The user turned retries off.
        if (!policy.retriesEnabled()) {
            return Decision.stop("retries disabled");
        }
        return withinBudget(backoff.backoffMs(retriesSoFar), elapsedNanos, remainingNanos);
    }

    /**
     * Whether to send a call again to the next endpoint of a cluster after an attempt got no answer, and after how
     * long: at once while the call has not yet tried every endpoint in a row ({@code immediate}), else after the
     * back-off of a retry. The caller has checked that re-sending is safe ({@link #certainlyNotSent},
     * {@link #safeToResend}); the policy's budget, a disabled policy and the call deadline still apply.
     */
    public Decision decideFailover(boolean immediate, int retriesSoFar, long elapsedNanos, long remainingNanos) {
        if (!policy.retriesEnabled()) {
            return Decision.stop("retries disabled");
        }
        return withinBudget(immediate ? 0L : backoff.backoffMs(retriesSoFar), elapsedNanos, remainingNanos);
    }

    private Decision withinBudget(long delayMs, long elapsedNanos, long remainingNanos) {
        long delayNanos = delayMs * 1_000_000L;
        // The retry would start after the policy's total budget.
        if (elapsedNanos + delayNanos > policy.maxElapsed().toNanos()) {
            return Decision.stop("retry budget of " + policy.maxElapsed() + " spent");
        }
        // The retry would start at or after the call deadline: never retry past it.
        if (delayNanos >= remainingNanos) {
            return Decision.stop("call deadline reached");
        }
        return Decision.retryAfter(delayMs);
    }

    /**
     * Whether a server error is retryable for an operation (PROTOCOL.md §3.4).
     *
     * @param code       the wire error code
     * @param message    the error message (only OTSQuotaExhausted depends on it)
     * @param httpStatus the response status
     * @param idempotent whether the operation is idempotent ({@code Action.idempotent()})
     */
    public static boolean isRetryableServerError(String code, String message, int httpStatus, boolean idempotent) {
        Optional<ErrorCode> known = ErrorCode.fromCode(code);
        if (known.isPresent()) {
            switch (known.get().retryPolicy(message)) {
                case ALWAYS:
                    // Transient conditions that never applied the write (busy, conflict, table not ready).
                    return true;
                case IDEMPOTENT_ONLY:
                    // The server may have applied a write before failing; only repeat what is safe to repeat.
                    return idempotent;
                case NEVER:
                default:
                    break;
            }
        }
        // Any 5xx on an idempotent operation, whatever the code (the official Java SDK's rule).
        return httpStatus >= 500 && idempotent;
    }

    /**
     * Whether a failure without any response certainly happened before the request left the client (connection
     * refused, connect timeout, unknown host, TLS handshake failure), so that no server can have applied it and it
     * may be sent to another node whatever the operation. Anything else (reset, closed connection, I/O error after
     * connecting) may have reached the server.
     */
    public static boolean certainlyNotSent(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException
                    || t instanceof UnknownHostException || t instanceof UnresolvedAddressException
                    || t instanceof SSLHandshakeException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a request that may have reached a node can be sent again to another node: idempotent operations, and
     * the two tunnel calls the protocol makes safe to repeat although the official SDKs do not retry them:
     * Heartbeat (a report of the client's channel states, repeated every interval anyway) and Checkpoint (a
     * repeat carries the same sequence number, so it is stored at most once; a repeat after the first was stored is
     * answered {@code OTSSequenceNumberNotMatch}, on which the worker re-reads the server's number).
     */
    public static boolean safeToResend(Action action) {
        return action.idempotent() || action == Action.TUNNEL_HEARTBEAT || action == Action.TUNNEL_CHECKPOINT;
    }

    /**
     * Whether a network failure or an unparsable response is retryable: only for idempotent operations,
     * because the request may have been applied before the connection broke.
     */
    public static boolean isRetryableTransportFailure(boolean idempotent) {
        return idempotent;
    }
}
