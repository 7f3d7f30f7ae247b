package io.tunnelstore.coordinator;

import java.util.List;
import java.util.Objects;

/**
 * Complete, immutable state of one {@link TunnelCoordinator}: enough to rebuild it after a restart with
 * {@link TunnelCoordinator#restore}. Serialize with {@link TunnelSnapshotCodec}.
 *
 * @param tunnelId         tunnel the state belongs to
 * @param type             tunnel type
 * @param stage            current stage
 * @param expired          set once the tunnel expired, else {@code null}
 * @param disabled         set once the tunnel was disabled, else {@code null}
 * @param nextClientSerial serial for the next client id (keeps ids unique across restarts)
 * @param changeCount      number of durable changes made so far
 * @param channels         every channel, sorted by id
 * @param clients          every registered client session, sorted by id
 * @param lossEvents       recorded data losses, oldest first
 */
public record TunnelSnapshot(
        String tunnelId,
        TunnelType type,
        TunnelStage stage,
        LifecycleMark expired,
        LifecycleMark disabled,
        long nextClientSerial,
        long changeCount,
        List<ChannelEntry> channels,
        List<ClientSession> clients,
        List<LossEvent> lossEvents) {

    public TunnelSnapshot {
        Objects.requireNonNull(tunnelId, "tunnelId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(stage, "stage");
        channels = List.copyOf(channels);
        clients = List.copyOf(clients);
        lossEvents = List.copyOf(lossEvents);
    }

    /** One channel: its fixed definition and its current state. */
    public record ChannelEntry(ChannelDefinition definition, ChannelState state) {
        public ChannelEntry {
            Objects.requireNonNull(definition, "definition");
            Objects.requireNonNull(state, "state");
        }
    }
}
