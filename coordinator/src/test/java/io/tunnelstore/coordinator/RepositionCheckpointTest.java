package io.tunnelstore.coordinator;

import static io.tunnelstore.protocol.tunnel.ChannelStatus.CLOSE;
import static io.tunnelstore.protocol.tunnel.ChannelStatus.CLOSING;
import static io.tunnelstore.protocol.tunnel.ChannelStatus.OPEN;
import static io.tunnelstore.protocol.tunnel.ChannelStatus.TERMINATED;
import static io.tunnelstore.protocol.tunnel.ChannelStatus.WAIT;
import static io.tunnelstore.coordinator.Fixtures.beat;
import static io.tunnelstore.coordinator.Fixtures.closing;
import static io.tunnelstore.coordinator.Fixtures.connect;
import static io.tunnelstore.coordinator.Fixtures.open;
import static io.tunnelstore.coordinator.Fixtures.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TunnelCoordinator#repositionCheckpoint}: the operator's checkpoint move (set, rewind, reset, import) is
 * fenced like any checkpoint and makes the owner re-read the channel. Time is passed in; no clock, no threads.
 */
class RepositionCheckpointTest {

    private static TunnelCoordinator streamTunnel(int channels) {
        List<ChannelDefinition> defs = new java.util.ArrayList<>();
        for (int i = 0; i < channels; i++) {
            defs.add(ChannelDefinition.stream("Stream_" + i, "initial-" + i, List.of()));
        }
        TunnelCoordinator c = TunnelCoordinator.createInitialized("t1", TunnelType.STREAM, defs,
                ClientIdGenerator.sequential());
        c.commit();
        return c;
    }

    private static ChannelState state(TunnelCoordinator c, String id) {
        return c.snapshot().channels().stream().filter(e -> e.definition().channelId().equals(id)).findFirst()
                .orElseThrow().state();
    }

    @Test
    void ownedChannelIsReleasedItsStaleCheckpointFencedAndItIsReopenedAtTheNewPosition() {
        TunnelCoordinator c = streamTunnel(1);
        String a = connect(c, 0, "a");
        assertThat(beat(c, 0, a)).containsExactly(open("Stream_0", 1));
        assertThat(c.checkpoint(100, a, "Stream_0", "pos-40", 1, 40)).isEqualTo(new CheckpointResult.Accepted(1));

        ChannelState after = c.repositionCheckpoint(1_000, "Stream_0", "pos-5", 5);

        assertThat(after).isEqualTo(new ChannelState(CLOSE, 2, null, "pos-5", 2, 5, 1_000, 0));
        // The worker's next checkpoint for its old position (it believes the next sequence is 2) is refused with
        // the wire's OTSSequenceNumberNotMatch, and so is the one it sends after re-reading the sequence.
        CheckpointResult stale = c.checkpoint(1_100, a, "Stream_0", "pos-50", 2, 50);
        assertThat(stale).isInstanceOf(Rejection.class);
        assertThat(((Rejection) stale).error().wireCode()).isEqualTo("OTSSequenceNumberNotMatch");
        assertThat(c.getCheckpoint(a, "Stream_0")).isEqualTo(new GetCheckpointResult.Found("pos-5", 2));
        assertThat(((Rejection) c.checkpoint(1_200, a, "Stream_0", "pos-50", 3, 50)).error().wireCode())
                .isEqualTo("OTSSequenceNumberNotMatch");

        // Its next heartbeat does not list the channel (the SDK drops its connection), even though it reports it
        // OPEN and is the only client; the one after hands it back at a higher version.
        assertThat(beat(c, 2_000, a, report("Stream_0", 1, OPEN))).isEmpty();
        assertThat(beat(c, 3_000, a)).containsExactly(open("Stream_0", 3));
        // The new connection reads the new position and checkpoints on from it.
        assertThat(c.getCheckpoint(a, "Stream_0")).isEqualTo(new GetCheckpointResult.Found("pos-5", 2));
        assertThat(c.checkpoint(3_100, a, "Stream_0", "pos-9", 3, 9)).isEqualTo(new CheckpointResult.Accepted(3));
        assertThat(state(c, "Stream_0")).isEqualTo(new ChannelState(OPEN, 3, a, "pos-9", 3, 9, 3_100, 0));
    }

    @Test
    void anotherClientMayTakeTheRepositionedChannelAtOnceButNotItsFormerOwner() {
        TunnelCoordinator c = streamTunnel(2);
        String a = connect(c, 0, "a");
        String b = connect(c, 0, "b");
        assertThat(beat(c, 0, a)).containsExactly(open("Stream_0", 1));
        assertThat(beat(c, 0, b)).containsExactly(open("Stream_1", 1));

        c.repositionCheckpoint(500, "Stream_0", "pos-1", 0);
        // a is next in line for its quota but must first learn that it lost the channel.
        assertThat(beat(c, 600, b)).containsExactly(open("Stream_1", 1));
        assertThat(beat(c, 700, a)).isEmpty();
        assertThat(beat(c, 800, a)).containsExactly(open("Stream_0", 3));
    }

