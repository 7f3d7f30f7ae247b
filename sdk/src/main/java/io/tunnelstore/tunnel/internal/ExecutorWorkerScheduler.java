package io.tunnelstore.tunnel.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** {@link WorkerScheduler} on one daemon thread named {@code tunnel-<id>-loop}. Thread-safe. */
public final class ExecutorWorkerScheduler implements WorkerScheduler {
    private final ScheduledExecutorService executor;
    private volatile Thread loopThread;

    public ExecutorWorkerScheduler(String tunnelId) {
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "tunnel-" + tunnelId + "-loop");
            t.setDaemon(true);
            loopThread = t;
            return t;
        });
        ex.setRemoveOnCancelPolicy(true);
        this.executor = ex;
    }

    @Override
    public long nowMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    /** Runs {@code task} on the loop; after {@link #shutdown()} tasks are dropped (the worker has stopped). */
    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException stopped) {
            // late RPC completion after the worker stopped: nothing left to update
        }
    }

    @Override
    public Cancellable schedule(Runnable task, long delayMillis) {
        try {
            ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException stopped) {
            return () -> { };
        }
    }

    @Override
    public void shutdown() {
        executor.shutdownNow();
    }

    @Override
    public boolean inLoop() {
        return Thread.currentThread() == loopThread;
    }
}
