package io.tunnelstore.coordinator;

import static io.tunnelstore.protocol.tunnel.ChannelStatus.CLOSE;
import static io.tunnelstore.protocol.tunnel.ChannelStatus.CLOSING;
import static io.tunnelstore.protocol.tunnel.ChannelStatus.OPEN;
import static io.tunnelstore.protocol.tunnel.ChannelStatus.TERMINATED;
import static io.tunnelstore.protocol.tunnel.ChannelStatus.WAIT;
import static io.tunnelstore.coordinator.Fixtures.TIMEOUT;
import static io.tunnelstore.coordinator.Fixtures.baseTunnel;
import static io.tunnelstore.coordinator.Fixtures.beat;
import static io.tunnelstore.coordinator.Fixtures.channel;
import static io.tunnelstore.coordinator.Fixtures.closing;
import static io.tunnelstore.coordinator.Fixtures.connect;
import static io.tunnelstore.coordinator.Fixtures.open;
import static io.tunnelstore.coordinator.Fixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    private static ScheduleResult.Scheduled scheduled(String id, ChannelStatus status, long version,
            boolean suspended) {
        return new ScheduleResult.Scheduled(id, status, version, suspended);
    }

    @Test
    void suspendTakesAnOpenChannelAwayThroughClosingAndKeepsItUnassignedUntilResumed() {
        TunnelCoordinator c = baseTunnel(2);
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        c.checkpoint(100, a, "BaseData_0", "pos-7", 1);

        assertThat(c.schedule(1_000, "BaseData_0", CLOSING)).isEqualTo(scheduled("BaseData_0", CLOSING, 2, true));
        assertThat(beat(c, 1_000, a)).containsExactly(closing("BaseData_0", 2), open("BaseData_1", 1));
        assertThat(channel(c, "BaseData_0").status()).isEqualTo(CLOSING);

        // The owner hands it back the normal way; a sole client would otherwise get it straight back.
        assertThat(beat(c, 2_000, a, report("BaseData_0", 3, CLOSE))).containsExactly(open("BaseData_1", 1));
        assertThat(beat(c, 3_000, a)).containsExactly(open("BaseData_1", 1));
        assertThat(channel(c, "BaseData_0").status()).isEqualTo(WAIT);
        assertThat(channel(c, "BaseData_0").ownerClientId()).isNull();

        assertThat(c.schedule(4_000, "BaseData_0", OPEN)).isEqualTo(scheduled("BaseData_0", OPEN, 4, false));
        assertThat(beat(c, 4_000, a)).containsExactly(open("BaseData_0", 4), open("BaseData_1", 1));
        assertThat(c.getCheckpoint(a, "BaseData_0")).isEqualTo(new GetCheckpointResult.Found("pos-7", 1));
    }

    @Test
    void suspendedUnownedChannelIsNotGivenToNewClientsAndResumeWithoutSuspensionIsANoOp() {
        TunnelCoordinator c = baseTunnel(2);
        assertThat(c.schedule(0, "BaseData_1", CLOSING)).isEqualTo(scheduled("BaseData_1", WAIT, 0, true));
        long changes = c.changeCount();
        assertThat(c.schedule(0, "BaseData_1", CLOSING)).isEqualTo(scheduled("BaseData_1", WAIT, 0, true));
        assertThat(c.changeCount()).isEqualTo(changes);

        String a = connect(c, 0, "a");
        assertThat(beat(c, 0, a)).containsExactly(open("BaseData_0", 1));
        assertThat(c.schedule(10, "BaseData_0", OPEN)).isEqualTo(scheduled("BaseData_0", OPEN, 1, false));
        assertThat(c.changeCount()).isGreaterThan(changes);

        c.schedule(20, "BaseData_1", OPEN);
        assertThat(beat(c, 30, a)).containsExactly(open("BaseData_0", 1), open("BaseData_1", 1));
    }

    @Test
    void resumingBeforeTheOwnerHandedBackLetsTheHandOverFinishAndThenReassigns() {
        TunnelCoordinator c = baseTunnel(1);
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        c.schedule(100, "BaseData_0", CLOSING);

        assertThat(c.schedule(200, "BaseData_0", OPEN)).isEqualTo(scheduled("BaseData_0", CLOSING, 2, false));
        assertThat(beat(c, 300, a)).containsExactly(closing("BaseData_0", 2));
        assertThat(beat(c, 400, a, report("BaseData_0", 3, CLOSE))).containsExactly(open("BaseData_0", 4));
    }

    @Test
    void suspendedChannelOfAnExpiredOwnerStaysUnassignedForOtherClients() {
        TunnelCoordinator c = baseTunnel(1);
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        c.schedule(100, "BaseData_0", CLOSING);
        String b = connect(c, TIMEOUT, "b");
        beat(c, TIMEOUT, b);

        assertThat(beat(c, TIMEOUT + 1_000, b)).isEmpty();
        assertThat(channel(c, "BaseData_0").status()).isEqualTo(WAIT);
        assertThat(channel(c, "BaseData_0").version()).isEqualTo(3);
        c.schedule(TIMEOUT + 2_000, "BaseData_0", OPEN);
        assertThat(beat(c, TIMEOUT + 3_000, b)).containsExactly(open("BaseData_0", 4));
    }

    @Test
    void terminateFinishesOwnedAndUnownedChannelsForGoodAndAdvancesTheStage() {
        TunnelCoordinator c = baseTunnel(2);
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        c.schedule(50, "BaseData_1", CLOSING);
        beat(c, 60, a, report("BaseData_1", 3, CLOSE));

        assertThat(c.schedule(100, "BaseData_0", TERMINATED)).isEqualTo(scheduled("BaseData_0", TERMINATED, 2, false));
        assertThat(beat(c, 100, a)).isEmpty();
        assertThat(c.getCheckpoint(a, "BaseData_0"))
                .isEqualTo(new GetCheckpointResult.Found(ChannelState.FINISHED_TOKEN, 0));
        assertThat(c.checkpoint(110, a, "BaseData_0", "late", 1)).isInstanceOf(Rejection.class);
        assertThat(c.stage()).isEqualTo(TunnelStage.PROCESS_BASE_DATA);

        assertThat(c.schedule(200, "BaseData_1", TERMINATED)).isEqualTo(scheduled("BaseData_1", TERMINATED, 4, false));
        assertThat(c.stage()).isEqualTo(TunnelStage.PROCESS_STREAM);
        // Idempotent, and final.
        assertThat(c.schedule(300, "BaseData_1", TERMINATED)).isEqualTo(scheduled("BaseData_1", TERMINATED, 4, false));
        assertThat(c.schedule(300, "BaseData_1", OPEN)).isEqualTo(new Rejection(CoordinatorError.PARAMETER_INVALID,
                "channel BaseData_1 of tunnel t1 is TERMINATED"));
        assertThat(c.schedule(300, "BaseData_1", CLOSING)).isInstanceOf(Rejection.class);
    }

    @Test
    void terminatingAParentShardUnlocksItsChild() {
        TunnelCoordinator c = TunnelCoordinator.createInitialized("t2", TunnelType.STREAM, List.of(
                ChannelDefinition.stream("parent", "p", List.of()),
                ChannelDefinition.stream("child", "c", List.of("parent"))), ClientIdGenerator.sequential());
        String a = connect(c, 0, "a");
        assertThat(beat(c, 0, a)).containsExactly(open("parent", 1));

        c.schedule(10, "parent", TERMINATED);

        assertThat(beat(c, 20, a)).containsExactly(open("child", 1));
    }

    @Test
    void badRequestsAreRejectedWithTheirWireErrors() {
        TunnelCoordinator c = baseTunnel(1);
        assertThat(c.schedule(0, "nope", OPEN)).isEqualTo(new Rejection(CoordinatorError.PARAMETER_INVALID,
                "channel nope does not exist in tunnel t1"));
        assertThat(c.schedule(0, "BaseData_0", CLOSE)).isEqualTo(new Rejection(CoordinatorError.PARAMETER_INVALID,
                "schedule accepts OPEN, CLOSING or TERMINATED, not CLOSE"));
        c.expire(1, "old");
        assertThat(c.schedule(2, "BaseData_0", CLOSING)).isEqualTo(new Rejection(CoordinatorError.TUNNEL_EXPIRED,
                "tunnel t1 expired: old"));
    }

    @Test
    void suspendedFlagSurvivesTheSnapshotCodecAndRestore() {
        TunnelCoordinator c = baseTunnel(2);
        c.schedule(0, "BaseData_1", CLOSING);

        TunnelCoordinator after = TunnelCoordinator.restore(
                TunnelSnapshotCodec.decode(TunnelSnapshotCodec.encode(c.snapshot())), 0,
                ClientIdGenerator.sequential());

        assertThat(after.snapshot().channels()).isEqualTo(c.snapshot().channels());
        assertThat(after.snapshot().channels().get(1).state().suspended()).isTrue();
        String a = connect(after, 0, "a");
        assertThat(beat(after, 0, a)).containsExactly(open("BaseData_0", 1));
    }

    @Test
    void formatOneSnapshotsWithoutTheFlagAreStillRead() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0x54534E50);
            out.writeByte(1);
            str(out, "old");
            out.writeByte(TunnelType.BASE_DATA.wireNumber());
            str(out, TunnelStage.PROCESS_BASE_DATA.wireName());
            out.writeBoolean(false);
            out.writeBoolean(false);
            out.writeLong(5); // nextClientSerial
            out.writeLong(9); // changeCount
            out.writeInt(1);
            str(out, "BaseData_0");
            str(out, "BaseData");
            out.writeInt(0);
            str(out, "init");
            out.writeByte(3); // CLOSE
            out.writeLong(6);
            out.writeInt(-1);
            str(out, "cp");
            out.writeLong(2);
            out.writeLong(40);
            out.writeLong(1_000);
            out.writeLong(900);
            out.writeInt(0);
            out.writeInt(0);
        }

        TunnelSnapshot s = TunnelSnapshotCodec.decode(bytes.toByteArray());

        assertThat(s.channels()).containsExactly(new TunnelSnapshot.ChannelEntry(
                new ChannelDefinition("BaseData_0", ChannelKind.BASE_DATA, List.of(), "init"),
                new ChannelState(CLOSE, 6, null, "cp", 2, 40, 1_000, 900, false)));
        assertThat(s.changeCount()).isEqualTo(9);
    }

    private static void str(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }
}
