package io.tunnelstore.tunnel.internal;

import static io.tunnelstore.protocol.tunnel.ChannelStatus.CLOSE;
import static io.tunnelstore.protocol.tunnel.ChannelStatus.CLOSING;
import static io.tunnelstore.protocol.tunnel.ChannelStatus.OPEN;
import static io.tunnelstore.protocol.tunnel.ChannelStatus.TERMINATED;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.tunnel.ChannelStatus;
import io.tunnelstore.tunnel.internal.CoordinatorTunnelServer.Op;
import org.junit.jupiter.api.Test;

/** Heartbeat merge and channel reactions, with scripted server responses (TUNNEL-SEMANTICS §1.3-1.4). */
class HeartbeatMergeTest {
    private final WorkerHarness h = new WorkerHarness();

    private static ChannelState st(String id, long v, ChannelStatus s) {
        return new ChannelState(id, v, s);
    }

    private WorkerEngine startWith(ChannelState... firstResponse) {
        h.server.scriptHeartbeat(firstResponse);
        return h.started(h.newWorker());
    }

    /** Runs the next heartbeat round with a scripted response. */
    private void nextRound(ChannelState... response) {
        h.server.scriptHeartbeat(response);
        h.time.advance(5_000);
    }

    @Test
    void firstHeartbeatIsSentImmediatelyWithNoChannels() {
        WorkerEngine w = startWith();
        assertThat(h.server.heartbeats()).hasSize(1);
        assertThat(h.server.lastHeartbeat().channels()).isEmpty();
        assertThat(h.server.lastHeartbeat().clientId()).isEqualTo(w.clientId()).isEqualTo("test-1");
        assertThat(w.state()).isEqualTo(WorkerState.RUNNING);
    }

    @Test
    void freshOpenChannelStartsRunning() {
        h.server.addStreamChannel("c1");
        WorkerEngine w = startWith(st("c1", 0, OPEN));
        assertThat(w.runnerState("c1")).isEqualTo(ChannelRunnerState.RUNNING);
        assertThat(w.reportedChannels()).containsExactly(st("c1", 0, OPEN));
        assertThat(h.processors.events()).containsExactly("start:c1");
        assertThat(h.processors.contexts()).isEmpty();
    }

    @Test
    void freshClosingChannelIsHandedBackAtVersionPlusOneWithoutGetCheckpointOrCallbacks() {
        h.server.addStreamChannel("c1");
        WorkerEngine w = startWith(st("c1", 0, CLOSING));
        assertThat(w.reportedChannels()).containsExactly(st("c1", 1, CLOSE));
        assertThat(h.server.calls(Op.GET_CHECKPOINT)).isZero();
        assertThat(h.processors.events()).isEmpty();
        nextRound();
        assertThat(h.server.lastHeartbeat().channels()).containsExactly(st("c1", 1, CLOSE));
    }

    @Test
    void freshCloseAndTerminatedChannelsAreKeptAsIsWithoutGetCheckpoint() {
        h.server.addStreamChannel("c1");
        h.server.addStreamChannel("c2");
        WorkerEngine w = startWith(st("c1", 0, CLOSE), st("c2", 0, TERMINATED));
        assertThat(w.reportedChannels()).containsExactly(st("c1", 0, CLOSE), st("c2", 0, TERMINATED));
        assertThat(h.server.calls(Op.GET_CHECKPOINT)).isZero();
        assertThat(h.processors.events()).isEmpty();
    }

    @Test
    void closingOpenChannelCommitsProcessedPositionThenReportsCloseOnTheNextHeartbeat() {
        h.server.addStreamChannel("c1");
        h.server.append("c1", 5);
        WorkerEngine w = startWith(st("c1", 1, OPEN));
        assertThat(h.processors.processed("c1")).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(h.server.commits()).isEmpty();  // interval not reached yet

        nextRound(st("c1", 1, CLOSING));
        assertThat(w.runnerState("c1")).isEqualTo(ChannelRunnerState.RELEASED);
        assertThat(h.server.commits()).extracting(CoordinatorTunnelServer.Commit::position).containsExactly(5L);
        assertThat(w.reportedChannels()).containsExactly(st("c1", 2, CLOSE));
        assertThat(h.processors.events()).containsExactly("start:c1", "process:c1:[0, 1, 2, 3, 4]", "lost:c1");

        nextRound();
        assertThat(h.server.lastHeartbeat().channels()).containsExactly(st("c1", 2, CLOSE));
        assertThat(w.reportedChannels()).isEmpty();
        assertThat(w.runnerState("c1")).isNull();
    }

