package io.tunnelstore.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.tunnel.internal.CoordinatorTunnelServer;
import io.tunnelstore.tunnel.internal.ManualScheduler;
import io.tunnelstore.tunnel.internal.SharedPools;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Workers built from one config share one set of pools; closing one leaves the other working. */
class SharedPoolsTest {
    private final ManualScheduler time = new ManualScheduler();
    private final CoordinatorTunnelServer server = new CoordinatorTunnelServer("t1", time::nowMillis);
    private final List<String> threads = new CopyOnWriteArrayList<>();
    private final Semaphore batches = new Semaphore(0);

    /** Waits for one processed batch, moving fake time so that idle polls come due. */
    private void awaitBatch() throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            time.advance(10);  // runs completions posted by pool threads and due polls
            if (batches.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                time.runUntilIdle();
                return;
            }
        }
        throw new AssertionError("no batch processed");
    }

    /** Drives the fake loop until {@code f} completes (pool threads post their results to it). */
    private void awaitDone(java.util.concurrent.CompletableFuture<Void> f) throws Exception {
        for (int i = 0; i < 500; i++) {
            time.runUntilIdle();
            try {
                f.get(10, TimeUnit.MILLISECONDS);
                return;
            } catch (java.util.concurrent.TimeoutException e) {
                // not yet: run the loop again
            }
        }
        throw new AssertionError("worker did not stop");
    }

    @Test
    void workersOfOneConfigShareLazilyCreatedPoolsReleasedByTheLastClose() throws Exception {
        server.addStreamChannel("c1");
        server.addStreamChannel("c2");
        TunnelWorkerConfig config = TunnelWorkerConfig.builder()
                .heartbeatInterval(Duration.ofSeconds(5)).heartbeatTimeout(Duration.ofSeconds(30))
                .processThreads(2).readThreads(1).closeOnJvmExit(false)
                .processorFactory(SimpleProcessorFactory.of(null, (ctx, records) -> {
                    threads.add(Thread.currentThread().getName());
                    batches.release();
                }))
                .build();
        assertThat(SharedPools.references(config)).isZero();
        TunnelWorker a = new TunnelWorker(server, "t1", config, time, null);
        TunnelWorker b = new TunnelWorker(server, "t1", config, time, null);
        a.start();
        b.start();
        time.runUntilIdle();
        assertThat(SharedPools.references(config)).isEqualTo(2);
        assertThat(a.engine().pools()).isSameAs(b.engine().pools());

        server.append("c1", 1);
        server.append("c2", 1);
        awaitBatch();
        awaitBatch();
        assertThat(threads).hasSize(2).allMatch(n -> n.startsWith("tunnel-process-"));

        awaitDone(a.shutdownGracefully());
        assertThat(SharedPools.references(config)).isEqualTo(1);
        assertThat(b.engine().pools().isShutdown()).isFalse();

        time.advance(10_000);  // b takes over a's channel and keeps processing on the shared pools
        server.append("c1", 1);
        server.append("c2", 1);
        awaitBatch();
        awaitBatch();
        assertThat(threads).hasSize(4);

        SharedPools pools = b.engine().pools();
        awaitDone(b.shutdownGracefully());
        assertThat(SharedPools.references(config)).isZero();
        assertThat(pools.isShutdown()).isTrue();
    }

    @Test
    void userExecutorsAreUsedAndNeverShutDown() {
        java.util.concurrent.ExecutorService mine = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            TunnelWorkerConfig config = TunnelWorkerConfig.builder().closeOnJvmExit(false)
                    .processorFactory(SimpleProcessorFactory.of(null, (c, r) -> { }))
                    .readExecutor(mine).processExecutor(mine).build();
            SharedPools p = SharedPools.acquire(config);
            assertThat(p.processExecutor()).isSameAs(mine);
            assertThat(p.readExecutor()).isSameAs(mine);
            p.release();
            assertThat(mine.isShutdown()).isFalse();
            assertThat(SharedPools.references(config)).isZero();
        } finally {
            mine.shutdownNow();
        }
    }
}
