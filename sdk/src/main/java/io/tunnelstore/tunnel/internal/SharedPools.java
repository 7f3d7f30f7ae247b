package io.tunnelstore.tunnel.internal;

import io.tunnelstore.tunnel.TunnelWorkerConfig;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The read and process thread pools of all workers built from one {@link TunnelWorkerConfig} instance,
 * reference counted: created lazily by the first {@link #acquire}, shut down by the last {@link #release}.
 * Executors supplied by the user in the config are used as they are and never shut down.
 *
 * <p>The pools are fixed-size (config {@code readThreads}/{@code processThreads}) with an unbounded queue: the
 * number of queued tasks is already bounded by channels × read-ahead, and unlike the official SDK's
 * caller-runs policy no user work lands on the worker loop. Thread-safe.
 */
public final class SharedPools {
    private static final Map<TunnelWorkerConfig, SharedPools> BY_CONFIG = new IdentityHashMap<>();
    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    private final TunnelWorkerConfig config;
    private final Executor readExecutor;
    private final Executor processExecutor;
    private final ExecutorService ownedRead;
    private final ExecutorService ownedProcess;
    private int references;

    private SharedPools(TunnelWorkerConfig config) {
        this.config = config;
        int id = POOL_IDS.incrementAndGet();
        this.ownedRead = config.readExecutor().isPresent() ? null
                : newPool("tunnel-read-" + id + "-", config.readThreads());
        this.ownedProcess = config.processExecutor().isPresent() ? null
                : newPool("tunnel-process-" + id + "-", config.processThreads());
        this.readExecutor = config.readExecutor().orElse(ownedRead);
        this.processExecutor = config.processExecutor().orElse(ownedProcess);
    }

    /** The pools for {@code config}, creating them if no worker holds them. Pair with {@link #release()}. */
    public static SharedPools acquire(TunnelWorkerConfig config) {
        synchronized (BY_CONFIG) {
            SharedPools pools = BY_CONFIG.computeIfAbsent(config, SharedPools::new);
            pools.references++;
            return pools;
        }
    }

    /** Drops one reference; the last one shuts down the pools this class created. Call once per acquire. */
    public void release() {
        synchronized (BY_CONFIG) {
            if (references <= 0) {
                throw new IllegalStateException("SharedPools released more often than acquired");
            }
            if (--references > 0) {
                return;
            }
            BY_CONFIG.remove(config);
        }
        if (ownedRead != null) {
            ownedRead.shutdown();
        }
        if (ownedProcess != null) {
            ownedProcess.shutdown();
        }
    }

    /** Number of workers holding pools for this config (0 when none exist). */
    public static int references(TunnelWorkerConfig config) {
        synchronized (BY_CONFIG) {
            SharedPools p = BY_CONFIG.get(config);
            return p == null ? 0 : p.references;
        }
    }

    public Executor readExecutor() {
        return readExecutor;
    }

    public Executor processExecutor() {
        return processExecutor;
    }

    /** True once the pools created here have been shut down (false for user executors). */
    public boolean isShutdown() {
        return ownedProcess != null && ownedProcess.isShutdown();
    }

    private static ExecutorService newPool(String prefix, int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, prefix + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
