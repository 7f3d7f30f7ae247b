package io.tunnelstore.tunnel.internal;

import java.util.concurrent.Executor;

/**
 * The worker loop: a serial executor with timers and a monotonic clock. Every piece of worker state is touched
 * only from tasks run here, so the worker needs no locks. Production: {@link ExecutorWorkerScheduler} (one
 * thread per worker); tests: a manual scheduler with fake time.
 *
 * <p>Implementations are thread-safe: {@link #execute} and {@link #schedule} may be called from any thread.
 */
public interface WorkerScheduler extends Executor {

    /** Monotonic milliseconds (not wall-clock). */
    long nowMillis();

    /** Runs {@code task} on the loop after {@code delayMillis} (0 = as soon as possible). */
    Cancellable schedule(Runnable task, long delayMillis);

    /** Releases the loop's resources; pending tasks are dropped. Idempotent. */
    void shutdown();

    /** True when called from the loop itself. */
    boolean inLoop();

    /** Handle of a scheduled task. */
    interface Cancellable {
        /** Prevents the task from running if it has not started. Idempotent. */
        void cancel();
    }
}
