package io.tunnelstore.server;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition in tests: polls it, and fails with a message naming what was awaited after a timeout. */
public final class Await {
    private Await() {}

    /** Waits until {@code condition} holds, polling every {@code pollMillis}; fails after {@code timeout}. */
    public static void until(String what, Duration timeout, long pollMillis, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(pollMillis); // the poll interval of a condition wait, not a stand-in for one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
