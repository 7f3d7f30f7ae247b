package io.tunnelstore.testkit;

import java.time.Clock;
import java.time.Instant;

/**
 * A {@link Clock} that stands still until a test moves it. The in-process server reads all of its time (request
 * times, change-log commit times, tunnel session expiry, stream retention) from this clock, so a test can jump
 * hours ahead in microseconds and get deterministic expiry.
 *
 * <p>This is the project's one test clock, {@link io.tunnelstore.testsupport.ManualClock} (artifact
 * {@code tunnelstore-test-support}, a dependency of the test kit), under the test kit's name so that code written
 * against the kit keeps compiling: {@link #advance} moves it forward (never backwards, it throws
 * {@link IllegalArgumentException} for a negative amount), {@link #withZone} gives a view in another zone.
 *
 * <p>Only the server's notion of time is manual: timers that wait in real time (the tunnel service's tick period,
 * long polls, the SDK worker's heartbeat interval) still run on the wall clock.
 *
 * <p>Thread-safe: readers and {@link #advance} may run concurrently.
 */
public final class ManualClock extends io.tunnelstore.testsupport.ManualClock {

    private ManualClock(io.tunnelstore.testsupport.ManualClock clock) {
        super(clock);
    }

    /** A clock standing at {@code start}, in UTC. */
    public static ManualClock startingAt(Instant start) {
        return new ManualClock(io.tunnelstore.testsupport.ManualClock.startingAt(start));
    }

    /** A clock standing at the current wall-clock time (so creation-time checks of the server pass). */
    public static ManualClock startingNow() {
        return new ManualClock(io.tunnelstore.testsupport.ManualClock.startingNow());
    }
}
