package io.tunnelstore.tunnel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.tunnel.ChannelStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Read-ahead, ordering, parallelism limit and idle back-off of channel reads. */
class ReadPipelineTest {
    private final WorkerHarness h = new WorkerHarness();

    @Test
    void readAheadIsBoundedAndRecordsArriveInOrderWithOneCallbackAtATime() {
        HeldExecutor callbacks = new HeldExecutor();
        h.server.addBaseChannel("b1", 100);
        WorkerEngine w = h.started(h.newWorker(b -> b.readAheadBatches(3).processExecutor(callbacks)));
        callbacks.runNext();  // factory + onStart
        h.time.runUntilIdle();
        assertThat(h.server.reads("b1")).isEqualTo(3);  // one batch in the callback + two read ahead
        assertThat(callbacks.size()).isEqualTo(1);
        assertThat(w.readPhase("b1")).isEqualTo(ChannelRunner.ReadPhase.IDLE);  // the read-ahead queue is full
        int maxHeld = 0;
        while (callbacks.runNext()) {
            h.time.runUntilIdle();
            maxHeld = Math.max(maxHeld, callbacks.size());
            assertThat(h.server.reads("b1") - h.processors.processed("b1").size() / 10).isLessThanOrEqualTo(3);
        }
        assertThat(maxHeld).isEqualTo(1);
        assertThat(h.processors.processed("b1")).containsExactlyElementsOf(
                LongStream.range(0, 100).boxed().toList());
        assertThat(w.runnerState("b1")).isEqualTo(ChannelRunnerState.FINISHED);
        assertThat(w.readPhase("b1")).isEqualTo(ChannelRunner.ReadPhase.END_OF_DATA);
        assertThat(h.processors.events("b1")).last().isEqualTo("end:b1");
    }

    /**
     * Read-ahead counts batches, not requests: however deep it is, a channel has at most one ReadRecords in flight,
     * so the server runs at most one scan per channel for this worker (issue 13 suspected two).
     */
    @Test
    void readAheadKeepsAtMostOneReadInFlightPerChannel() {
        h.server.addBaseChannel("b1", 100);
        h.server.addBaseChannel("b2", 100);
        h.server.holdReads(true);
        WorkerEngine w = h.started(h.newWorker(b -> b.readAheadBatches(4)));
        for (int round = 1; round <= 3; round++) {
            assertThat(h.server.reads("b1")).isEqualTo(round);  // the next read goes out only after the answer
            assertThat(h.server.reads("b2")).isEqualTo(round);
            assertThat(w.readPhase("b1")).isEqualTo(ChannelRunner.ReadPhase.IN_FLIGHT);
            h.server.releaseReads();
            h.time.runUntilIdle();
        }
        assertThat(h.processors.processed("b1")).containsExactlyElementsOf(LongStream.range(0, 30).boxed().toList());
    }

    @Test
    void maxChannelParallelBoundsBatchesAcrossChannels() {
        HeldExecutor callbacks = new HeldExecutor();
        h.server.addBaseChannel("b1", 30);
        h.server.addBaseChannel("b2", 30);
        h.server.addBaseChannel("b3", 30);
        WorkerEngine w = h.started(h.newWorker(b -> b.maxChannelParallel(1).processExecutor(callbacks)));
        List<Integer> permits = new ArrayList<>();
        int steps = 0;
        while (callbacks.runNext()) {
            h.time.runUntilIdle();
            permits.add(w.permitsInUse());
            assertThat(w.permitsInUse()).isLessThanOrEqualTo(1);
            assertThat(steps++).isLessThan(1000);
        }
        assertThat(permits).contains(1);
        assertThat(h.processors.processedAll()).hasSize(90);
        for (String c : List.of("b1", "b2", "b3")) {
            assertThat(h.processors.processed(c)).containsExactlyElementsOf(LongStream.range(0, 30).boxed().toList());
            assertThat(w.runnerState(c)).isEqualTo(ChannelRunnerState.FINISHED);
        }
        assertThat(w.permitsInUse()).isZero();
    }

    @Test
    void idleStreamChannelBacksOffExponentiallyAndWakesFastOnData() {
        h.server.addStreamChannel("s1");
        WorkerEngine w = h.started(h.newWorker(b -> b.maxIdleBackoff(Duration.ofMillis(500))));
        int first = h.server.reads("s1");
        assertThat(first).isEqualTo(1);
        assertThat(w.readPhase("s1")).isEqualTo(ChannelRunner.ReadPhase.BACKING_OFF);
        h.time.advance(10_000);
        // polls at 0, 10, 30, 70, 150, 310, 630 ms, then every 500 ms up to 10 s: 7 + 18 = 25 (one step per idle
        // poll; the official Java SDK advanced its back-off twice per poll)
        assertThat(h.server.reads("s1")).isEqualTo(25);
        h.server.append("s1", 3);  // at 10 000 ms; the next poll is due at 10 130 ms
        h.time.advance(500);
        assertThat(h.processors.processed("s1")).containsExactly(0L, 1L, 2L);
        // 10 130: data, read on at once (empty), then the back-off restarts at 10 ms: 10 140, 10 160, 10 200,
        // 10 280, 10 440 - seven polls in the 500 ms after the data arrived
        assertThat(h.server.reads("s1")).isEqualTo(25 + 7);
    }

