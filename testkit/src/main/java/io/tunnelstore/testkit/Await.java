package io.tunnelstore.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline, without a library. The condition is polled every {@link #POLL_INTERVAL}
 * (it should be cheap and side-effect free); the first poll happens at once.
 *
 * <pre>{@code
 * Await.until(() -> worker.clientId() != null, Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>Thread-safe (stateless). An interrupt ends the wait with an {@link AssertionError} and keeps the interrupt flag.
 */
public final class Await {

    /** Time between two evaluations of the condition. */
    public static final Duration POLL_INTERVAL = Duration.ofMillis(10);

    private Await() {
    }

    /**
     * Returns once {@code condition} is true.
     *
     * @throws AssertionError if it is still false after {@code timeout}
     */
    public static void until(BooleanSupplier condition, Duration timeout) {
        until(condition, timeout, () -> "condition");
    }

    /**
     * Returns once {@code condition} is true.
     *
     * @param description evaluated only on failure, for the error message (e.g. the current state)
     * @throws AssertionError if it is still false after {@code timeout}
     */
    public static void until(BooleanSupplier condition, Duration timeout, Supplier<String> description) {
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + description.get());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_INTERVAL.toMillis()));
            if (Thread.currentThread().isInterrupted()) {
                throw new AssertionError("Interrupted while waiting for " + description.get());
            }
        }
    }
}
