package io.tunnelstore.server;

import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The pool of one request lane (docs/server-transport.md, "Request lanes"): up to {@code maxThreads} threads and a
 * queue of at most {@code queueCapacity} requests, which <em>hands a request to an idle thread when there is one and
 * starts a thread only when every thread it has is busy</em>.
 *
 * <p>Why not a plain {@link ThreadPoolExecutor} with {@code core = max}: that one starts a new thread for every task
 * until it has {@code max} threads, even while others sit idle, so the first 256 row writes after a start (or after
 * a minute without traffic, when idle threads end) each waited for a thread to be created and scheduled — 13–16 ms
 * median for ReadRecords and PutRow at 100 changes/s on a loaded machine (docs/BENCHMARKS.md). Here a request goes
 * straight to a thread waiting for work ({@link LinkedTransferQueue#tryTransfer}); only without one is a thread
 * started (up to {@code maxThreads}), and only with {@code maxThreads} busy is the request queued. A full queue
 * rejects ({@link RejectedExecutionException}: the dispatcher answers {@code 503 OTSServerBusy}). Threads idle for
 * {@code keepAlive} end. The scheme of Tomcat's request queue ({@code TaskQueue}).
 */
final class RequestPool extends ThreadPoolExecutor {

    RequestPool(int maxThreads, int queueCapacity, long keepAlive, TimeUnit unit, ThreadFactory threads) {
        this(maxThreads, new HandOffQueue(queueCapacity), keepAlive, unit, threads);
    }

    private RequestPool(int maxThreads, HandOffQueue queue, long keepAlive, TimeUnit unit, ThreadFactory threads) {
        super(0, maxThreads, keepAlive, unit, queue, threads, (task, pool) -> {
            // maxThreads reached between the queue's offer and the thread start: queue it after all, if there is room
            if (pool.isShutdown() || !queue.enqueue(task)) {
                throw new RejectedExecutionException("request pool full: " + maxThreads + " threads busy and "
                        + queue.capacity + " requests queued");
            }
        });
        queue.pool = this;
    }

    /**
     * The pool's work queue. {@link ThreadPoolExecutor#execute} offers every task here first: a thread waiting for
     * work takes it at once; otherwise {@code false} makes the executor start a thread (up to its maximum); at the
     * maximum the task is queued while there is room.
     */
    private static final class HandOffQueue extends LinkedTransferQueue<Runnable> {
        private final int capacity;
        private ThreadPoolExecutor pool;

        HandOffQueue(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("queue capacity must be positive: " + capacity);
            }
            this.capacity = capacity;
        }

        @Override
        public boolean offer(Runnable task) {
            if (tryTransfer(task)) {
                return true;  // an idle thread took it
            }
            if (pool.getPoolSize() < pool.getMaximumPoolSize()) {
                return false; // every thread is busy: the executor starts one for this task
            }
            return enqueue(task);
        }

        /** Queues while fewer than {@code capacity} tasks wait (strict: only enqueues add, under this lock). */
        synchronized boolean enqueue(Runnable task) {
            return size() < capacity && super.offer(task);
        }
    }
}
