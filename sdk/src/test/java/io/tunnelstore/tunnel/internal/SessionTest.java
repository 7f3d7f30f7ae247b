package io.tunnelstore.tunnel.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.tunnel.ChannelStatus;
import io.tunnelstore.tunnel.TunnelWorkerException;
import io.tunnelstore.tunnel.internal.CoordinatorTunnelServer.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Sessions: reconnect with a new client id, fatal errors, connect failures, graceful stop. */
class SessionTest {
    private final WorkerHarness h = new WorkerHarness();

    @Test
    void resourceGoneReconnectsWithNewClientIdAndReassignsChannels() {
        h.server.addStreamChannel("c1");
        h.server.append("c1", 3);
        WorkerEngine w = h.started(h.newWorker());
        assertThat(w.clientId()).isEqualTo("test-1");
        assertThat(h.processors.processed("c1")).containsExactly(0L, 1L, 2L);

        h.server.expireClient("test-1");  // server-side session timeout
        h.time.advance(5_000);            // heartbeat → OTSResourceGone → reconnect → heartbeat
        assertThat(w.clientId()).isEqualTo("test-2");
        assertThat(w.state()).isEqualTo(WorkerState.RUNNING);
        assertThat(h.listenerEvents()).contains("expired:test-1", "connected:test-2");
        assertThat(h.server.owner("c1")).isEqualTo("test-2");
        assertThat(w.runnerState("c1")).isEqualTo(ChannelRunnerState.RUNNING);
        // the interval checkpoint due at the same instant was refused: the server had already ended test-1's
        // session (fencing). The channel restarts from its last checkpoint, so 0..2 are delivered again.
        assertThat(h.server.commits()).isEmpty();
        assertThat(h.listenerEvents()).contains("checkpointFailed:c1");
        h.server.append("c1", 2);
        h.time.advance(600);
        assertThat(h.processors.events()).containsExactly("start:c1", "process:c1:[0, 1, 2]", "lost:c1",
                "start:c1", "process:c1:[0, 1, 2]", "process:c1:[3, 4]");
    }

    @Test
    void localHeartbeatTimeoutReconnectsWithNewClientId() {
        h.server.addStreamChannel("c1");
        WorkerEngine w = h.started(h.newWorker());
        for (int i = 0; i < 8; i++) {
            h.server.failNext(Op.HEARTBEAT, ErrorCode.TUNNEL_SERVER_UNAVAILABLE);
        }
        h.time.advance(30_000);  // 6 failed rounds: 30 s silent, not yet over the 30 s timeout
        assertThat(w.clientId()).isEqualTo("test-1");
        h.time.advance(5_000);   // 35 s silent > 30 s: new session
        assertThat(h.listenerEvents()).contains("expired:test-1", "connected:test-2");
        assertThat(w.clientId()).isEqualTo("test-2");
        assertThat(h.server.connectedClients()).containsExactly("test-2");  // old one was shut down
    }

    @ParameterizedTest
    @EnumSource(value = ErrorCode.class, names = {"TUNNEL_EXPIRED", "PARAMETER_INVALID", "PERMISSION_DENIED"})
    void fatalHeartbeatErrorStopsTheWorkerAfterShuttingChannelsDown(ErrorCode code) {
        h.server.addStreamChannel("c1");
        h.server.append("c1", 4);
        WorkerEngine w = h.started(h.newWorker());
        h.server.failNext(Op.HEARTBEAT, code);
        h.time.advance(5_000);
        assertThat(w.state()).isEqualTo(WorkerState.FAILED);
        Throwable t = catchThrowable(() -> w.termination().join());
        assertThat(t).isInstanceOf(CompletionException.class).cause().isInstanceOf(TunnelWorkerException.class);
        TunnelWorkerException e = (TunnelWorkerException) t.getCause();
        assertThat(e.errorCode()).isEqualTo(code.code());
        assertThat(e.knownErrorCode()).contains(code);
        assertThat(e.isFatal()).isTrue();
        assertThat(h.processors.events()).last().isEqualTo("shutdown:c1");
        assertThat(h.server.committedPosition("c1")).isEqualTo(4);  // drained before stopping
        assertThat(h.server.calls(Op.SHUTDOWN)).isEqualTo(1);
        assertThat(h.listenerEvents()).last().isEqualTo("stopped:error");
    }

