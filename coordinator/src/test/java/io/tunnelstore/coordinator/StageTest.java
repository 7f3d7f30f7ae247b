package io.tunnelstore.coordinator;

import static io.tunnelstore.protocol.tunnel.ChannelStatus.TERMINATED;
import static io.tunnelstore.coordinator.Fixtures.beat;
import static io.tunnelstore.coordinator.Fixtures.channel;
import static io.tunnelstore.coordinator.Fixtures.connect;
import static io.tunnelstore.coordinator.Fixtures.open;
import static io.tunnelstore.coordinator.Fixtures.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class StageTest {

    private static final ClientIdGenerator IDS = ClientIdGenerator.sequential();

    private static TunnelCoordinator baseAndStream() {
        TunnelCoordinator c = TunnelCoordinator.create("t", TunnelType.BASE_AND_STREAM, IDS);
        c.initialize(List.of(
                ChannelDefinition.base("BaseData_0", "b0"),
                ChannelDefinition.base("BaseData_1", "b1"),
                ChannelDefinition.stream("p1", "s-p1", List.of()),
                ChannelDefinition.stream("p2", "s-p2", List.of()),
                ChannelDefinition.stream("child", "s-child", List.of("p1", "p2"))));
        return c;
    }

    @Test
    void newTunnelIsInInitStageWithNoChannelsAndHeartbeatsListNothing() {
        TunnelCoordinator c = TunnelCoordinator.create("t", TunnelType.BASE_AND_STREAM, IDS);
        String a = connect(c, 0, "a");

        assertThat(c.describe().stage().wireName()).isEqualTo("InitBaseDataAndStreamShard");
        assertThat(c.describe().channels()).isEmpty();
        assertThat(beat(c, 0, a)).isEmpty();
    }

    @Test
    void baseAndStreamOpensBaseFirstThenStreamParentsThenChildren() {
        TunnelCoordinator c = baseAndStream();
        String a = connect(c, 0, "a");
        assertThat(c.stage()).isEqualTo(TunnelStage.PROCESS_BASE_DATA);
        assertThat(beat(c, 0, a)).containsExactly(open("BaseData_0", 1), open("BaseData_1", 1));
        assertThat(channel(c, "p1").status()).isEqualTo(ChannelStatus.WAIT);

        assertThat(beat(c, 1, a, report("BaseData_0", 2, TERMINATED))).containsExactly(open("BaseData_1", 1));
        assertThat(c.stage()).isEqualTo(TunnelStage.PROCESS_BASE_DATA);

        assertThat(beat(c, 2, a, report("BaseData_1", 2, TERMINATED))).containsExactly(open("p1", 1), open("p2", 1));
        assertThat(c.stage().wireName()).isEqualTo("ProcessStream");

        // A merge child waits for both parents.
        assertThat(beat(c, 3, a, report("p1", 2, TERMINATED))).containsExactly(open("p2", 1));
        assertThat(channel(c, "child").status()).isEqualTo(ChannelStatus.WAIT);
        assertThat(beat(c, 4, a, report("p2", 2, TERMINATED))).containsExactly(open("child", 1));
        assertThat(c.getCheckpoint(a, "child")).isEqualTo(new GetCheckpointResult.Found("s-child", 0));
    }

    @Test
    void baseDataTunnelReachesProcessStreamWhenAllBaseChannelsTerminate() {
        TunnelCoordinator c = Fixtures.baseTunnel(1);
        String a = connect(c, 0, "a");
        beat(c, 0, a);

        assertThat(beat(c, 1, a, report("BaseData_0", 2, TERMINATED))).isEmpty();
        assertThat(c.stage()).isEqualTo(TunnelStage.PROCESS_STREAM);
    }

    @Test
    void streamTunnelStartsInProcessStream() {
        TunnelCoordinator c = TunnelCoordinator.createInitialized("t", TunnelType.STREAM,
                List.of(ChannelDefinition.stream("s", "tok", List.of())), IDS);

        assertThat(c.stage()).isEqualTo(TunnelStage.PROCESS_STREAM);
    }

    @Test
    void runtimeSplitChildrenOpenAfterTheirParent() {
        TunnelCoordinator c = TunnelCoordinator.createInitialized("t", TunnelType.STREAM,
                List.of(ChannelDefinition.stream("s", "tok", List.of())), IDS);
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        c.addStreamChannels(List.of(ChannelDefinition.stream("s-l", "l", List.of("s")),
                ChannelDefinition.stream("s-r", "r", List.of("s"))));

        assertThat(beat(c, 1, a)).containsExactly(open("s", 1));
        assertThat(beat(c, 2, a, report("s", 2, TERMINATED))).containsExactly(open("s-l", 1), open("s-r", 1));
    }

    @Test
    void channelKindsMustMatchTunnelTypeAndIdsMustBeUnique() {
        TunnelCoordinator base = Fixtures.baseTunnel(1);
        assertThatThrownBy(() -> base.addStreamChannels(List.of(ChannelDefinition.stream("s", "t", List.of()))))
                .isInstanceOf(IllegalArgumentException.class);
        TunnelCoordinator stream = TunnelCoordinator.create("t", TunnelType.STREAM, IDS);
        assertThatThrownBy(() -> stream.initialize(List.of(ChannelDefinition.base("b", "t"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> stream.addStreamChannels(List.of()))
                .isInstanceOf(IllegalStateException.class);
        stream.initialize(List.of(ChannelDefinition.stream("s", "t", List.of())));
        assertThatThrownBy(() -> stream.addStreamChannels(List.of(ChannelDefinition.stream("s", "t", List.of()))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> stream.initialize(List.of())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void expiredOrDisabledTunnelRefusesConnectHeartbeatAndCheckpointButAllowsShutdown() {
        TunnelCoordinator c = Fixtures.baseTunnel(1);
        String a = connect(c, 0, "a");
        beat(c, 0, a);

        c.expire(10, "base data not finished within stream retention");

        assertThat(c.connect(11, 1_000, "b")).isInstanceOfSatisfying(Rejection.class,
                r -> assertThat(r.error().wireCode()).isEqualTo("OTSTunnelExpired"));
        assertThat(c.heartbeat(11, a, List.of())).isInstanceOfSatisfying(Rejection.class,
                r -> assertThat(r.error()).isEqualTo(CoordinatorError.TUNNEL_EXPIRED));
        assertThat(c.checkpoint(11, a, "BaseData_0", "t", 1)).isInstanceOf(Rejection.class);
        assertThat(c.describe().expired()).isTrue();
        assertThat(c.describe().expiry()).isEqualTo(new LifecycleMark(10, "base data not finished within stream retention"));
        assertThat(c.shutdown(12, a)).isEqualTo(new ShutdownResult.Released(List.of("BaseData_0")));

        TunnelCoordinator d = Fixtures.baseTunnel(1);
        d.disable(5, "disabled by admin");
        assertThat(d.connect(6, 1_000, "b")).isInstanceOfSatisfying(Rejection.class,
                r -> assertThat(r.error()).isEqualTo(CoordinatorError.TUNNEL_EXPIRED));
        assertThat(d.describe().disabled()).isEqualTo(new LifecycleMark(5, "disabled by admin"));
    }

    @Test
    void connectRejectsNonPositiveTimeoutAndDefaultsBlankTag() {
        TunnelCoordinator c = Fixtures.baseTunnel(1);

        assertThat(c.connect(0, 0, "a")).isInstanceOfSatisfying(Rejection.class,
                r -> assertThat(r.error()).isEqualTo(CoordinatorError.PARAMETER_INVALID));
        assertThat(c.connect(0, 1_000, " ")).isEqualTo(new ConnectResult.Connected("client-0"));
    }

    @Test
    void wireNamesAreExact() {
        assertThat(TunnelType.BASE_AND_STREAM.wireName()).isEqualTo("BaseAndStream");
        assertThat(TunnelType.fromWireName("BaseData")).isEqualTo(TunnelType.BASE_DATA);
        assertThat(TunnelType.fromWireNumber(2)).isEqualTo(TunnelType.STREAM);
        assertThat(TunnelStage.fromWireName("ProcessBaseData")).isEqualTo(TunnelStage.PROCESS_BASE_DATA);
        assertThat(ChannelKind.STREAM.wireName()).isEqualTo("Stream");
        assertThat(ChannelStatus.fromWireNumber(4)).contains(ChannelStatus.TERMINATED);
        assertThat(ChannelStatus.fromWireNumber(0)).isEmpty();
        assertThat(ChannelStatus.CLOSING.wireNumber()).isEqualTo(2);
    }
}
