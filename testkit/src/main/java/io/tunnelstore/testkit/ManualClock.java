package io.tunnelstore.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} that stands still until a test moves it. The in-process server reads all of its time (request
 * times, change-log commit times, tunnel session expiry, stream retention) from this clock, so a test can jump
 * hours ahead in microseconds and get deterministic expiry.
 *
 * <p>Only the server's notion of time is manual: timers that wait in real time (the tunnel service's tick period,
 * long polls, the SDK worker's heartbeat interval) still run on the wall clock.
 *
 * <p>Thread-safe: readers and {@link #advance} may run concurrently; every read sees a value at least as large
 * as any earlier read (time never goes backwards).
 */
public final class ManualClock extends Clock {

    private final AtomicLong millis;
    private final ZoneId zone;

    private ManualClock(AtomicLong millis, ZoneId zone) {
        this.millis = millis;
        this.zone = zone;
    }

    /** A clock standing at {@code start}, in UTC. */
    public static ManualClock startingAt(Instant start) {
        Objects.requireNonNull(start, "start");
        return new ManualClock(new AtomicLong(start.toEpochMilli()), ZoneOffset.UTC);
    }

    /** A clock standing at the current wall-clock time (so creation-time checks of the server pass). */
    public static ManualClock startingNow() {
        return startingAt(Instant.now());
    }

    /**
     * Moves the clock forward.
     *
     * @return the new time
     * @throws IllegalArgumentException if {@code amount} is negative (time never goes backwards)
     */
    public Instant advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("a ManualClock only moves forward, got " + amount);
        }
        return Instant.ofEpochMilli(millis.addAndGet(amount.toMillis()));
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** The same moving time seen in another zone (shares the underlying counter). */
    @Override
    public Clock withZone(ZoneId zone) {
        return new ManualClock(millis, Objects.requireNonNull(zone, "zone"));
    }

    @Override
    public String toString() {
        return "ManualClock[" + instant() + "]";
    }
}