    @Test
    void transientConnectFailureStopsTheWorkerWithANonFatalError() {
        h.server.failNext(Op.CONNECT, ErrorCode.TUNNEL_SERVER_UNAVAILABLE);
        WorkerEngine w = h.started(h.newWorker());
        assertThat(w.state()).isEqualTo(WorkerState.FAILED);
        TunnelWorkerException e = (TunnelWorkerException) catchThrowable(() -> w.termination().join()).getCause();
        assertThat(e.errorCode()).isEqualTo("OTSTunnelServerUnavailable");
        assertThat(e.knownErrorCode()).contains(ErrorCode.TUNNEL_SERVER_UNAVAILABLE);
        assertThat(e.isFatal()).isFalse();
        assertThat(h.server.calls(Op.SHUTDOWN)).isZero();
    }

    @Test
    void gracefulStopCommitsDrainsCallsOnShutdownAndSendsShutdownTunnel() {
        h.server.addStreamChannel("c1");
        h.server.addBaseChannel("b1", 7);
        h.server.addStreamChannel("c2");
        h.server.append("c1", 3);
        WorkerEngine w = h.started(h.newWorker());
        assertThat(h.processors.processed("b1")).hasSize(7);
        w.shutdownGracefully();
        h.time.runUntilIdle();
        assertThat(w.state()).isEqualTo(WorkerState.STOPPED);
        assertThat(w.termination()).isCompleted();
        assertThat(h.server.commits()).extracting(CoordinatorTunnelServer.Commit::channelId,
                CoordinatorTunnelServer.Commit::position).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("b1", -1L), org.assertj.core.groups.Tuple.tuple("c1", 3L));
        assertThat(h.processors.events()).contains("end:b1", "shutdown:c1", "shutdown:c2");
        assertThat(h.server.connectedClients()).isEmpty();
        assertThat(h.server.owner("c1")).isNull();
        assertThat(h.time.shutdowns()).isEqualTo(1);
    }

    @Test
    void channelFinishedBeforeStopIsReportedByAFinalHeartbeatBeforeShutdownTunnel() {
        h.server.addBaseChannel("b1", 3);
        WorkerEngine w = h.started(h.newWorker());
        assertThat(h.processors.events()).containsExactly("start:b1", "process:b1:[0, 1, 2]", "end:b1");
        assertThat(w.reportedChannels()).containsExactly(new ChannelState("b1", 2, ChannelStatus.TERMINATED));
        assertThat(h.server.heartbeats()).hasSize(1);
        w.shutdownGracefully();  // before the next regular heartbeat
        h.time.runUntilIdle();
        assertThat(w.state()).isEqualTo(WorkerState.STOPPED);
        assertThat(h.server.heartbeats()).hasSize(2);
        assertThat(h.server.lastHeartbeat().channels())
                .containsExactly(new ChannelState("b1", 2, ChannelStatus.TERMINATED));
        // adopted before ShutdownTunnel released the client's channels, so it stays ended (not CLOSE for re-opening)
        assertThat(h.server.channel("b1")).isEqualTo(new ChannelState("b1", 2, ChannelStatus.TERMINATED));
        assertThat(h.server.calls(Op.SHUTDOWN)).isEqualTo(1);
        assertThat(h.server.connectedClients()).isEmpty();
    }

    @Test
    void stopWithoutPendingReportsSendsNoExtraHeartbeat() {
        h.server.addStreamChannel("c1");
        h.server.append("c1", 2);
        WorkerEngine w = h.started(h.newWorker());
        w.shutdownGracefully();
        h.time.runUntilIdle();
        assertThat(w.state()).isEqualTo(WorkerState.STOPPED);
        assertThat(h.server.heartbeats()).hasSize(1);
        assertThat(h.server.calls(Op.SHUTDOWN)).isEqualTo(1);
    }

    @Test
    void unansweredFinalHeartbeatDelaysShutdownTunnelByTenSecondsAtMost() {
        h.server.addBaseChannel("b1", 3);
        WorkerEngine w = h.started(h.newWorker());
        h.server.hangHeartbeats();
        w.shutdownGracefully();
        h.time.runUntilIdle();
        assertThat(h.server.heartbeats()).hasSize(2);
        assertThat(w.state()).isEqualTo(WorkerState.STOPPING);
        assertThat(h.server.calls(Op.SHUTDOWN)).isZero();
        h.time.advance(9_999);
        assertThat(h.server.calls(Op.SHUTDOWN)).isZero();
        h.time.advance(1);
        assertThat(h.server.calls(Op.SHUTDOWN)).isEqualTo(1);
        assertThat(w.state()).isEqualTo(WorkerState.STOPPED);
        assertThat(h.server.heartbeats()).hasSize(2);  // the timers are gone: no heartbeat after the final one
    }

    @Test
    void failedFinalHeartbeatStillEndsWithShutdownTunnel() {
        h.server.addBaseChannel("b1", 3);
        WorkerEngine w = h.started(h.newWorker());
        h.server.dropNext(Op.HEARTBEAT);
        w.shutdownGracefully();
        h.time.runUntilIdle();
        assertThat(w.state()).isEqualTo(WorkerState.STOPPED);
        assertThat(w.termination()).isCompleted();
        assertThat(h.server.heartbeats()).hasSize(2);
        assertThat(h.server.calls(Op.SHUTDOWN)).isEqualTo(1);
    }

    @Test
    void finalHeartbeatWaitsForARegularOneInFlight() {
        h.server.addBaseChannel("b1", 3);
        WorkerEngine w = h.started(h.newWorker());
        h.server.hangHeartbeats();
        h.time.advance(5_000);  // a regular heartbeat is sent and hangs
        assertThat(h.server.heartbeats()).hasSize(2);
        w.shutdownGracefully();
        h.time.runUntilIdle();
        assertThat(h.server.heartbeats()).hasSize(2);  // never two in flight
        h.time.advance(10_000);  // bounded all the same
        assertThat(h.server.calls(Op.SHUTDOWN)).isEqualTo(1);
        assertThat(w.state()).isEqualTo(WorkerState.STOPPED);
    }

    @Test
    void sessionsThatDieBeforeAnyHeartbeatReconnectWithBackoff() {
        WorkerEngine w = h.started(h.newWorker());
        h.server.failNext(Op.HEARTBEAT, ErrorCode.RESOURCE_GONE);
        h.server.failNext(Op.HEARTBEAT, ErrorCode.RESOURCE_GONE);
        h.server.failNext(Op.HEARTBEAT, ErrorCode.RESOURCE_GONE);
        h.time.advance(5_000);  // gone → immediate reconnect (test-2) → its first heartbeat gone again
        assertThat(h.server.calls(Op.CONNECT)).isEqualTo(2);
        h.time.advance(799);    // second expiry in a row: reconnect after 1 s ± 20 %, not at once
        assertThat(h.server.calls(Op.CONNECT)).isEqualTo(2);
        h.time.advance(401);
        assertThat(h.server.calls(Op.CONNECT)).isEqualTo(3);
        h.time.advance(2_401);  // third in a row: 2 s ± 20 %
        assertThat(h.server.calls(Op.CONNECT)).isEqualTo(4);
        h.time.advance(5_000);
        assertThat(w.state()).isEqualTo(WorkerState.RUNNING);
        assertThat(w.clientId()).isEqualTo("test-4");
    }

    @Test
    void startTwiceIsRejected() {
        WorkerEngine w = h.started(h.newWorker());
        assertThat(catchThrowable(w::start)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("RUNNING");
    }

    @Test
    void closingAnUnstartedWorkerCompletesAtOnce() {
        WorkerEngine w = h.newWorker();
        assertThat(w.shutdownGracefully()).isCompleted();
        assertThat(w.state()).isEqualTo(WorkerState.STOPPED);
        assertThat(h.server.calls(Op.CONNECT)).isZero();
    }

    @Test
    void aRunningWorkerHasOneExitHookThatIsRemovedWhenItStops() {
        List<Thread> added = new ArrayList<>();
        List<Thread> removed = new ArrayList<>();
        ShutdownHooks hooks = new ShutdownHooks() {
            @Override
            public void add(Thread hook) {
                added.add(hook);
            }

            @Override
            public void remove(Thread hook) {
                removed.add(hook);
            }
        };
        WorkerEngine w = new WorkerEngine(h.server, WorkerHarness.TUNNEL,
                h.configBuilder().closeOnJvmExit(true).build(), h.time, hooks);
        assertThat(added).isEmpty();
        h.started(w);
        assertThat(added).extracting(Thread::getName).containsExactly("tunnel-t1-exit-hook");
        assertThat(removed).isEmpty();
        w.shutdownGracefully();
        h.time.runUntilIdle();
        assertThat(removed).containsExactlyElementsOf(added);

        WorkerEngine optedOut = new WorkerEngine(h.server, WorkerHarness.TUNNEL,
                h.configBuilder().closeOnJvmExit(false).build(), h.time, hooks);
        h.started(optedOut);
        assertThat(added).hasSize(1);
    }
}
