package io.tunnelstore.client.internal;

import io.tunnelstore.client.RetryPolicy;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The single back-off formula of the SDK: {@code min(max, initial × multiplier^attempt)} spread by
 * ± {@code jitter}, never below 1 ms and never above {@code max}.
 *
 * <p>Thread-safe and stateless: callers keep their own attempt counter. The random source is injectable so
 * tests get exact values; it must return values in [0, 1).
 */
public final class ExponentialBackoff {

    private final long initialMs;
    private final double multiplier;
    private final long maxMs;
    private final double jitter;
    private final DoubleSupplier random;

    public ExponentialBackoff(long initialMs, double multiplier, long maxMs, double jitter, DoubleSupplier random) {
        if (initialMs < 1 || maxMs < initialMs) {
            throw new IllegalArgumentException("need 1 <= initialMs <= maxMs, got " + initialMs + ", " + maxMs);
        }
        if (!(multiplier >= 1.0) || !(jitter >= 0.0 && jitter < 1.0)) {
            throw new IllegalArgumentException("need multiplier >= 1 and jitter in [0,1), got "
                    + multiplier + ", " + jitter);
        }
        this.initialMs = initialMs;
        this.multiplier = multiplier;
        this.maxMs = maxMs;
        this.jitter = jitter;
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A back-off with {@link ThreadLocalRandom} jitter. */
    public ExponentialBackoff(long initialMs, double multiplier, long maxMs, double jitter) {
        this(initialMs, multiplier, maxMs, jitter, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** The back-off of a {@link RetryPolicy}, with {@link ThreadLocalRandom} jitter. */
    public static ExponentialBackoff of(RetryPolicy policy) {
        return of(policy, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** The back-off of a {@link RetryPolicy} with an injected random source. */
    public static ExponentialBackoff of(RetryPolicy policy, DoubleSupplier random) {
        return new ExponentialBackoff(policy.initialBackoff().toMillis(), policy.multiplier(),
                policy.maxBackoff().toMillis(), policy.jitter(), random);
    }

    /**
     * The pause before retry number {@code attempt + 1}, i.e. after {@code attempt} failed retries
     * ({@code attempt = 0} for the first retry).
     */
    public long backoffMs(int attempt) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must be >= 0, got " + attempt);
        }
        double base = initialMs * Math.pow(multiplier, attempt);
        if (base > maxMs) {
            base = maxMs;
        }
        // random() in [0,1) maps to a factor in [1 - jitter, 1 + jitter)
        double factor = 1.0 + jitter * (2.0 * random.getAsDouble() - 1.0);
        long ms = Math.round(base * factor);
        return Math.max(1L, Math.min(maxMs, ms));
    }
}
