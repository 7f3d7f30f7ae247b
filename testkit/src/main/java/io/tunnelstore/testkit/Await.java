package io.tunnelstore.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline. The condition is polled at once and then with a short, growing interval
 * (at most {@link #POLL_INTERVAL}); it should be cheap and side-effect free.
 *
 * <pre>{@code
 * Await.until(() -> worker.clientId() != null, Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>The test kit's name for the project's one wait helper, {@link io.tunnelstore.testsupport.Await} (artifact
 * {@code tunnelstore-test-support}, a dependency of the test kit), which also waits on a latch.
 *
 * <p>Thread-safe (stateless). An interrupt ends the wait with an {@link AssertionError} and keeps the interrupt flag.
 */
public final class Await {

    /** The longest time between two evaluations of the condition. */
    public static final Duration POLL_INTERVAL = io.tunnelstore.testsupport.Await.MAX_POLL_INTERVAL;

    private Await() {
    }

    /**
     * Returns once {@code condition} is true.
     *
     * @throws AssertionError if it is still false after {@code timeout}
     */
    public static void until(BooleanSupplier condition, Duration timeout) {
        io.tunnelstore.testsupport.Await.until(condition, timeout);
    }

    /**
     * Returns once {@code condition} is true.
     *
     * @param description evaluated only on failure, for the error message (e.g. the current state)
     * @throws AssertionError if it is still false after {@code timeout}
     */
    public static void until(BooleanSupplier condition, Duration timeout, Supplier<String> description) {
        io.tunnelstore.testsupport.Await.until(condition, timeout, description);
    }
}
