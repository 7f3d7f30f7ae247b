package io.tunnelstore.tunnel.internal;

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

    @Override
    public void execute(Runnable task) {
        if (!executor.isShutdown()) {
            executor.execute(task);
        }
    }

    @Override
    public Cancellable schedule(Runnable task, long delayMillis) {
        if (executor.isShutdown()) {
            return () -> { };
        }
        ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
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