    @Test
    void staleLowerVersionFromServerIsIgnored() {
        h.server.addStreamChannel("c1");
        WorkerEngine w = startWith(st("c1", 1, OPEN));
        nextRound(st("c1", 0, CLOSING));
        assertThat(w.runnerState("c1")).isEqualTo(ChannelRunnerState.RUNNING);
        assertThat(w.reportedChannels()).containsExactly(st("c1", 1, OPEN));
        nextRound(st("c1", 1, OPEN));
        assertThat(h.server.lastHeartbeat().channels()).containsExactly(st("c1", 1, OPEN));
    }

    @Test
    void serverSideCloseStopsTheChannelWithoutCheckpointOrReport() {
        h.server.addStreamChannel("c1");
        h.server.append("c1", 3);
        h.server.scriptHeartbeat(st("c1", 1, OPEN));
        // checkpoints far apart, so that none happens to fall before the server's CLOSE arrives
        WorkerEngine w = h.started(h.newWorker(b -> b.checkpointInterval(java.time.Duration.ofMinutes(1))));
        nextRound(st("c1", 2, CLOSE));
        assertThat(w.runnerState("c1")).isEqualTo(ChannelRunnerState.LOST);
        assertThat(w.reportedChannels()).containsExactly(st("c1", 2, CLOSE));
        assertThat(h.server.commits()).isEmpty();
        assertThat(h.processors.events("c1")).containsExactly("start:c1", "process:c1:[0, 1, 2]", "lost:c1");
    }

    @Test
    void channelMissingFromResponseIsDroppedAndLost() {
        h.server.addStreamChannel("c1");
        h.server.addStreamChannel("c2");
        WorkerEngine w = startWith(st("c1", 1, OPEN), st("c2", 1, OPEN));
        nextRound(st("c2", 1, OPEN));
        assertThat(w.reportedChannels()).containsExactly(st("c2", 1, OPEN));
        assertThat(w.runnerState("c1")).isNull();
        assertThat(w.runnerState("c2")).isEqualTo(ChannelRunnerState.RUNNING);
        assertThat(h.processors.events()).containsExactly("start:c1", "start:c2", "lost:c1");
    }

    @Test
    void failedGetCheckpointHandsTheChannelBackWhileOthersKeepRunning() {
        h.server.addStreamChannel("c1");
        h.server.addStreamChannel("c2");
        h.server.failNext(Op.GET_CHECKPOINT, ErrorCode.TUNNEL_SERVER_UNAVAILABLE);
        WorkerEngine w = startWith(st("c1", 3, OPEN), st("c2", 1, OPEN));
        assertThat(w.reportedChannels()).containsExactly(st("c1", 4, CLOSE), st("c2", 1, OPEN));
        assertThat(w.runnerState("c2")).isEqualTo(ChannelRunnerState.RUNNING);
        assertThat(h.processors.events()).containsExactly("start:c2");
        // re-assigned to us later at a higher version: a fresh GetCheckpoint and a fresh start
        nextRound(st("c1", 5, OPEN), st("c2", 1, OPEN));
        assertThat(w.runnerState("c1")).isEqualTo(ChannelRunnerState.RUNNING);
        assertThat(h.server.calls(Op.GET_CHECKPOINT)).isEqualTo(3);
    }

    @Test
    void failingProcessorStartHandsTheChannelBack() {
        h.server.addStreamChannel("bad");
        h.server.addStreamChannel("good");
        h.processors.failStart("bad");
        WorkerEngine w = startWith(st("bad", 0, OPEN), st("good", 0, OPEN));
        assertThat(w.reportedChannels()).containsExactly(st("bad", 1, CLOSE), st("good", 0, OPEN));
        assertThat(h.processors.events()).containsExactly("start:bad", "start:good");  // no onLost for bad
    }

