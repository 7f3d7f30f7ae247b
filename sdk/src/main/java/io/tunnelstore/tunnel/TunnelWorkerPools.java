package io.tunnelstore.tunnel;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads tunnel workers read and run callbacks on: one read pool and one process pool. Like OkHttp's shared
 * {@code Dispatcher}/{@code ConnectionPool}, it is an explicit object with an owner: create one, hand it to the
 * configs of every worker that should share it ({@link TunnelWorkerConfig.Builder#pools}), and close it yourself
 * after those workers stopped.
 *
 * <pre>{@code
 * try (TunnelWorkerPools pools = TunnelWorkerPools.create(4, 8)) {
 *     TunnelWorkerConfig config = TunnelWorkerConfig.builder().pools(pools).processorFactory(factory).build();
 *     // ... run any number of workers / daemons with config; stop them; then the pools close here
 * }
 * }</pre>
 *
 * A worker whose config names no pools creates its own ({@link #forConfig}) and closes them when it stops, so
 * nothing outlives the worker and nothing is shared behind your back.
 *
 * <p>The pools are fixed-size with an unbounded queue: queued tasks are already bounded by channels × read-ahead,
 * and unlike the official SDK's caller-runs policy no user work lands on a worker's loop. Threads are daemon
 * threads and time out when idle. Thread-safe.
 */
public final class TunnelWorkerPools implements AutoCloseable {
    /** Default size of the read pool. */
    public static final int DEFAULT_READ_THREADS = 4;

    private final Executor readExecutor;
    private final Executor processExecutor;
    /** The pools created here (null where the executor was given): the only ones {@link #close()} shuts down. */
    private final ExecutorService ownedRead;
    private final ExecutorService ownedProcess;
    private volatile boolean closed;

    private TunnelWorkerPools(Executor read, Executor process, int readThreads, int processThreads) {
        String id = Integer.toHexString(System.identityHashCode(this));
        this.ownedRead = read != null ? null : newPool("tunnel-read-" + id + "-", checkThreads(readThreads));
        this.ownedProcess = process != null ? null
                : newPool("tunnel-process-" + id + "-", checkThreads(processThreads));
        this.readExecutor = read != null ? read : ownedRead;
        this.processExecutor = process != null ? process : ownedProcess;
    }

    /** New pools of {@value #DEFAULT_READ_THREADS} read threads and one process thread per CPU (at least 2). */
    public static TunnelWorkerPools create() {
        return create(DEFAULT_READ_THREADS, defaultProcessThreads());
    }

    /** New fixed pools of the given sizes (1..1024 each). */
    public static TunnelWorkerPools create(int readThreads, int processThreads) {
        return new TunnelWorkerPools(null, null, readThreads, processThreads);
    }

    /** Your executors; {@link #close()} leaves them running (they are yours to shut down). */
    public static TunnelWorkerPools using(Executor readExecutor, Executor processExecutor) {
        return new TunnelWorkerPools(Objects.requireNonNull(readExecutor, "readExecutor"),
                Objects.requireNonNull(processExecutor, "processExecutor"), 1, 1);
    }

    /**
     * What a worker uses when {@code config} names no pools: the config's {@code readExecutor} /
     * {@code processExecutor} where given (never shut down), new pools of {@code readThreads} /
     * {@code processThreads} for the rest. The worker closes them when it stops.
     */
    public static TunnelWorkerPools forConfig(TunnelWorkerConfig config) {
        return new TunnelWorkerPools(config.readExecutor().orElse(null), config.processExecutor().orElse(null),
                config.readThreads(), config.processThreads());
    }

    static int defaultProcessThreads() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    /** Runs ReadRecords calls. */
    public Executor readExecutor() {
        return readExecutor;
    }

    /** Runs processor callbacks. */
    public Executor processExecutor() {
        return processExecutor;
    }

    /**
     * Shuts down the pools created here (tasks already queued still run; new ones are rejected). Executors passed
     * in are left alone. Close only after the workers using these pools stopped: a worker that is still running
     * hands its channels back when its reads or callbacks are rejected. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        if (ownedRead != null) {
            ownedRead.shutdown();
        }
        if (ownedProcess != null) {
            ownedProcess.shutdown();
        }
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    private static int checkThreads(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("pool size must be in 1..1024: " + threads);
        }
        return threads;
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
