package io.tunnelstore.client;

import io.tunnelstore.protocol.tunnel.TunnelNames;
import java.time.Instant;
import java.util.Objects;

/**
 * One channel of a tunnel (a base-data partition or a stream shard) as {@link TunnelClient#describeTunnel}
 * reports it.
 *
 * @param channelId     the channel id
 * @param type          base data or stream
 * @param status        where the channel is in its lifecycle
 * @param ownerClientId the tunnel client consuming it, or {@code null} when unassigned
 * @param rpoTime       time of the last consumed change (the recovery point), or {@code null} if none yet
 * @param consumedCount records consumed so far
 */
public record ChannelInfo(String channelId, Type type, Status status, String ownerClientId, Instant rpoTime,
                          long consumedCount) {

    /** Kind of channel. */
    public enum Type {
        BASE_DATA(TunnelNames.BASE_DATA),
        STREAM(TunnelNames.STREAM);

        private final String wireName;

        Type(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** @throws IllegalArgumentException for an unknown wire string */
        public static Type fromWireName(String name) {
            for (Type t : values()) {
                if (t.wireName.equals(name)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown channel type '" + name + "'");
        }
    }

    /** Channel status as shown by DescribeTunnel. */
    public enum Status {
        /** Waiting for its parents to finish. */
        WAIT,
        /** Assigned and being consumed. */
        OPEN,
        /** Being handed from one client to another. */
        CLOSING,
        /** Released; may be re-assigned. */
        CLOSE,
        /** Finished; never re-assigned. */
        TERMINATED;

        /** @throws IllegalArgumentException for an unknown wire string */
        public static Status fromWireName(String name) {
            for (Status s : values()) {
                if (s.name().equals(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown channel status '" + name + "'");
        }
    }

    public ChannelInfo {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
    }
}
