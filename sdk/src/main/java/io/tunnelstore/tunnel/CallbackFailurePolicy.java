package io.tunnelstore.tunnel;

import java.time.Duration;
import java.util.Objects;

/**
 * What the worker does when {@link ChannelProcessor#process} throws. Immutable.
 *
 * <ul>
 *   <li>{@link #releaseAndResume()} (default): the failed batch is not acknowledged; the worker commits the
 *       position after the last <em>successful</em> batch, calls {@code onLost}, and reports the channel CLOSE.
 *       The server re-assigns it and consumption resumes from that checkpoint (the failed batch is delivered
 *       again, possibly with more records).</li>
 *   <li>{@link #retry(int, Duration)}: the same batch is delivered again up to {@code maxRetries} times, waiting
 *       {@code backoff} between attempts (the channel holds its position meanwhile); after that the channel is
 *       released as above.</li>
 *   <li>{@link #skip()}: the failure is logged and reported to the listener, and the batch counts as processed
 *       (its records are lost to this consumer). Opt-in only.</li>
 * </ul>
 *
 * @param kind       the action
 * @param maxRetries retries before releasing (RETRY only)
 * @param backoff    wait between retries (RETRY only)
 */
public record CallbackFailurePolicy(Kind kind, int maxRetries, Duration backoff) {

    /** Action kinds. */
    public enum Kind { RELEASE_AND_RESUME, RETRY, SKIP }

    public CallbackFailurePolicy {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(backoff, "backoff");
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0: " + maxRetries);
        }
        if (backoff.isNegative()) {
            throw new IllegalArgumentException("backoff must not be negative: " + backoff);
        }
    }

    /** The default: release the channel and resume from the last checkpoint. */
    public static CallbackFailurePolicy releaseAndResume() {
        return new CallbackFailurePolicy(Kind.RELEASE_AND_RESUME, 0, Duration.ZERO);
    }

    /** Retry the same batch {@code maxRetries} times with {@code backoff} in between, then release. */
    public static CallbackFailurePolicy retry(int maxRetries, Duration backoff) {
        if (maxRetries < 1) {
            throw new IllegalArgumentException("maxRetries must be >= 1: " + maxRetries);
        }
        return new CallbackFailurePolicy(Kind.RETRY, maxRetries, backoff);
    }

    /** Skip the failed batch (at-most-once for that batch). */
    public static CallbackFailurePolicy skip() {
        return new CallbackFailurePolicy(Kind.SKIP, 0, Duration.ZERO);
    }
}
