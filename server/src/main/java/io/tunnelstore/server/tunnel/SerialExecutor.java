package io.tunnelstore.server.tunnel;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: the per-tunnel queue that makes every
 * coordinator single-threaded without dedicating a thread to each tunnel.
 *
 * <p>Thread-safe. A task that throws does not stop the queue; {@link #call} reports the failure through its
 * future. Once the pool rejects work (service closing), queued tasks are dropped and {@link #call} fails with
 * OTSTunnelServerUnavailable instead of never completing. Tasks must not block for long (they hold the tunnel's queue).
 */
final class SerialExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

    private final Executor pool;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean running;

    SerialExecutor(Executor pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        synchronized (queue) {
            queue.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // the module is closing: nothing queued here will ever run, so fail it all rather than hang callers
            synchronized (queue) {
                queue.clear();
                running = false;
            }
            throw e;
        }
    }

    /** Runs {@code task} on this queue; the future completes with its value or its exception. */
    <T> CompletionStage<T> call(Supplier<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            execute(() -> {
                try {
                    result.complete(task.get());
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(TunnelErrors.shuttingDown());
        }
        return result;
    }

    private void drain() {
        // Bounded batch per turn, so one busy tunnel cannot monopolise a pool thread forever.
        for (int i = 0; i < 64; i++) {
            Runnable next;
            synchronized (queue) {
                next = queue.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                LOG.error("tunnel task failed", e);
            }
        }
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            LOG.warn("Tunnel queue abandoned: the service is shutting down");
            synchronized (queue) {
                queue.clear();
                running = false;
            }
        }
    }
}