    @Test
    void finishedChannelCommitsFinishedAndReportsTerminatedPlusOne() {
        h.server.addBaseChannel("b1", 25);
        WorkerEngine w = startWith(st("b1", 1, OPEN));
        assertThat(h.processors.processed("b1")).hasSize(25);
        assertThat(w.runnerState("b1")).isEqualTo(ChannelRunnerState.FINISHED);
        assertThat(h.server.commits()).extracting(CoordinatorTunnelServer.Commit::finished).containsExactly(true);
        assertThat(w.reportedChannels()).containsExactly(st("b1", 2, TERMINATED));
        assertThat(h.processors.events("b1")).last().isEqualTo("end:b1");

        // the server echoes the channel at our version (tie goes to the server): say TERMINATED again, higher
        nextRound(st("b1", 2, OPEN));
        assertThat(w.reportedChannels()).containsExactly(st("b1", 3, TERMINATED));
        assertThat(h.processors.events("b1")).filteredOn(e -> e.startsWith("start")).hasSize(1);
    }

    @Test
    void checkpointAlreadyFinishedEndsTheChannelWithoutReadingOrCallbacks() {
        h.server.addBaseChannel("b1", 0);
        h.server.terminate("b1");  // GetCheckpoint answers "finished"
        WorkerEngine w = startWith(st("b1", 4, OPEN));
        assertThat(w.reportedChannels()).containsExactly(st("b1", 5, TERMINATED));
        assertThat(h.server.calls(Op.READ)).isZero();
        assertThat(h.processors.events()).isEmpty();
    }

    @Test
    void releasedChannelEchoedAtOurVersionIsReportedClosedAgain() {
        h.server.addStreamChannel("c1");
        WorkerEngine w = startWith(st("c1", 1, OPEN));
        nextRound(st("c1", 1, CLOSING));
        assertThat(w.reportedChannels()).containsExactly(st("c1", 2, CLOSE));
        nextRound(st("c1", 2, OPEN));
        assertThat(w.reportedChannels()).containsExactly(st("c1", 3, CLOSE));
        nextRound(st("c1", 4, OPEN));  // a genuine new assignment
        assertThat(w.runnerState("c1")).isEqualTo(ChannelRunnerState.RUNNING);
        assertThat(h.processors.events()).containsExactly("start:c1", "lost:c1", "start:c1");
    }

    @Test
    void channelStuckClosingIsForceReleasedAfterThreeRounds() {
        HeldExecutor callbacks = new HeldExecutor();
        h.server.addStreamChannel("c1");
        h.server.append("c1", 2);
        h.server.scriptHeartbeat(st("c1", 1, OPEN));
        WorkerEngine w = h.started(h.newWorker(b -> b.processExecutor(callbacks)));
        callbacks.runNext();  // onStart
        h.time.runUntilIdle();
        assertThat(callbacks.size()).isEqualTo(1);  // process() dispatched and never returns
        nextRound(st("c1", 1, CLOSING));
        assertThat(w.runnerState("c1")).isEqualTo(ChannelRunnerState.DRAINING_TO_RELEASE);
        nextRound(st("c1", 1, CLOSING));
        assertThat(w.runnerState("c1")).isEqualTo(ChannelRunnerState.DRAINING_TO_RELEASE);
        nextRound(st("c1", 1, CLOSING));
        assertThat(w.runnerState("c1")).isEqualTo(ChannelRunnerState.RELEASED);
        assertThat(w.reportedChannels()).containsExactly(st("c1", 2, CLOSE));
        // the stuck callback returns at last: its channel gets onLost afterwards, never concurrently
        callbacks.runNext();
        h.time.runUntilIdle();
        callbacks.runNext();
        assertThat(h.processors.events()).containsExactly("start:c1", "process:c1:[0, 1]", "lost:c1");
    }
}
