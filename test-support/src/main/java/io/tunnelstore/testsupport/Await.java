package io.tunnelstore.testsupport;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline: the one wait helper of the project (docs/architecture.md, "Test support").
 * A latch is awaited directly ({@link #latch}); a condition is polled, at once and then with an interval that grows
 * from {@link #FIRST_POLL_INTERVAL} to {@link #MAX_POLL_INTERVAL} (quick for conditions that hold soon, cheap for
 * conditions that ask a server). Conditions should be side-effect free.
 *
 * <pre>{@code
 * Await.until("channel 1 open", Duration.ofSeconds(10), () -> status(1) == OPEN);
 * }</pre>
 *
 * <p>On time-out an {@link AssertionError} names what was awaited and the time-out. An interrupt ends the wait with
 * an {@link AssertionError} and keeps the interrupt flag. Stateless and thread-safe.
 */
public final class Await {

    /** The first pause between two evaluations of a condition. */
    public static final Duration FIRST_POLL_INTERVAL = Duration.ofMillis(1);
    /** The longest pause between two evaluations of a condition. */
    public static final Duration MAX_POLL_INTERVAL = Duration.ofMillis(50);

    private Await() {
    }

    /**
     * Returns once {@code condition} is true.
     *
     * @param what what is awaited, for the failure message
     * @throws AssertionError if it is still false after {@code timeout}
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        Objects.requireNonNull(what, "what");
        until(condition, timeout, () -> what);
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
        Objects.requireNonNull(description, "description");
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseNanos = FIRST_POLL_INTERVAL.toNanos();
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + description.get());
            }
            try {
                // The poll interval of a condition wait, not a stand-in for one.
                TimeUnit.NANOSECONDS.sleep(Math.min(pauseNanos, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for " + description.get(), e);
            }
            pauseNanos = Math.min(pauseNanos * 2, MAX_POLL_INTERVAL.toNanos());
        }
    }

    /**
     * Returns once {@code latch} has counted down to zero (no polling).
     *
     * @throws AssertionError if it has not after {@code timeout}, naming {@code what} and the count left
     */
    public static void latch(String what, Duration timeout, CountDownLatch latch) {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(latch, "latch");
        try {
            if (!latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what + " (count still "
                        + latch.getCount() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for " + what, e);
        }
    }
}
