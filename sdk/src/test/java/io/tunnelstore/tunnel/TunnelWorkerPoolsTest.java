package io.tunnelstore.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.tunnel.internal.CoordinatorTunnelServer;
import io.tunnelstore.tunnel.internal.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Pools are explicit: shared only when given, owned and closed by whoever created them. */
class TunnelWorkerPoolsTest {
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

    private TunnelWorkerConfig.Builder config() {
        return TunnelWorkerConfig.builder()
                .heartbeatInterval(Duration.ofSeconds(5)).heartbeatTimeout(Duration.ofSeconds(30))
                .processThreads(2).readThreads(1).closeOnJvmExit(false)
                .processorFactory(SimpleProcessorFactory.of(null, (ctx, records) -> {
                    threads.add(Thread.currentThread().getName());
                    batches.release();
                }));
    }

    @Test
    void workersGivenOnePoolsObjectShareItAndNeverCloseIt() throws Exception {
        server.addStreamChannel("c1");
        server.addStreamChannel("c2");
        try (TunnelWorkerPools pools = TunnelWorkerPools.create(1, 2)) {
            TunnelWorkerConfig config = config().pools(pools).build();
            TunnelWorker a = new TunnelWorker(server, "t1", config, time, null);
            TunnelWorker b = new TunnelWorker(server, "t1", config, time, null);
            a.start();
            b.start();
            time.runUntilIdle();
            assertThat(a.engine().pools()).isSameAs(pools);
            assertThat(b.engine().pools()).isSameAs(pools);

            server.append("c1", 1);
            server.append("c2", 1);
            awaitBatch();
            awaitBatch();
            assertThat(threads).hasSize(2).allMatch(n -> n.startsWith("tunnel-process-"));

            awaitDone(a.shutdownGracefully());
            assertThat(pools.isClosed()).isFalse();

            time.advance(10_000);  // b takes over a's channel and keeps processing on the same pools
            server.append("c1", 1);
            server.append("c2", 1);
            awaitBatch();
            awaitBatch();
            assertThat(threads).hasSize(4);

            awaitDone(b.shutdownGracefully());
            assertThat(pools.isClosed()).isFalse();  // the owner closes it, not the workers
            pools.processExecutor().execute(batches::release);
            assertThat(batches.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aWorkerWithoutPoolsCreatesItsOwnAndShutsThemDownWhenItStops() throws Exception {
        server.addStreamChannel("c1");
        TunnelWorkerConfig config = config().build();
        TunnelWorker a = new TunnelWorker(server, "t1", config, time, null);
        TunnelWorker b = new TunnelWorker(server, "t1", config, time, null);
        a.start();
        b.start();
        time.runUntilIdle();
        TunnelWorkerPools ofA = a.engine().pools();
        assertThat(ofA).isNotSameAs(b.engine().pools());
        server.append("c1", 1);
        awaitBatch();
        awaitDone(a.shutdownGracefully());
        awaitDone(b.shutdownGracefully());
        assertThat(ofA.isClosed()).isTrue();
        assertThat(b.engine().pools().isClosed()).isTrue();
        assertThatThrownBy(() -> ofA.processExecutor().execute(() -> { }))
                .isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void userExecutorsAreUsedAndNeverShutDown() {
        ExecutorService mine = Executors.newSingleThreadExecutor();
        try {
            TunnelWorkerConfig config = TunnelWorkerConfig.builder().closeOnJvmExit(false)
                    .processorFactory(SimpleProcessorFactory.of(null, (c, r) -> { }))
                    .readExecutor(mine).processExecutor(mine).build();
            TunnelWorkerPools p = TunnelWorkerPools.forConfig(config);
            assertThat(p.processExecutor()).isSameAs(mine);
            assertThat(p.readExecutor()).isSameAs(mine);
            p.close();
            assertThat(mine.isShutdown()).isFalse();
            TunnelWorkerPools wrapped = TunnelWorkerPools.using(mine, mine);
            wrapped.close();
            assertThat(wrapped.isClosed()).isTrue();
            assertThat(mine.isShutdown()).isFalse();
        } finally {
            mine.shutdownNow();
        }
    }

    @Test
    void poolsAndExecutorsTogetherAreRejected() {
        try (TunnelWorkerPools pools = TunnelWorkerPools.create(1, 1)) {
            assertThatThrownBy(() -> TunnelWorkerConfig.builder().pools(pools).readExecutor(Runnable::run)
                    .processorFactory(SimpleProcessorFactory.of(null, (c, r) -> { })).build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("either pools");
        }
    }
}
