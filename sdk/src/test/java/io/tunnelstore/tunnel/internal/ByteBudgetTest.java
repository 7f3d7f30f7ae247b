package io.tunnelstore.tunnel.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.tunnel.TunnelWorkerConfig;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The worker's byte budget ({@code maxBufferedBytes}): the records a worker holds undelivered (answered reads not yet
 * processed) never exceed it, across all channels, and every record still arrives once and in channel order.
 */
class ByteBudgetTest {
    private static final List<String> CHANNELS = List.of("b1", "b2", "b3", "b4");
    private final WorkerHarness h = new WorkerHarness();

    @Test
    void undeliveredBytesNeverExceedTheBudgetAndEverythingArrivesInOrder() {
        // responses of 10 records x 6 KiB = 60 KiB, within the 64 KiB minimum reservation: the bound is exact
        int recordBytes = 6 * 1024;
        long budget = 200 * 1024;
        h.server.recordBytes(recordBytes);
        for (String c : CHANNELS) {
            h.server.addBaseChannel(c, 200);
        }
        HeldExecutor callbacks = new HeldExecutor();
        // without the budget: 4 channels x 2 read-ahead batches = 480 KiB could be held
        WorkerEngine w = h.started(h.newWorker(b -> b.maxBufferedBytes(budget).processExecutor(callbacks)));
        long peakHeld = 0;
        int steps = 0;
        while (callbacks.runNext()) {
            h.time.runUntilIdle();
            // the loop is idle: every processed batch was released, every answered read settled
            long held = h.server.bytesAnswered() - (long) h.processors.processedAll().size() * recordBytes;
            assertThat(held).isLessThanOrEqualTo(budget);
            assertThat(w.bufferedBytes()).isLessThanOrEqualTo(budget).isGreaterThanOrEqualTo(held);
            peakHeld = Math.max(peakHeld, held);
            assertThat(steps++).isLessThan(10_000);
        }
        // three 60 KiB batches fit in 200 KiB (a fourth 64 KiB reservation would not): the budget is used, not
        // just one batch at a time
        assertThat(peakHeld).isEqualTo(3L * 10 * recordBytes);
        assertThat(w.peakBufferedBytes()).isLessThanOrEqualTo(budget);
        for (String c : CHANNELS) {
            assertThat(h.processors.processed(c)).containsExactlyElementsOf(LongStream.range(0, 200).boxed().toList());
            assertThat(w.runnerState(c)).isEqualTo(ChannelRunnerState.FINISHED);
        }
        assertThat(h.server.bytesAnswered()).isEqualTo(4L * 200 * recordBytes);  // nothing read twice
        assertThat(w.bufferedBytes()).isZero();
        assertThat(w.permitsInUse()).isZero();
    }

    @Test
    void aResponseLargerThanTheBudgetIsHeldAloneAndStillDelivered() {
        int recordBytes = 10 * 1024;  // 100 KiB responses, budget 64 KiB
        h.server.recordBytes(recordBytes);
        h.server.addBaseChannel("b1", 50);
        h.server.addBaseChannel("b2", 50);
        HeldExecutor callbacks = new HeldExecutor();
        WorkerEngine w = h.started(h.newWorker(b -> b.maxBufferedBytes(TunnelWorkerConfig.MIN_MAX_BUFFERED_BYTES)
                .processExecutor(callbacks)));
        int steps = 0;
        while (callbacks.runNext()) {
            h.time.runUntilIdle();
            long held = h.server.bytesAnswered() - (long) h.processors.processedAll().size() * recordBytes;
            assertThat(held).isLessThanOrEqualTo(10L * recordBytes);  // one response at a time
            assertThat(steps++).isLessThan(10_000);
        }
        for (String c : List.of("b1", "b2")) {
            assertThat(h.processors.processed(c)).containsExactlyElementsOf(LongStream.range(0, 50).boxed().toList());
        }
        assertThat(w.bufferedBytes()).isZero();
    }

    @Test
    void limiterSettlesReservationsToTheRealSize() {
        ParallelismLimiter l = new ParallelismLimiter(0, 200 * 1024);
        List<String> woken = new java.util.ArrayList<>();
        Runnable a = () -> woken.add("a");
        Runnable b = () -> woken.add("b");
        assertThat(l.tryAcquire(a)).isTrue();
        assertThat(l.lastGrantBytes()).isEqualTo(ParallelismLimiter.MIN_RESERVATION);
        assertThat(l.tryAcquire(a)).isTrue();
        assertThat(l.tryAcquire(a)).isTrue();
        assertThat(l.bytesInUse()).isEqualTo(3 * ParallelismLimiter.MIN_RESERVATION);
        assertThat(l.tryAcquire(b)).isFalse();             // 4 x 64 KiB > 200 KiB
        l.settle(ParallelismLimiter.MIN_RESERVATION, 1000);  // a small response: 63 KiB freed, b fits now
        assertThat(woken).containsExactly("b");
        assertThat(l.lastGrantBytes()).isEqualTo(ParallelismLimiter.MIN_RESERVATION);
        assertThat(l.bytesInUse()).isEqualTo(3 * ParallelismLimiter.MIN_RESERVATION + 1000);
        l.release(1000);
        assertThat(l.inUse()).isEqualTo(3);
        assertThat(l.bytesInUse()).isEqualTo(3 * ParallelismLimiter.MIN_RESERVATION);
        assertThatThrownBy(() -> new ParallelismLimiter(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
