package io.tunnelstore.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.testsupport.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A request lane's pool hands a request to an idle thread and starts a thread only when every thread is busy (the
 * JDK pool with core = max started one per request until it had them all), queues only at its maximum, and rejects
 * beyond its queue.
 */
class RequestPoolTest {

    private final AtomicInteger started = new AtomicInteger();
    private final ThreadFactory threads = r -> {
        Thread t = new Thread(r, "pool-test-" + started.incrementAndGet());
        t.setDaemon(true);
        return t;
    };
    private RequestPool pool;

    @AfterEach
    void stop() throws InterruptedException {
        if (pool != null) {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void requestsOneAfterAnotherReuseTheIdleThreadInsteadOfStartingNewOnes() throws Exception {
        pool = new RequestPool(256, 1024, 60, TimeUnit.SECONDS, threads);
        List<String> ranOn = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 50; i++) {
            CountDownLatch done = new CountDownLatch(1);
            pool.execute(() -> {
                ranOn.add(Thread.currentThread().getName());
                done.countDown();
            });
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            // the thread is back waiting for work before the next request arrives (a request every 10 ms at 100/s)
            Await.until("the thread waits for work", Duration.ofSeconds(10), () -> pool.getActiveCount() == 0
                    && pool.getQueue() instanceof java.util.concurrent.TransferQueue<Runnable> q
                    && q.hasWaitingConsumer());
        }
        assertThat(started).hasValue(1);
        assertThat(ranOn).hasSize(50).containsOnly("pool-test-1");
        assertThat(pool.getPoolSize()).isEqualTo(1);
    }

    @Test
    void busyThreadsGetCompanyUpToTheMaximumThenRequestsQueueThenTheyAreRejected() throws Exception {
        pool = new RequestPool(2, 1, 60, TimeUnit.SECONDS, threads);
        CountDownLatch release = new CountDownLatch(1);
        Semaphore running = new Semaphore(0);
        Runnable holding = () -> {
            running.release();
            try {
                release.await(10, TimeUnit.SECONDS); // stands for a write waiting for its fsync
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        pool.execute(holding);
        assertThat(running.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        pool.execute(holding);   // the only thread is busy: a second one starts
        assertThat(running.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        assertThat(started).hasValue(2);

        pool.execute(holding);   // both busy, at the maximum: queued
        assertThat(pool.getQueue()).hasSize(1);
        assertThatThrownBy(() -> pool.execute(holding)).isInstanceOf(RejectedExecutionException.class)
                .hasMessage("request pool full: 2 threads busy and 1 requests queued");
        assertThat(started).hasValue(2);

        release.countDown();     // the queued one runs on a thread that is free again
        assertThat(running.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        Await.until("the queue drained", Duration.ofSeconds(10), () -> pool.getQueue().isEmpty()
                && pool.getActiveCount() == 0);
        assertThat(started).hasValue(2);
        assertThat(pool.getCompletedTaskCount()).isEqualTo(3);
    }

    @Test
    void idleThreadsEndAfterTheKeepAlive() throws Exception {
        pool = new RequestPool(4, 10, 50, TimeUnit.MILLISECONDS, threads);
        CountDownLatch done = new CountDownLatch(1);
        pool.execute(done::countDown);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        Await.until("the idle thread ended", Duration.ofSeconds(10), () -> pool.getPoolSize() == 0);
        CountDownLatch again = new CountDownLatch(1);
        pool.execute(again::countDown); // a new thread starts for the next request
        assertThat(again.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(started).hasValue(2);
    }
}
