package io.tunnelstore.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How long and how fast a client retries a retryable failure.
 *
 * <p>Pauses grow exponentially: attempt {@code n} (0-based) waits about
 * {@code min(maxBackoff, initialBackoff × multiplier^n)}, randomised by ± {@code jitter} (a fraction). A retry
 * is attempted only if it would start within {@code maxElapsed} of the first attempt, and never after the
 * call's own deadline ({@link ClientConfig#callTimeout()}). Which failures are retryable is decided by the
 * client (error code, idempotence of the operation), not by this policy.
 *
 * @param maxElapsed     retries stop once this much time has passed since the first attempt; {@code ZERO}
 *                       disables retries. Default: 10 s
 * @param initialBackoff pause before the first retry. Default: 10 ms
 * @param maxBackoff     cap of a single pause. Default: 1 s
 * @param multiplier     growth factor per attempt, at least 1. Default: 2
 * @param jitter         random spread in [0, 1): 0.2 means ± 20 %. Default: 0.2
 */
public record RetryPolicy(Duration maxElapsed, Duration initialBackoff, Duration maxBackoff, double multiplier,
                          double jitter) {

    private static final RetryPolicy DEFAULT =
            new RetryPolicy(Duration.ofSeconds(10), Duration.ofMillis(10), Duration.ofSeconds(1), 2.0, 0.2);

    public RetryPolicy {
        Objects.requireNonNull(maxElapsed, "maxElapsed");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxElapsed.isNegative()) {
            throw new IllegalArgumentException("maxElapsed must not be negative: " + maxElapsed);
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new IllegalArgumentException("initialBackoff must be positive: " + initialBackoff);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "maxBackoff " + maxBackoff + " is below initialBackoff " + initialBackoff);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be a finite number >= 1, got " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter < 1.0)) {
            throw new IllegalArgumentException("jitter must be in [0, 1), got " + jitter);
        }
    }

    /** 10 s total, 10 ms doubling up to 1 s, ± 20 % jitter. */
    public static RetryPolicy defaults() {
        return DEFAULT;
    }

    /** Never retry. */
    public static RetryPolicy none() {
        return new RetryPolicy(Duration.ZERO, DEFAULT.initialBackoff, DEFAULT.maxBackoff, DEFAULT.multiplier, 0.0);
    }

    /** This policy with another total retry budget. */
    public RetryPolicy withMaxElapsed(Duration maxElapsed) {
        return new RetryPolicy(maxElapsed, initialBackoff, maxBackoff, multiplier, jitter);
    }

    /** True if this policy allows any retry. */
    public boolean retriesEnabled() {
        return !maxElapsed.isZero();
    }
}
