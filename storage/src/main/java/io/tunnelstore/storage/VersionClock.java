package io.tunnelstore.storage;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one rule for server-assigned version timestamps (puts without a timestamp, increments, the row marker,
 * change-record times): the <em>row version time</em> of a write is
 *
 * <pre>  max(clock, newest version the row holds + 1)</pre>
 *
 * taken while the row is locked, i.e. inside {@link StorageEngine#mutateRow}'s critical section. So a write that got
 * the row lock later always gets a later version than every write before it, the most recently acknowledged write is
 * the visible one, and an increment always adds to the newest value and writes its sum above it.
 *
 * <p>What counts as "newest": every version the engine still holds for the row, whoever chose its timestamp (a
 * client-supplied timestamp ahead of the clock pulls the row's later server-assigned versions above it, like a
 * hybrid logical clock, instead of hiding them behind it), plus every delete marker an engine keeps (an engine with
 * tombstones, such as HBase, must pass the newest tombstone's timestamp, or a put right after a delete would be
 * masked by it). Versions an engine removed physically (RocksDB deletes) cannot hide a later version, so they do not
 * count; the clock reading itself never goes backwards within a process, so a clock step backwards after a delete
 * still gives the row increasing version times.
 *
 * <p>Engines call {@link #versionMillis} once per row decision with the row they read under the lock and hand the
 * result to the {@link RowDecider}; deciders never read a clock for versions themselves. Thread-safe.
 */
public final class VersionClock {

    private final Clock clock;
    /** The highest clock reading handed out: readings never go backwards even if the clock does. */
    private final AtomicLong lastReading = new AtomicLong(Long.MIN_VALUE);

    public VersionClock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The version time for a write of {@code current} (the row as read under its lock, all versions of all columns).
     *
     * @param newestDeleteMarker the newest delete-marker timestamp the engine keeps for the row, or
     *                           {@link Long#MIN_VALUE} when it keeps none (an engine that deletes physically)
     */
    public long versionMillis(Optional<StoredRow> current, long newestDeleteMarker) {
        long newest = Math.max(newestVersion(current), newestDeleteMarker);
        long reading = lastReading.accumulateAndGet(clock.millis(), Math::max);
        return newest == Long.MIN_VALUE ? reading : Math.max(reading, Math.addExact(newest, 1));
    }

    /** {@link #versionMillis(Optional, long)} for an engine that keeps no delete markers. */
    public long versionMillis(Optional<StoredRow> current) {
        return versionMillis(current, Long.MIN_VALUE);
    }

    /** The newest timestamp among the row's versions, or {@link Long#MIN_VALUE} for an absent or empty row. */
    public static long newestVersion(Optional<StoredRow> row) {
        long newest = Long.MIN_VALUE;
        if (row.isPresent()) {
            for (StoredCell c : row.get().cells()) {
                newest = Math.max(newest, c.timestamp());
            }
        }
        return newest;
    }
}
