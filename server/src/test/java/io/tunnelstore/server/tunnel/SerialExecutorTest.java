package io.tunnelstore.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {

    @Test
    void tasksRunOneAtATimeInSubmissionOrderOnAMultiThreadedPool() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            SerialExecutor serial = new SerialExecutor(pool);
            List<Integer> order = new ArrayList<>(); // deliberately unsynchronized: only one task runs at a time
            AtomicInteger running = new AtomicInteger();
            AtomicInteger maxRunning = new AtomicInteger();
            List<CompletableFuture<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                int n = i;
                results.add(serial.call(() -> {
                    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    order.add(n);
                    running.decrementAndGet();
                    return n;
                }).toCompletableFuture());
            }
            CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(maxRunning.get()).isEqualTo(1);
            assertThat(order).hasSize(500).isSorted();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailingTaskFailsItsFutureAndTheQueueContinues() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            SerialExecutor serial = new SerialExecutor(pool);
            CompletableFuture<Object> bad = serial.call(() -> {
                throw new IllegalStateException("boom");
            }).toCompletableFuture();
            CompletableFuture<String> good = serial.call(() -> "ok").toCompletableFuture();
            assertThat(good.get(5, TimeUnit.SECONDS)).isEqualTo("ok");
            assertThat(bad).isCompletedExceptionally();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void afterThePoolStopsCallsFailWithServerUnavailableInsteadOfHanging() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        pool.shutdown();
        SerialExecutor serial = new SerialExecutor(pool);
        CompletableFuture<String> f = serial.call(() -> "never").toCompletableFuture();
        assertThat(f).isCompletedExceptionally();
        assertThat(f.handle((v, e) -> ((io.tunnelstore.protocol.errors.OtsException) e).errorCode()).join())
                .isEqualTo(io.tunnelstore.protocol.errors.ErrorCode.TUNNEL_SERVER_UNAVAILABLE);
    }
}
