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
 */
public record CreateTunnelRequest(String tableName, String tunnelName, TunnelType type,
                                  TunnelStreamConfig streamConfig) {

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
