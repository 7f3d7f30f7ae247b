package io.tunnelstore.client;

import java.util.Objects;

/**
 * Arguments of {@link TunnelClient#createTunnel}.
 *
 * @param tableName    the table to read
 * @param tunnelName   the tunnel's name, unique per table
 * @param type         what the tunnel delivers
 * @param streamConfig stream start/end, or {@code null} for the server default (LATEST); only meaningful
 *                     for STREAM and BASE_AND_STREAM tunnels
 * @param rebaseline   Tunnelstore extension: whether a stream channel that fell behind the retained change log is
 *                     re-baselined (its key range re-read from a fresh snapshot between resync markers) instead of
 *                     skipping the trimmed changes; {@code null} = the server's default (on for Tunnelstore;
 *                     the public service ignores it)
 */
public record CreateTunnelRequest(String tableName, String tunnelName, TunnelType type,
                                  TunnelStreamConfig streamConfig, Boolean rebaseline) {

    /** A request with the server's default re-baseline behaviour. */
    public CreateTunnelRequest(String tableName, String tunnelName, TunnelType type, TunnelStreamConfig streamConfig) {
        this(tableName, tunnelName, type, streamConfig, null);
    }

    /** This request with re-baselining switched on or off explicitly. */
    public CreateTunnelRequest withRebaseline(boolean on) {
        return new CreateTunnelRequest(tableName, tunnelName, type, streamConfig, on);
    }

    public CreateTunnelRequest {
        TableNames.validate(tableName);
        Objects.requireNonNull(tunnelName, "tunnelName");
        Objects.requireNonNull(type, "type");
        if (tunnelName.isBlank()) {
            throw new IllegalArgumentException("tunnelName is blank");
        }
        if (streamConfig != null && type == TunnelType.BASE_DATA) {
            throw new IllegalArgumentException("a BASE_DATA tunnel has no stream part; drop the stream config");
        }
    }

    /** A tunnel with the server's default stream start. */
    public static CreateTunnelRequest of(String tableName, String tunnelName, TunnelType type) {
        return new CreateTunnelRequest(tableName, tunnelName, type, null);
    }
}
