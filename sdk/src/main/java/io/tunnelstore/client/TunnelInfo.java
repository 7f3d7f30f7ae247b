package io.tunnelstore.client;

import io.tunnelstore.protocol.tunnel.TunnelNames;
import java.time.Instant;
import java.util.Objects;

/**
 * A tunnel as listed or described by the server.
 *
 * @param tunnelId     the tunnel id (what {@code createTunnel} returned)
 * @param tunnelName   the name given at creation
 * @param tableName    the table it reads
 * @param instanceName the instance
 * @param type         what it delivers
 * @param stage        where it is in its lifecycle
 * @param expired      whether it fell behind stream retention
 * @param createTime   when it was created, or {@code null} if the server did not say
 * @param streamId     the table stream it follows (empty for BASE_DATA tunnels)
 */
public record TunnelInfo(String tunnelId, String tunnelName, String tableName, String instanceName,
                         TunnelType type, Stage stage, boolean expired, Instant createTime, String streamId) {

    /** Lifecycle stage of a tunnel. */
    public enum Stage {
        /** Preparing base-data partitions and stream shards. */
        INIT_BASE_DATA_AND_STREAM_SHARD(TunnelNames.STAGE_INIT_BASE_DATA_AND_STREAM_SHARD),
        /** Delivering the base-data snapshot. */
        PROCESS_BASE_DATA(TunnelNames.STAGE_PROCESS_BASE_DATA),
        /** Delivering stream changes. */
        PROCESS_STREAM(TunnelNames.STAGE_PROCESS_STREAM);

        private final String wireName;

        Stage(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** @throws IllegalArgumentException for an unknown wire string */
        public static Stage fromWireName(String name) {
            for (Stage s : values()) {
                if (s.wireName.equals(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown tunnel stage '" + name + "'");
        }
    }

    public TunnelInfo {
        Objects.requireNonNull(tunnelId, "tunnelId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(stage, "stage");
    }
}
