package io.tunnelstore.tunnel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.tunnel.internal.FakeTunnelServer.Commit;
import io.tunnelstore.tunnel.internal.FakeTunnelServer.Op;
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
    void sequenceMismatchResyncsAndResendsTheSameCheckpoint() {
        h.server.addStreamChannel("c1");
        h.server.append("c1", 4);
        h.started(h.newWorker());
        // someone else committed meanwhile: the server's sequence is now 1
        h.server.checkpoint(WorkerHarness.TUNNEL, "other", "c1", FakeTunnelServer.token(true, 2), 1);
        h.time.advance(5_000);
        assertThat(h.server.commits()).extracting(Commit::clientId, Commit::position, Commit::sequence)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("other", 2L, 1L),
                        org.assertj.core.groups.Tuple.tuple("test-1", 4L, 2L));
        assertThat(h.server.calls(Op.GET_CHECKPOINT)).isEqualTo(2);  // start + resync
        assertThat(h.listenerEvents()).doesNotContain("checkpointFailed:c1");
    }

    @Test
    void secondMismatchInARowIsReportedAsAFailedCheckpoint() {
        h.server.addStreamChannel("c1");
        h.server.append("c1", 4);
        h.started(h.newWorker());
        h.server.failNext(Op.CHECKPOINT, TunnelRpcException.SEQUENCE_NUMBER_NOT_MATCH);
        h.server.failNext(Op.CHECKPOINT, TunnelRpcException.SEQUENCE_NUMBER_NOT_MATCH);
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
        h.server.failNext(Op.CHECKPOINT, TunnelRpcException.SERVER_UNAVAILABLE);
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