    /**
     * A long-polling server holds an idle read (ours: up to 1 s) before answering it empty; the back-off counts that
     * time, so the next long poll is sent at once instead of leaving a gap in which a change would wait.
     */
    @Test
    void idleReadsHeldByTheServerAreReissuedWithoutBackoffGap() {
        h.server.addStreamChannel("s1");
        h.server.holdReads(true);
        WorkerEngine w = h.started(h.newWorker(b -> b.maxIdleBackoff(Duration.ofMillis(500))));
        assertThat(h.server.reads("s1")).isEqualTo(1);
        for (int poll = 1; poll <= 5; poll++) {
            h.time.advance(1_000);  // the server holds the read for its long-poll wait, then answers it empty
            h.server.releaseReads();
            h.time.runUntilIdle();
            // re-polled without the clock moving (the old back-off waited 10, 20, 40, 80, 160 ms first)
            assertThat(h.server.reads("s1")).isEqualTo(1 + poll);
            assertThat(w.readPhase("s1")).isEqualTo(ChannelRunner.ReadPhase.IN_FLIGHT);
        }
        // a read held for less than the back-off waits only the rest of it: the sixth idle step is 320 ms, this
        // read was held 200 ms, so the next one goes out 120 ms after the answer
        h.time.advance(200);
        h.server.holdReads(false);
        h.server.releaseReads();
        h.time.runUntilIdle();
        assertThat(w.readPhase("s1")).isEqualTo(ChannelRunner.ReadPhase.BACKING_OFF);
        h.time.advance(119);
        assertThat(h.server.reads("s1")).isEqualTo(6);
        h.time.advance(1);
        assertThat(h.server.reads("s1")).isEqualTo(7);
    }

    @Test
    void fullResponsesAreReadBackToBackWithoutBackoff() {
        h.server.batchSize(5);
        h.server.addStreamChannel("s1");
        h.server.append("s1", 50);
        h.started(h.newWorker());
        // everything arrives without the clock moving: may_more_record=true means "read again now"
        assertThat(h.processors.processed("s1")).hasSize(50);
    }

    @Test
    void transientReadErrorsAreRetriedLocallyThenTheChannelIsReleased() {
        h.server.addStreamChannel("s1");
        h.server.append("s1", 2);
        h.server.failNext(CoordinatorTunnelServer.Op.READ, ErrorCode.TUNNEL_SERVER_UNAVAILABLE);
        h.server.dropNext(CoordinatorTunnelServer.Op.READ);
        WorkerEngine w = h.started(h.newWorker());
        assertThat(h.processors.processed("s1")).isEmpty();
        h.time.advance(99);
        assertThat(h.server.reads("s1")).isEqualTo(1);
        h.time.advance(1);      // first retry after 100 ms
        h.time.advance(400);    // second after another 400 ms: succeeds
        assertThat(h.processors.processed("s1")).containsExactly(0L, 1L);
        assertThat(w.runnerState("s1")).isEqualTo(ChannelRunnerState.RUNNING);

        for (int i = 0; i < 4; i++) {
            h.server.failNext(CoordinatorTunnelServer.Op.READ, ErrorCode.TUNNEL_SERVER_UNAVAILABLE);
        }
        h.time.advance(4_000);  // the idle poll fails, 3 retries fail: handed back
        assertThat(w.runnerState("s1")).isEqualTo(ChannelRunnerState.RELEASED);
        assertThat(w.reportedChannels()).extracting(ChannelState::status).containsExactly(ChannelStatus.CLOSE);
    }

    @Test
    void anUndecodableBatchIsFoundAtDispatchAndHandsTheChannelBackWithoutLosingOrRepeatingRecords() {
        HeldExecutor callbacks = new HeldExecutor();
        h.server.addBaseChannel("b1", 30);
        h.server.corruptRead("b1", 2);  // the read of records 10..19 answers a malformed record
        WorkerEngine w = h.started(h.newWorker(b -> b.processExecutor(callbacks)));
        callbacks.runNext();  // factory + onStart
        h.time.runUntilIdle();
        assertThat(h.server.reads("b1")).isEqualTo(2);  // 0..9 in the callback, the bad batch read ahead
        assertThat(w.runnerState("b1")).isEqualTo(ChannelRunnerState.RUNNING);  // kept on the wire, not decoded yet
        callbacks.runNext();  // delivers 0..9; the bad batch goes to the callback
        h.time.runUntilIdle();
        assertThat(h.processors.processed("b1")).containsExactlyElementsOf(LongStream.range(0, 10).boxed().toList());
        callbacks.runNext();  // decoding it fails: the processor is not called, the channel is handed back
        h.time.runUntilIdle();
        assertThat(h.processors.processed("b1")).hasSize(10);
        assertThat(w.runnerState("b1")).isEqualTo(ChannelRunnerState.RELEASED);
        assertThat(h.listenerEvents()).contains("closed:b1:FAILED");
        assertThat(h.server.committedPosition("b1")).isEqualTo(10);  // what was delivered, not the bad batch
        assertThat(w.bufferedBytes()).isZero();
        assertThat(w.reportedChannels()).extracting(ChannelState::status).containsExactly(ChannelStatus.CLOSE);

        // the channel comes back (the only worker) and is read again from the checkpoint: nothing lost or repeated
        for (int i = 0; i < 20 && w.runnerState("b1") != ChannelRunnerState.FINISHED; i++) {
            h.time.advance(5_000);
            while (callbacks.runNext()) {
                h.time.runUntilIdle();
            }
        }
        assertThat(h.processors.processed("b1")).containsExactlyElementsOf(LongStream.range(0, 30).boxed().toList());
        assertThat(w.runnerState("b1")).isEqualTo(ChannelRunnerState.FINISHED);
    }
}
