package io.tunnelstore.client;

import java.time.Instant;
import java.util.Objects;

/**
 * Where the stream part of a STREAM or BASE_AND_STREAM tunnel starts and, optionally, ends.
 *
 * <p>Either a start flag ({@link StartFrom#EARLIEST} = oldest record still retained, {@link StartFrom#LATEST}
 * = only changes after the tunnel is created) or an explicit time range {@code [startTime, endTime)}. Times
 * travel as nanoseconds since the epoch (PROTOCOL.md §4.4).
 *
 * @param startFrom start flag, used when {@code startTime} is null
 * @param startTime explicit start (inclusive), or {@code null}
 * @param endTime   explicit end (exclusive), or {@code null} for an open-ended tunnel
 */
public record TunnelStreamConfig(StartFrom startFrom, Instant startTime, Instant endTime) {

    /** Start flag of a stream tunnel. */
    public enum StartFrom {
        EARLIEST,
        LATEST
    }

    public TunnelStreamConfig {
        Objects.requireNonNull(startFrom, "startFrom");
        if (startTime != null && startTime.isBefore(Instant.EPOCH)) {
            throw new IllegalArgumentException("startTime is before the epoch: " + startTime);
        }
        if (endTime != null && startTime == null) {
            throw new IllegalArgumentException("endTime " + endTime + " needs a startTime");
        }
        if (endTime != null && !endTime.isAfter(startTime)) {
            throw new IllegalArgumentException("endTime " + endTime + " must be after startTime " + startTime);
        }
    }

    /** Start at the oldest retained change. */
    public static TunnelStreamConfig earliest() {
        return new TunnelStreamConfig(StartFrom.EARLIEST, null, null);
    }

    /** Start with changes made after the tunnel is created. */
    public static TunnelStreamConfig latest() {
        return new TunnelStreamConfig(StartFrom.LATEST, null, null);
    }

    /** Changes in {@code [start, end)}; {@code end} may be null for "until deleted". */
    public static TunnelStreamConfig between(Instant start, Instant end) {
        return new TunnelStreamConfig(StartFrom.EARLIEST, Objects.requireNonNull(start, "start"), end);
    }
}
