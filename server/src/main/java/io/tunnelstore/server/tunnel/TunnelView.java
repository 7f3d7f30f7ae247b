package io.tunnelstore.server.tunnel;

import io.tunnelstore.coordinator.TunnelDescription;
import io.tunnelstore.coordinator.TunnelType;
import java.util.Map;
import java.util.Objects;

/**
 * Read-only view of one tunnel for the console and metrics: identity plus the coordinator's full description
 * (stage, expiry, channels with owners, counts and consume points, live clients, recorded data losses — more than
 * the wire DescribeTunnel can carry). Immutable.
 *
 * @param instanceName     instance
 * @param tableName        table
 * @param tunnelName       tunnel name
 * @param tunnelId         tunnel id
 * @param type             tunnel type
 * @param createTimeMillis creation time
 * @param description      coordinator state at the time of the call
 * @param checkpoints      per channel id, its checkpoint position at the same moment (a channel whose stored token
 *                         cannot be decoded is missing)
 */
public record TunnelView(String instanceName, String tableName, String tunnelName, String tunnelId, TunnelType type,
                         long createTimeMillis, TunnelDescription description,
                         Map<String, CheckpointPosition> checkpoints) {
    public TunnelView {
        Objects.requireNonNull(tunnelId, "tunnelId");
        Objects.requireNonNull(description, "description");
        checkpoints = Map.copyOf(checkpoints);
    }
}
