package io.tunnelstore.protocol.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.pb.TunnelProtos;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ChannelStatusTest {

    private static final Map<ChannelStatus, Set<ChannelStatus>> ALLOWED = Map.of(
            ChannelStatus.WAIT, Set.of(ChannelStatus.OPEN, ChannelStatus.TERMINATED),
            ChannelStatus.OPEN, Set.of(ChannelStatus.CLOSING, ChannelStatus.CLOSE, ChannelStatus.TERMINATED),
            ChannelStatus.CLOSING, Set.of(ChannelStatus.CLOSE, ChannelStatus.TERMINATED),
            ChannelStatus.CLOSE, Set.of(ChannelStatus.OPEN, ChannelStatus.TERMINATED),
            ChannelStatus.TERMINATED, Set.of());

    @ParameterizedTest
    @EnumSource(ChannelStatus.class)
    void transitionTableMatchesTheDocumentedDiagram(ChannelStatus from) {
        for (ChannelStatus to : ChannelStatus.values()) {
            assertThat(from.canTransitionTo(to)).as("%s -> %s", from, to).isEqualTo(ALLOWED.get(from).contains(to));
        }
    }

    @ParameterizedTest
    @EnumSource(TunnelProtos.ChannelStatus.class)
    void everyHeartbeatStatusMapsToTheSameNameAndBack(TunnelProtos.ChannelStatus wire) {
        ChannelStatus status = ChannelStatus.fromProto(wire);
        assertThat(status.name()).isEqualTo(wire.name());
        assertThat(status.wireNumber()).isEqualTo(wire.getNumber());
        assertThat(status.toProto()).isEqualTo(wire);
    }

    @Test
    void waitHasNoHeartbeatValue() {
        assertThat(ChannelStatus.fromWireNumber(0)).isEmpty();
        assertThatThrownBy(ChannelStatus.WAIT::toProto).isInstanceOf(IllegalStateException.class)
                .hasMessage("WAIT is not a heartbeat channel status");
    }
}
