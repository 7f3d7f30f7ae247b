package io.tunnelstore.server;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The old name of the test-support wait helper, kept only while branches that still call it are merged: use
 * {@link io.tunnelstore.testsupport.Await} (it chooses its own poll interval).
 *
 * @deprecated use {@link io.tunnelstore.testsupport.Await#until(String, Duration, BooleanSupplier)}
 */
@Deprecated
public final class Await {
    private Await() {}

    /** Delegates to {@link io.tunnelstore.testsupport.Await}; {@code pollMillis} is ignored. */
    public static void until(String what, Duration timeout, long pollMillis, BooleanSupplier condition) {
        io.tunnelstore.testsupport.Await.until(what, timeout, condition);
    }
}
