package io.tunnelstore.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} that tests move explicitly: the one test clock of the project (docs/architecture.md, "Test
 * support"). Three kinds, all moved by {@link #advance} and {@link #rewind}:
 * <ul>
 *   <li>{@link #startingAt}/{@link #startingNow}: <b>stands still</b> until the test moves it, so times seen by the
 *       code under test are exact;</li>
 *   <li>{@link #followingSystemTime()}: the wall clock plus what the test moved it by, for servers that talk to
 *       clients running on real time (official SDK workers, signed requests) and still need to jump ahead;</li>
 *   <li>{@link #ticking}: moves on by a fixed step at every read, so two reads never see the same time without a
 *       wall clock (model checkers such as Lincheck need a deterministic, always-moving clock).</li>
 * </ul>
 *
 * <p>Full {@link Instant} precision (nanoseconds), UTC unless {@link #withZone} says otherwise; a zoned view shares
 * the time of the clock it came from. Thread-safe: readers and movers may run concurrently.
 */
public class ManualClock extends Clock {

    /** The moving part, shared between a clock and its zoned views. */
    private static final class Time {
        /** Epoch nanoseconds; when following the system time, the offset in nanoseconds added to it. */
        final AtomicLong nanos;
        /** Added at every read ({@link #ticking}); 0 for the other kinds. */
        final long stepNanos;
        final boolean followsSystemTime;

        Time(long nanos, long stepNanos, boolean followsSystemTime) {
            this.nanos = new AtomicLong(nanos);
            this.stepNanos = stepNanos;
            this.followsSystemTime = followsSystemTime;
        }
    }

    private final Time time;
    private final ZoneId zone;

    private ManualClock(Time time, ZoneId zone) {
        this.time = time;
        this.zone = zone;
    }

    /** A view of {@code other}'s time (same moving time, same zone), for subclasses that re-export this clock. */
    protected ManualClock(ManualClock other) {
        this(Objects.requireNonNull(other, "other").time, other.zone);
    }

    /** A clock standing still at {@code start}, in UTC. */
    public static ManualClock startingAt(Instant start) {
        return new ManualClock(new Time(epochNanos(Objects.requireNonNull(start, "start")), 0, false),
                ZoneOffset.UTC);
    }

    /** A clock standing still at the current wall-clock time (so creation-time checks of a server pass). */
    public static ManualClock startingNow() {
        return startingAt(Instant.ofEpochMilli(System.currentTimeMillis())); // whole milliseconds, as a server stamps
    }

    /** The wall clock plus what {@link #advance}/{@link #rewind} added (nothing at first), in UTC. */
    public static ManualClock followingSystemTime() {
        return new ManualClock(new Time(0, 0, true), ZoneOffset.UTC);
    }

    /**
     * A clock that moves on by {@code step} at every read, the first read seeing {@code start + step}, in UTC.
     *
     * @throws IllegalArgumentException if {@code step} is not positive
     */
    public static ManualClock ticking(Instant start, Duration step) {
        Objects.requireNonNull(step, "step");
        if (step.isNegative() || step.isZero()) {
            throw new IllegalArgumentException("a ticking clock needs a positive step, got " + step);
        }
        return new ManualClock(new Time(epochNanos(Objects.requireNonNull(start, "start")), step.toNanos(), false),
                ZoneOffset.UTC);
    }

    /**
     * Moves the clock forward.
     *
     * @return the new time
     * @throws IllegalArgumentException if {@code amount} is negative (use {@link #rewind} for a step backwards)
     */
    public Instant advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("advance moves forward only, got " + amount + " (use rewind)");
        }
        time.nanos.addAndGet(amount.toNanos());
        return current();
    }

    /**
     * Moves the clock backwards, as an NTP step does on a real machine (for tests of code that must survive one).
     *
     * @return the new time
     * @throws IllegalArgumentException if {@code amount} is negative
     */
    public Instant rewind(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("rewind takes a positive amount, got " + amount);
        }
        time.nanos.addAndGet(-amount.toNanos());
        return current();
    }

    /** The current time in microseconds since the epoch (how storage engines stamp commits). */
    public long micros() {
        Instant now = instant();
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000);
    }

    @Override
    public Instant instant() {
        long nanos = time.stepNanos == 0 ? time.nanos.get() : time.nanos.addAndGet(time.stepNanos);
        return time.followsSystemTime ? Instant.now().plusNanos(nanos) : ofEpochNanos(nanos);
    }

    @Override
    public long millis() {
        return instant().toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** The same moving time seen in another zone (shares the time of this clock). */
    @Override
    public Clock withZone(ZoneId zone) {
        return new ManualClock(time, Objects.requireNonNull(zone, "zone"));
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + current() + "]";
    }

    /** The time now without moving a ticking clock. */
    private Instant current() {
        long nanos = time.nanos.get();
        return time.followsSystemTime ? Instant.now().plusNanos(nanos) : ofEpochNanos(nanos);
    }

    private static long epochNanos(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    }

    private static Instant ofEpochNanos(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }
}
