package io.tunnelstore.coordinator;

import static io.tunnelstore.protocol.tunnel.ChannelStatus.CLOSE;
import static io.tunnelstore.protocol.tunnel.ChannelStatus.TERMINATED;
import static io.tunnelstore.coordinator.Fixtures.TIMEOUT;
import static io.tunnelstore.coordinator.Fixtures.baseTunnel;
import static io.tunnelstore.coordinator.Fixtures.beat;
import static io.tunnelstore.coordinator.Fixtures.channel;
import static io.tunnelstore.coordinator.Fixtures.connect;
import static io.tunnelstore.coordinator.Fixtures.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointTest {

    private static CoordinatorError error(Object result) {
        assertThat(result).isInstanceOf(Rejection.class);
        return ((Rejection) result).error();
    }

    @Test
    void neverCheckpointedChannelReturnsInitialTokenWithSequenceZeroToAnyCaller() {
        TunnelCoordinator c = baseTunnel(1);

        assertThat(c.getCheckpoint("", "BaseData_0")).isEqualTo(new GetCheckpointResult.Found("base-token-0", 0));
        assertThat(error(c.getCheckpoint("x", "nope"))).isEqualTo(CoordinatorError.PARAMETER_INVALID);
    }

    @Test
    void onlyStoredPlusOneIsAccepted() {
        TunnelCoordinator c = baseTunnel(1);
        String a = connect(c, 0, "a");
        beat(c, 0, a);

        assertThat(error(c.checkpoint(1, a, "BaseData_0", "t0", 0))).isEqualTo(CoordinatorError.SEQUENCE_NUMBER_NOT_MATCH);
        assertThat(error(c.checkpoint(1, a, "BaseData_0", "t2", 2))).isEqualTo(CoordinatorError.SEQUENCE_NUMBER_NOT_MATCH);
        assertThat(c.checkpoint(5, a, "BaseData_0", "t1", 1)).isEqualTo(new CheckpointResult.Accepted(1));
        assertThat(c.checkpoint(6, a, "BaseData_0", "t2", 2)).isEqualTo(new CheckpointResult.Accepted(2));
        assertThat(error(c.checkpoint(7, a, "BaseData_0", "t2b", 2))).isEqualTo(CoordinatorError.SEQUENCE_NUMBER_NOT_MATCH);

        assertThat(c.getCheckpoint(a, "BaseData_0")).isEqualTo(new GetCheckpointResult.Found("t2", 2));
        assertThat(channel(c, "BaseData_0").lastCheckpointMillis()).isEqualTo(6);
        assertThat(CoordinatorError.SEQUENCE_NUMBER_NOT_MATCH.wireCode()).isEqualTo("OTSSequenceNumberNotMatch");
    }

    @Test
    void staleOwnerIsFencedAfterHandoverWithANonFatalWireError() {
        TunnelCoordinator c = baseTunnel(1);
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        assertThat(c.checkpoint(1, a, "BaseData_0", "a1", 1)).isInstanceOf(CheckpointResult.Accepted.class);
        String b = connect(c, 2, "b");
        beat(c, 3, a, report("BaseData_0", 2, CLOSE));
        beat(c, 4, b);
        assertThat(channel(c, "BaseData_0").ownerClientId()).isEqualTo(b);

        CheckpointResult stale = c.checkpoint(5, a, "BaseData_0", "a2", 2);

        assertThat(error(stale)).isEqualTo(CoordinatorError.NOT_OWNER);
        assertThat(CoordinatorError.NOT_OWNER.wireCode()).isEqualTo("OTSSequenceNumberNotMatch");
        assertThat(c.getCheckpoint(b, "BaseData_0")).isEqualTo(new GetCheckpointResult.Found("a1", 1));
        assertThat(c.checkpoint(6, b, "BaseData_0", "b2", 2)).isEqualTo(new CheckpointResult.Accepted(2));
    }

    @Test
    void expiredClientGetsResourceGone() {
        TunnelCoordinator c = baseTunnel(1);
        String a = connect(c, 0, "a");
        beat(c, 0, a);

        assertThat(error(c.checkpoint(Fixtures.TIMEOUT + 1, a, "BaseData_0", "t", 1)))
                .isEqualTo(CoordinatorError.RESOURCE_GONE);
        assertThat(channel(c, "BaseData_0").checkpointSequence()).isZero();
    }

    @Test
    void badArgumentsAreParameterInvalid() {
        TunnelCoordinator c = baseTunnel(1);
        String a = connect(c, 0, "a");
        beat(c, 0, a);

        assertThat(error(c.checkpoint(1, a, "BaseData_0", "", 1))).isEqualTo(CoordinatorError.PARAMETER_INVALID);
        assertThat(error(c.checkpoint(1, a, "nope", "t", 1))).isEqualTo(CoordinatorError.PARAMETER_INVALID);
        assertThat(CoordinatorError.PARAMETER_INVALID.wireCode()).isEqualTo("OTSParameterInvalid");
    }

    @Test
    void finishedCheckpointIsFinalAndTerminatedChannelReportsFinished() {
        TunnelCoordinator c = baseTunnel(2);
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        c.checkpoint(1, a, "BaseData_0", "finished", 1);

        assertThat(error(c.checkpoint(2, a, "BaseData_0", "more", 2))).isEqualTo(CoordinatorError.PARAMETER_INVALID);
        assertThat(c.checkpoint(2, a, "BaseData_0", "finished", 2)).isEqualTo(new CheckpointResult.Accepted(2));
        assertThat(channel(c, "BaseData_0").status()).isEqualTo(ChannelStatus.OPEN); // until the client reports

        beat(c, 3, a, report("BaseData_0", 2, TERMINATED));
        assertThat(c.getCheckpoint(a, "BaseData_0")).isEqualTo(new GetCheckpointResult.Found("finished", 2));
        assertThat(error(c.checkpoint(4, a, "BaseData_0", "finished", 3))).isEqualTo(CoordinatorError.NOT_OWNER);
    }

    @Test
    void channelTerminatedWithoutFinishedCheckpointStillReadsAsFinished() {
        TunnelCoordinator c = baseTunnel(1);
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        c.checkpoint(1, a, "BaseData_0", "half", 1);
        beat(c, 2, a, report("BaseData_0", 2, TERMINATED));

        assertThat(c.getCheckpoint(a, "BaseData_0")).isEqualTo(new GetCheckpointResult.Found("finished", 1));
    }

    @Test
    void resetToTokenMovesCheckpointForwardBumpsSequenceAndRecordsLoss() {
        TunnelCoordinator c = TunnelCoordinator.createInitialized("t", TunnelType.STREAM,
                List.of(ChannelDefinition.stream("s0", "start", List.of())), ClientIdGenerator.sequential());
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        c.checkpoint(10, a, "s0", "old-pos", 1);

        c.resetToToken(20, "s0", "oldest-retained", "stream trimmed before checkpoint");

        assertThat(c.getCheckpoint(a, "s0")).isEqualTo(new GetCheckpointResult.Found("oldest-retained", 2));
        assertThat(error(c.checkpoint(21, a, "s0", "old-pos-2", 2))).isEqualTo(CoordinatorError.SEQUENCE_NUMBER_NOT_MATCH);
        assertThat(c.describe().lossEvents()).containsExactly(
                new LossEvent("s0", 20, "old-pos", "oldest-retained", "stream trimmed before checkpoint"));
        assertThatThrownBy(() -> c.resetToToken(22, "nope", "x", "n")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recordReadKeepsNewestConsumePoint() {
        TunnelCoordinator c = baseTunnel(1);

        assertThat(c.recordRead("BaseData_0", 5_000)).isTrue();
        assertThat(c.recordRead("BaseData_0", 4_000)).isTrue();
        assertThat(c.recordRead("nope", 4_000)).isFalse();

        assertThat(channel(c, "BaseData_0").consumedCount()).isZero();
        assertThat(channel(c, "BaseData_0").rpoMillis()).isEqualTo(5_000);
        assertThat(c.describe().tunnelRpoMillis()).isEqualTo(5_000);
    }

    @Test
    void consumedCountIsTheCountOfTheLastAcceptedCheckpoint() {
        TunnelCoordinator c = baseTunnel(1);
        String a = connect(c, 0, "a");
        beat(c, 0, a);

        c.checkpoint(10, a, "BaseData_0", "after-50", 1, 50);
        // a refused checkpoint (stale sequence) changes nothing
        assertThat(c.checkpoint(20, a, "BaseData_0", "after-80", 1, 80)).isInstanceOf(Rejection.class);
        assertThat(channel(c, "BaseData_0").consumedCount()).isEqualTo(50);
        // a re-delivered batch checkpoints the same count again: not counted twice
        c.checkpoint(30, a, "BaseData_0", "after-50-again", 2, 50);
        assertThat(channel(c, "BaseData_0").consumedCount()).isEqualTo(50);
        c.checkpoint(40, a, "BaseData_0", ChannelState.FINISHED_TOKEN, 3, TunnelCoordinator.UNKNOWN_COUNT);
        assertThat(channel(c, "BaseData_0").consumedCount()).isEqualTo(50);
    }

    @Test
    void finishedCheckpointTakesTheFinalCountOfTheLastServedBatch() {
        TunnelCoordinator c = baseTunnel(1);
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        c.checkpoint(10, a, "BaseData_0", "after-4", 1, 4);

        assertThat(c.recordFinalCount("BaseData_0", 5)).isTrue();
        assertThat(c.recordFinalCount("nope", 5)).isFalse();
        assertThat(channel(c, "BaseData_0").consumedCount()).isEqualTo(4);
        c.checkpoint(20, a, "BaseData_0", ChannelState.FINISHED_TOKEN, 2, TunnelCoordinator.UNKNOWN_COUNT);

        assertThat(channel(c, "BaseData_0").consumedCount()).isEqualTo(5);
    }

    @Test
    void theOwnersLastCheckpointJustAfterItsOwnShutdownIsAcceptedForTheReleasedVersionOnly() {
        TunnelCoordinator c = baseTunnel(1);
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        c.checkpoint(1, a, "BaseData_0", "t1", 1);
        c.shutdown(2, a); // released: CLOSE v2, nobody else to take it

        // the Go SDK's Close(): its last checkpoint lands after ShutdownTunnel
        assertThat(c.checkpoint(3, a, "BaseData_0", "t2", 2)).isEqualTo(new CheckpointResult.Accepted(2));
        assertThat(c.getCheckpoint("", "BaseData_0")).isEqualTo(new GetCheckpointResult.Found("t2", 2));
        assertThat(channel(c, "BaseData_0").version()).isEqualTo(2);

        // once the channel moved on (re-assigned: v3), the old owner is fenced again
        String b = connect(c, 4, "b");
        beat(c, 4, b);
        assertThat(channel(c, "BaseData_0").ownerClientId()).isEqualTo(b);
        assertThat(error(c.checkpoint(5, a, "BaseData_0", "t3", 3))).isEqualTo(CoordinatorError.RESOURCE_GONE);
    }

    @Test
    void aClientThatExpiredInsteadOfShuttingDownGetsNoLateCheckpoint() {
        TunnelCoordinator c = baseTunnel(1);
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        c.tick(TIMEOUT + 1); // a expired: its channel is released without a shutdown

        assertThat(error(c.checkpoint(TIMEOUT + 2, a, "BaseData_0", "t1", 1)))
                .isEqualTo(CoordinatorError.RESOURCE_GONE);
    }

    @Test
    void anEvictedClientIsGoneLikeAnExpiredOneAndGetsNoLateCheckpoint() {
        TunnelCoordinator c = baseTunnel(1);
        String a = connect(c, 0, "a");
        beat(c, 0, a);

        assertThat(c.evict(1, a)).isTrue();
        assertThat(c.evict(1, a)).isFalse();
        assertThat(channel(c, "BaseData_0").ownerClientId()).isNull();
        assertThat(channel(c, "BaseData_0").version()).isEqualTo(2);
        assertThat(error(c.checkpoint(2, a, "BaseData_0", "t1", 1))).isEqualTo(CoordinatorError.RESOURCE_GONE);
        assertThat(error(c.heartbeat(3, a, List.of()))).isEqualTo(CoordinatorError.RESOURCE_GONE);
    }
}
