package io.tunnelstore.tunnel.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Stateless exponential back-off with jitter: {@code initial * multiplier^attempt}, capped, then randomised by
 * ±jitter. Thread-safe.
 */
public record ExponentialBackoff(long initialMillis, double multiplier, long maxMillis, double jitter) {
    public ExponentialBackoff {
        if (initialMillis < 0 || maxMillis < initialMillis || multiplier < 1 || jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("bad back-off " + initialMillis + "/" + multiplier + "/" + maxMillis
                    + "/" + jitter);
        }
    }

    /** Delay for the given 0-based attempt. */
    public long delayMillis(int attempt) {
        double raw = initialMillis * Math.pow(multiplier, Math.max(0, attempt));
        double capped = Math.min(raw, maxMillis);
        if (jitter == 0) {
            return (long) capped;
        }
        double factor = 1 + ThreadLocalRandom.current().nextDouble(-jitter, jitter);
        return (long) (capped * factor);
    }
}
