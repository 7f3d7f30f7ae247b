package io.tunnelstore.coordinator;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import java.util.List;

/**
 * Immutable view for DescribeTunnel and monitoring.
 *
 * @param tunnelId   tunnel id
 * @param type       tunnel type
 * @param stage      current stage
 * @param expiry     set when expired ({@code TunnelInfo.expired = true})
 * @param disabled   set when disabled
 * @param channels   every channel sorted by id (empty during InitBaseDataAndStreamShard)
 * @param clients    live client sessions sorted by id
 * @param lossEvents recorded data losses, oldest first
 */
public record TunnelDescription(
        String tunnelId,
        TunnelType type,
        TunnelStage stage,
        LifecycleMark expiry,
        LifecycleMark disabled,
        List<ChannelView> channels,
        List<ClientView> clients,
        List<LossEvent> lossEvents) {

    public TunnelDescription {
        channels = List.copyOf(channels);
        clients = List.copyOf(clients);
        lossEvents = List.copyOf(lossEvents);
    }

    /** Value of {@code TunnelInfo.expired}. */
    public boolean expired() {
        return expiry != null;
    }

    /**
     * Consume point of the slowest channel that has one (milliseconds; the transport converts to the wire's
     * nanoseconds), or 0 when no channel has a consume point yet.
     */
    public long tunnelRpoMillis() {
        return channels.stream().mapToLong(ChannelView::rpoMillis).filter(v -> v > 0).min().orElse(0);
    }

    /**
     * One channel as DescribeTunnel shows it.
     *
     * @param status WAIT when unowned and not TERMINATED (CLOSE is never shown), else OPEN/CLOSING/TERMINATED
     * @param ownerClientId owner, or {@code null} (send an empty string)
     */
    public record ChannelView(
            String channelId,
            ChannelKind kind,
            ChannelStatus status,
            String ownerClientId,
            long rpoMillis,
            long consumedCount,
            long version,
            long checkpointSequence,
            long lastCheckpointMillis,
            List<String> parentIds) {
        public ChannelView {
            parentIds = List.copyOf(parentIds);
        }
    }

    /** One live client and the channels listed to it. */
    public record ClientView(
            String clientId, String clientTag, long timeoutMillis, long lastHeartbeatMillis, List<String> channelIds) {
        public ClientView {
            channelIds = List.copyOf(channelIds);
        }
    }
}
