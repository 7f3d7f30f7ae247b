package io.tunnelstore.tunnel;

import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.client.internal.ExponentialBackoff;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link TunnelWorker} consuming a tunnel until closed. {@link #run()} blocks: it starts a worker, and
 * when the worker stops because of a transient failure (ConnectTunnel failed, server unavailable, …) starts a
 * fresh one (new client id) after an exponential back-off (1 s doubling to 60 s, ±20 % jitter; reset once a
 * worker connected). Fatal failures - tunnel expired ({@code OTSTunnelExpired}), deleted
 * ({@code OTSParameterInvalid}/{@code OTSObjectNotExist}), permission denied ({@code OTSPermissionDenied}) - end
 * {@code run()} with that {@link TunnelWorkerException}. {@link #close()} (from another thread) stops the current
 * worker gracefully and makes {@code run()} return normally.
 *
 * <pre>{@code
 * TunnelDaemon daemon = new TunnelDaemon(tunnelClient, tunnelId, config);
 * Runtime.getRuntime().addShutdownHook(new Thread(daemon::close));   // optional; workers also close at exit
 * daemon.run();
 * }</pre>
 *
 * Thread-safe; {@code run()} may be called once.
 */
public final class TunnelDaemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TunnelDaemon.class);
    static final ExponentialBackoff DEFAULT_BACKOFF = new ExponentialBackoff(1_000, 2, 60_000, 0.2);

    /** Waits between restarts; returns early (false) when the daemon is closed. */
    interface Sleeper {
        boolean sleep(long millis) throws InterruptedException;
    }

    private final Supplier<TunnelWorker> workers;
    private final ExponentialBackoff backoff;
    private final Sleeper sleeper;
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile TunnelWorker current;
    private boolean ran;

    /**
     * A daemon that runs {@code new TunnelWorker(client, tunnelId, config)} workers.
     *
     * @throws IllegalArgumentException if {@code tunnelId} is blank
     */
    public TunnelDaemon(TunnelClient client, String tunnelId, TunnelWorkerConfig config) {
        this(workerSupplier(client, tunnelId, config), DEFAULT_BACKOFF, null);
    }

    private static Supplier<TunnelWorker> workerSupplier(TunnelClient client, String tunnelId,
            TunnelWorkerConfig config) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(tunnelId, "tunnelId");
        if (tunnelId.isBlank()) {
            throw new IllegalArgumentException("tunnelId must not be blank");
        }
        return () -> new TunnelWorker(client, tunnelId, config);
    }

    /** For tests: workers from {@code workers}, waiting with {@code sleeper} (null = real waiting). */
    TunnelDaemon(Supplier<TunnelWorker> workers, ExponentialBackoff backoff, Sleeper sleeper) {
        this.workers = Objects.requireNonNull(workers, "workers");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.sleeper = sleeper != null ? sleeper
                : millis -> !closedLatch.await(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs workers until {@link #close()} or a fatal failure.
     *
     * @throws TunnelWorkerException (fatal) when the tunnel cannot be consumed
     * @throws IllegalStateException if called twice
     */
    public void run() {
        synchronized (this) {
            if (ran) {
                throw new IllegalStateException("TunnelDaemon.run() may be called once");
            }
            ran = true;
        }
        int attempt = 0;
        while (!closed) {
            TunnelWorker worker = workers.get();
            current = worker;
            if (closed) {
                return;
            }
            try {
                worker.start();
            } catch (IllegalStateException e) {
                if (closed) {
                    return;  // close() raced with start() and already stopped this worker
                }
                throw e;
            }
            TunnelWorkerException failure = awaitFailure(worker);
            if (closed) {
                return;
            }
            if (failure == null) {
                log.info("Worker of tunnel {} was stopped from outside; daemon ends", worker.tunnelId());
                return;
            }
            if (failure.isFatal()) {
                log.error("Tunnel {} cannot be consumed ({}); daemon ends", worker.tunnelId(), failure.errorCode(),
                        failure);
                throw failure;
            }
            if (worker.clientId() != null) {
                attempt = 0;  // it did connect: this is a new incident, not another failure in a row
            }
            long delay = backoff.backoffMs(attempt++);
            log.warn("Worker of tunnel {} stopped ({}); restarting in {} ms", worker.tunnelId(),
                    failure.errorCode(), delay, failure);
            try {
                if (!sleeper.sleep(delay)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static TunnelWorkerException awaitFailure(TunnelWorker worker) {
        try {
            worker.termination().get();
            return null;
        } catch (ExecutionException | CompletionException e) {
            Throwable c = e.getCause();
            return c instanceof TunnelWorkerException twe ? twe
                    : TunnelWorkerException.local("worker failed: " + c, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.close();
            return null;
        }
    }

    /**
     * Begins a graceful stop of the current worker and returns at once; {@code run()} then returns normally once
     * the worker stopped (no time limit: a callback that never returns keeps it waiting). Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        closedLatch.countDown();
        TunnelWorker w = current;
        if (w != null) {
            w.shutdownGracefully();
        }
    }

    /**
     * Stops the current worker like {@link TunnelWorker#close(Duration)}: gracefully, forced after {@code timeout}
     * (channels whose callback is still running are dropped without their ending callback). Blocks until the worker
     * stopped; {@code run()} then returns normally. Must not be called from a processor callback.
     */
    public void close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        closed = true;
        closedLatch.countDown();
        TunnelWorker w = current;
        if (w != null) {
            w.close(timeout);
        }
    }
}
