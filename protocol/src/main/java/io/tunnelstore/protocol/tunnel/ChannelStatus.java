package io.tunnelstore.protocol.tunnel;

import io.tunnelstore.protocol.pb.TunnelProtos;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Server-side status of one channel. Every transition bumps the channel version, which is the fencing epoch the
 * official workers compare (higher version wins; ties go to the server).
 *
 * <pre>
 *   WAIT  --assign-->  OPEN        (never assigned before)
 *   CLOSE --assign-->  OPEN        (re-assignment after a release)
 *   OPEN  --rebalance--> CLOSING   (server asks the owner to hand the channel back)
 *   OPEN | CLOSING --client reports CLOSE (higher version), owner expires or shuts down--> CLOSE (unowned)
 *   OPEN | CLOSING --client reports TERMINATED (higher version)--> TERMINATED (final)
 *   WAIT | CLOSE --schedule TERMINATED (administrative)--> TERMINATED (final)
 * </pre>
 *
 * WAIT (never assigned) has no wire number: it exists only as a DescribeTunnel string.
 *
 * <p>Shared by both sides: the server's coordinator keeps it per channel, the SDK's worker exchanges it in
 * heartbeats (its own lifecycle of a channel is the SDK's {@code ChannelRunnerState}). The names are the
 * DescribeTunnel strings.
 */
public enum ChannelStatus {
    WAIT(0),
    OPEN(1),
    CLOSING(2),
    CLOSE(3),
    TERMINATED(4);

    private final int wireNumber;
    private Set<ChannelStatus> next = Set.of();

    static {
        WAIT.next = EnumSet.of(OPEN, TERMINATED);
        OPEN.next = EnumSet.of(CLOSING, CLOSE, TERMINATED);
        CLOSING.next = EnumSet.of(CLOSE, TERMINATED);
        CLOSE.next = EnumSet.of(OPEN, TERMINATED);
    }

    ChannelStatus(int wireNumber) {
        this.wireNumber = wireNumber;
    }

    /** Number of the protobuf {@code ChannelStatus} enum; 0 for WAIT, which must never be sent on the wire. */
    public int wireNumber() {
        return wireNumber;
    }

    /** True when the status is owned by exactly one client (listed to it in heartbeats). */
    public boolean isOwned() {
        return this == OPEN || this == CLOSING;
    }

    /** True when the server may move a channel from this status to {@code target}. */
    public boolean canTransitionTo(ChannelStatus target) {
        return next.contains(target);
    }

    /**
     * The heartbeat enum value.
     *
     * @throws IllegalStateException for WAIT, which has no wire value
     */
    public TunnelProtos.ChannelStatus toProto() {
        if (this == WAIT) {
            throw new IllegalStateException("WAIT is not a heartbeat channel status");
        }
        return TunnelProtos.ChannelStatus.forNumber(wireNumber);
    }

    /** The status of a heartbeat enum value (never WAIT). */
    public static ChannelStatus fromProto(TunnelProtos.ChannelStatus status) {
        return fromWireNumber(status.getNumber()).orElseThrow(
                () -> new IllegalArgumentException("unknown channel status " + status));
    }

    /** Maps a wire number (1-4) back to a status; empty for anything else (WAIT included). */
    public static Optional<ChannelStatus> fromWireNumber(int number) {
        for (ChannelStatus s : values()) {
            if (s != WAIT && s.wireNumber == number) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
