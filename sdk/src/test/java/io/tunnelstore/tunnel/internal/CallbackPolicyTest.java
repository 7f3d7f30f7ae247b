package io.tunnelstore.tunnel.internal;

import static io.tunnelstore.protocol.tunnel.ChannelStatus.CLOSE;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import io.tunnelstore.tunnel.CallbackFailurePolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What happens when process() throws, per {@link CallbackFailurePolicy}. */
class CallbackPolicyTest {
    private final WorkerHarness h = new WorkerHarness();

    @Test
    void defaultReleasesCommitsTheLastGoodBatchAndResumesFromIt() {
        h.server.batchSize(2);
        h.server.addStreamChannel("c1");
        h.server.append("c1", 4);
        h.processors.failProcess("c1", 0);
        WorkerEngine w = h.started(h.newWorker(b -> b.readAheadBatches(1)));
        assertThat(h.processors.processed("c1")).containsExactly(0L, 1L, 2L, 3L);
        h.server.append("c1", 2);
        h.processors.failProcess("c1", 1);
        h.time.advance(20);  // idle poll picks up [4, 5] and the callback fails
        assertThat(h.processors.events("c1")).containsSubsequence("fail:c1:[4, 5]", "lost:c1");
        assertThat(h.server.committedPosition("c1")).isEqualTo(4);  // after the last good batch, not after [4, 5]
        assertThat(w.reportedChannels()).extracting(ChannelState::status).containsExactly(CLOSE);
        h.time.advance(5_000);  // report CLOSE; the fake server gives it straight back (only client)
        h.time.advance(5_000);
        assertThat(h.processors.processed("c1")).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    }

    /**
     * Regression: a graceful stop while a callback was in flight, the callback then failing, left the runner
     * draining for ever (the failure asked for a drain that had already begun), so the worker never stopped.
     */
    @Test
    void callbackFailingWhileTheWorkerStopsStillLetsTheStopComplete() {
        HeldExecutor callbacks = new HeldExecutor();
        h.server.batchSize(2);
        h.server.addStreamChannel("c1");
        h.server.append("c1", 4);
        WorkerEngine w = h.started(h.newWorker(b -> b.readAheadBatches(1).processExecutor(callbacks)));
        callbacks.runNext();  // onStart
        h.time.runUntilIdle();
        callbacks.runNext();  // process [0, 1] succeeds
        h.time.runUntilIdle();
        assertThat(callbacks.size()).isEqualTo(1);  // process [2, 3] is in flight
        h.processors.failProcess("c1", 1);
        w.shutdownGracefully();
        h.time.runUntilIdle();
        assertThat(w.runnerState("c1")).isEqualTo(ChannelRunnerState.DRAINING_TO_SHUTDOWN);
        callbacks.runNext();  // ... and throws
        h.time.runUntilIdle();
        callbacks.runNext();  // onShutdown
        h.time.runUntilIdle();
        assertThat(w.runnerState("c1")).isEqualTo(ChannelRunnerState.SHUT_DOWN);
        assertThat(w.state()).isEqualTo(WorkerState.STOPPED);
        assertThat(w.termination()).isCompleted();
        assertThat(h.processors.events()).containsExactly("start:c1", "process:c1:[0, 1]", "fail:c1:[2, 3]",
                "shutdown:c1");
        assertThat(h.server.committedPosition("c1")).isEqualTo(2);  // after the last good batch
        assertThat(h.server.connectedClients()).isEmpty();
        assertThat(h.server.owner("c1")).isNull();
    }

    /** Same hole on a server CLOSING: the release must not wait for the hung-CLOSING detector. */
    @Test
    void callbackFailingWhileTheChannelDrainsForClosingReleasesAtOnce() {
        HeldExecutor callbacks = new HeldExecutor();
        h.server.batchSize(2);
        h.server.addStreamChannel("c1");
        h.server.append("c1", 2);
        h.server.scriptHeartbeat(new ChannelState("c1", 1, ChannelStatus.OPEN));
        WorkerEngine w = h.started(h.newWorker(b -> b.processExecutor(callbacks)));
        callbacks.runNext();  // onStart
        h.time.runUntilIdle();
        assertThat(callbacks.size()).isEqualTo(1);  // process [0, 1] in flight
        h.processors.failProcess("c1", 1);
        h.server.scriptHeartbeat(new ChannelState("c1", 2, ChannelStatus.CLOSING));
        h.time.advance(5_000);
        assertThat(w.runnerState("c1")).isEqualTo(ChannelRunnerState.DRAINING_TO_RELEASE);
        callbacks.runNext();  // the callback throws
        h.time.runUntilIdle();
        callbacks.runNext();  // onLost
        assertThat(w.runnerState("c1")).isEqualTo(ChannelRunnerState.RELEASED);
        assertThat(w.reportedChannels()).containsExactly(new ChannelState("c1", 3, CLOSE));
        assertThat(h.processors.events()).containsExactly("start:c1", "fail:c1:[0, 1]", "lost:c1");
        assertThat(h.listenerEvents()).contains("closed:c1:FAILED");
    }

    @Test
    void retryDeliversTheSameBatchAgainAfterTheBackoff() {
        h.server.addStreamChannel("c1");
        h.server.append("c1", 3);
        h.processors.failProcess("c1", 2);
        WorkerEngine w = h.started(h.newWorker(
                b -> b.callbackFailurePolicy(CallbackFailurePolicy.retry(3, Duration.ofSeconds(1)))));
        assertThat(h.processors.events()).containsExactly("start:c1", "fail:c1:[0, 1, 2]");
        h.time.advance(999);
        assertThat(h.processors.events()).hasSize(2);
        h.time.advance(1);
        h.time.advance(1_000);
        assertThat(h.processors.events()).containsExactly("start:c1", "fail:c1:[0, 1, 2]", "fail:c1:[0, 1, 2]",
                "process:c1:[0, 1, 2]");
        assertThat(w.runnerState("c1")).isEqualTo(ChannelRunnerState.RUNNING);
    }

    @Test
    void retryGivesUpAfterMaxRetriesAndReleases() {
        h.server.addStreamChannel("c1");
        h.server.append("c1", 3);
        h.processors.failProcess("c1", 5);
        WorkerEngine w = h.started(h.newWorker(
                b -> b.callbackFailurePolicy(CallbackFailurePolicy.retry(2, Duration.ofSeconds(1)))));
        h.time.advance(2_000);
        assertThat(h.processors.events()).containsExactly("start:c1", "fail:c1:[0, 1, 2]", "fail:c1:[0, 1, 2]",
                "fail:c1:[0, 1, 2]", "lost:c1");
        assertThat(w.runnerState("c1")).isEqualTo(ChannelRunnerState.RELEASED);
    }

    @Test
    void skipMovesOnAndTheBatchIsNotDeliveredAgain() {
        h.server.batchSize(2);
        h.server.addStreamChannel("c1");
        h.server.append("c1", 4);
        h.processors.failProcess("c1", 1);
        WorkerEngine w = h.started(h.newWorker(b -> b.callbackFailurePolicy(CallbackFailurePolicy.skip())));
        assertThat(h.processors.events()).containsExactly("start:c1", "fail:c1:[0, 1]", "process:c1:[2, 3]");
        h.time.advance(5_000);
        assertThat(h.server.committedPosition("c1")).isEqualTo(4);
        assertThat(w.runnerState("c1")).isEqualTo(ChannelRunnerState.RUNNING);
    }
}