    @Test
    void closingChannelIsTakenFromItsOwnerAndALateCloseReportChangesNothing() {
        TunnelCoordinator c = streamTunnel(1);
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        c.schedule(100, "Stream_0", CLOSING); // suspended: CLOSING v2 for its owner
        assertThat(beat(c, 200, a)).containsExactly(closing("Stream_0", 2));

        assertThat(c.repositionCheckpoint(300, "Stream_0", "pos-2", 2))
                .isEqualTo(new ChannelState(CLOSE, 3, null, "pos-2", 1, 2, 300, 0, true));
        assertThat(beat(c, 400, a, report("Stream_0", 3, CLOSE))).isEmpty();
        // Still suspended: not assigned until resumed.
        assertThat(beat(c, 500, a)).isEmpty();
        c.schedule(600, "Stream_0", OPEN);
        assertThat(beat(c, 700, a)).containsExactly(open("Stream_0", 4));
        assertThat(c.getCheckpoint(a, "Stream_0")).isEqualTo(new GetCheckpointResult.Found("pos-2", 1));
    }

    @Test
    void unownedChannelKeepsItsStatusAndGetsNewTokenSequenceAndVersion() {
        TunnelCoordinator c = streamTunnel(1);
        assertThat(c.repositionCheckpoint(10, "Stream_0", "pos-3", 3))
                .isEqualTo(new ChannelState(WAIT, 1, null, "pos-3", 1, 3, 10, 0));
        String a = connect(c, 20, "a");
        assertThat(beat(c, 20, a)).containsExactly(open("Stream_0", 2));
        assertThat(c.getCheckpoint(a, "Stream_0")).isEqualTo(new GetCheckpointResult.Found("pos-3", 1));
    }

    @Test
    void changesAreStoredAsTheChannelRecordAndHeaderAndSurviveAReplay() {
        TunnelCoordinator c = streamTunnel(2);
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        c.commit();
        long before = c.changeCount();

        c.repositionCheckpoint(1_000, "Stream_1", "pos-8", 8);

        assertThat(c.pendingChanges()).extracting(TunnelRecord::key)
                .containsExactlyInAnyOrder("c/Stream_1", TunnelRecord.HEADER_KEY);
        assertThat(c.changeCount()).isEqualTo(before + 1);
        c.commit();
        TunnelCoordinator restored = TunnelCoordinator.replay("t1", TunnelType.STREAM,
                TunnelRecords.of(c.snapshot()), 5_000, ClientIdGenerator.sequential());
        assertThat(state(restored, "Stream_1")).isEqualTo(state(c, "Stream_1"));
        assertThat(restored.getCheckpoint(a, "Stream_1")).isEqualTo(new GetCheckpointResult.Found("pos-8", 1));
    }

    @Test
    void rollbackOfADryRunLeavesTheTunnelExactlyAsBefore() {
        TunnelCoordinator c = streamTunnel(1);
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        c.checkpoint(100, a, "Stream_0", "pos-4", 1, 4);
        c.commit();
        TunnelSnapshot before = c.snapshot();

        c.repositionCheckpoint(1_000, "Stream_0", "pos-1", 1);
        c.rollback();

        assertThat(c.snapshot()).isEqualTo(before);
        assertThat(c.isDirty()).isFalse();
        // No leftover mark: the owner keeps its channel.
        assertThat(beat(c, 1_100, a)).containsExactly(open("Stream_0", 1));
        assertThat(c.checkpoint(1_200, a, "Stream_0", "pos-6", 2, 6)).isEqualTo(new CheckpointResult.Accepted(2));
    }

    @Test
    void refusesTerminatedUnknownAndFinished() {
        TunnelCoordinator c = streamTunnel(1);
        c.schedule(0, "Stream_0", TERMINATED);
        assertThatThrownBy(() -> c.repositionCheckpoint(1, "Stream_0", "pos-1", 0))
                .isInstanceOf(IllegalStateException.class).hasMessage("channel Stream_0 is TERMINATED");
        assertThatThrownBy(() -> c.repositionCheckpoint(1, "Stream_9", "pos-1", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("channel Stream_9 does not exist in tunnel t1");
        TunnelCoordinator d = streamTunnel(1);
        assertThatThrownBy(() -> d.repositionCheckpoint(1, "Stream_0", ChannelState.FINISHED_TOKEN, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("invalid checkpoint for Stream_0");
    }
}
