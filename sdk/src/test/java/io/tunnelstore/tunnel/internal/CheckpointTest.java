package io.tunnelstore.tunnel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.tunnel.internal.CoordinatorTunnelServer.Commit;
import io.tunnelstore.tunnel.internal.CoordinatorTunnelServer.Op;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Checkpoint timing and the sequence-number protocol. */
class CheckpointTest {
    private final WorkerHarness h = new WorkerHarness();

    @Test
    void processedPositionIsCommittedOnTheIntervalAndOnlyWhenItMoved() {
        h.server.addStreamChannel("c1");
        h.server.append("c1", 4);
        h.started(h.newWorker());
        assertThat(h.server.commits()).isEmpty();
        h.time.advance(5_000);
        assertThat(h.server.commits()).containsExactly(new Commit("c1", "test-1", 4, false, 1));
        h.time.advance(5_000);  // idle: nothing new to commit
        assertThat(h.server.commits()).hasSize(1);
        h.server.append("c1", 2);
        h.time.advance(5_000);
        assertThat(h.server.commits()).last().isEqualTo(new Commit("c1", "test-1", 6, false, 2));
    }

    @Test
    void lostCheckpointAnswerIsRecoveredByResyncAndResend() {
        h.server.addStreamChannel("c1");
        h.server.append("c1", 4);
        h.started(h.newWorker());
        h.server.loseNextCheckpointAnswer();
        h.time.advance(5_000);  // stored as sequence 1, but the worker saw a transport error
        assertThat(h.listenerEvents()).contains("checkpointFailed:c1");
        h.server.append("c1", 2);
        h.time.advance(5_000);  // sends 6 with sequence 1 again → mismatch → server holds our 4 → re-sent as 2
        assertThat(h.server.commits()).extracting(Commit::position, Commit::sequence)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(4L, 1L), org.assertj.core.groups.Tuple.tuple(6L, 2L));
        assertThat(h.server.calls(Op.GET_CHECKPOINT)).isEqualTo(2);  // start + resync
    }

    @Test
    void checkpointOfAnotherClientIsNotOverwrittenByTheResync() {
        h.server.addStreamChannel("c1");
        h.server.append("c1", 4);
        h.started(h.newWorker());
        // someone else moved the checkpoint meanwhile: the server's sequence is now 1 and the position is not ours
        h.server.moveCheckpoint("c1", CoordinatorTunnelServer.token(true, 2));
        h.time.advance(5_000);
        assertThat(h.server.commits()).isEmpty();
        assertThat(h.server.committedPosition("c1")).isEqualTo(2);
        assertThat(h.listenerEvents()).contains("checkpointFailed:c1");
        // still ours per the server's heartbeats: the next interval commits our position with the right sequence
        h.time.advance(5_000);
        assertThat(h.server.commits()).last().isEqualTo(new Commit("c1", "test-1", 4, false, 2));
    }

    @Test
    void secondMismatchInARowIsReportedAsAFailedCheckpoint() {
        h.server.addStreamChannel("c1");
        h.server.append("c1", 4);
        h.started(h.newWorker());
        h.server.failNext(Op.CHECKPOINT, ErrorCode.SEQUENCE_NUMBER_NOT_MATCH);
        h.server.failNext(Op.CHECKPOINT, ErrorCode.SEQUENCE_NUMBER_NOT_MATCH);
        h.time.advance(5_000);
        assertThat(h.server.commits()).isEmpty();
        assertThat(h.listenerEvents()).contains("checkpointFailed:c1");
        h.time.advance(5_000);  // retried at the next interval
        assertThat(h.server.commits()).containsExactly(new Commit("c1", "test-1", 4, false, 1));
    }

    @Test
    void otherCheckpointErrorsAreReportedAndRetriedNextInterval() {
        h.server.addStreamChannel("c1");
        h.server.append("c1", 3);
        h.started(h.newWorker());
        h.server.failNext(Op.CHECKPOINT, ErrorCode.TUNNEL_SERVER_UNAVAILABLE);
        h.time.advance(5_000);
        assertThat(h.listenerEvents()).contains("checkpointFailed:c1");
        h.time.advance(5_000);
        assertThat(h.server.commits()).containsExactly(new Commit("c1", "test-1", 3, false, 1));
    }

    @Test
    void manualCheckpointCommitsTheBatchBeingProcessed() {
        h.server.addStreamChannel("c1");
        h.server.append("c1", 3);
        CompletableFuture<?>[] result = new CompletableFuture<?>[1];
        WorkerHarness custom = h;
        WorkerEngine w = custom.started(custom.newWorker(b -> b.processorFactory(
                io.tunnelstore.tunnel.SimpleProcessorFactory.of("v", (ctx, records) ->
                        result[0] = ctx.checkpointer().checkpoint()))));
        assertThat(result[0]).isCompleted();
        assertThat(h.server.commits()).containsExactly(new Commit("c1", "test-1", 3, false, 1));
        h.time.advance(5_000);  // the interval commit has nothing newer to send
        assertThat(h.server.commits()).hasSize(1);
        assertThat(w.state()).isEqualTo(WorkerState.RUNNING);
    }
}
