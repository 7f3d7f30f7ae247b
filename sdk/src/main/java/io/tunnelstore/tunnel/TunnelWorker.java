package io.tunnelstore.tunnel;

import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.client.internal.InternalAccess;
import io.tunnelstore.tunnel.internal.ExecutorWorkerScheduler;
import io.tunnelstore.tunnel.internal.RpcClientTunnelRpc;
import io.tunnelstore.tunnel.internal.ShutdownHooks;
import io.tunnelstore.tunnel.internal.TunnelRpc;
import io.tunnelstore.tunnel.internal.WorkerEngine;
import io.tunnelstore.tunnel.internal.WorkerScheduler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Consumes a tunnel: connects as a client, heartbeats, receives channels from the server and runs one
 * {@link ChannelProcessor} per channel, committing checkpoints as it goes.
 *
 * <pre>{@code
 * TunnelWorkerConfig config = TunnelWorkerConfig.builder()
 *     .processorFactory(SimpleProcessorFactory.of("app", (ctx, records) -> records.forEach(System.out::println)))
 *     .build();                                   // share one config between the workers of a process
 * try (TunnelWorker worker = new TunnelWorker(tunnelClient, tunnelId, config)) {
 *     worker.start();
 *     worker.termination().join();                // or use TunnelDaemon, which also restarts on failures
 * }
 * }</pre>
 *
 * <h3>What it does</h3>
 * <ul>
 *   <li>ConnectTunnel, then a heartbeat at once and every {@link TunnelWorkerConfig#heartbeatInterval()}.
 *       Channel lists are merged by version; channels the server hands out are started, CLOSING ones are drained
 *       (in-flight batch finished, position committed) and reported CLOSE on the next heartbeat, finished ones
 *       commit {@code finished} and are reported TERMINATED. A graceful rebalance therefore delivers nothing
 *       twice.</li>
 *   <li>{@code OTSResourceGone} or no successful heartbeat within {@link TunnelWorkerConfig#heartbeatTimeout()}:
 *       all channels are dropped ({@code onLost}) and the worker reconnects under a new client id.</li>
 *   <li>Tunnel expired, deleted ({@code OTSParameterInvalid}/{@code OTSObjectNotExist}) or permission denied:
 *       the worker stops; {@link #termination()} fails with a fatal {@link TunnelWorkerException}. A failed
 *       ConnectTunnel also stops it (non-fatal exception): {@link TunnelDaemon} retries with back-off.</li>
 *   <li>Idle stream channels poll with a back-off of 10 ms doubling up to
 *       {@link TunnelWorkerConfig#maxIdleBackoff()}, counted from when the idle read was sent (a long poll the
 *       server held is re-sent at once); any data resets it.</li>
 * </ul>
 *
 * <h3>Threads and resources</h3>
 * One loop thread per worker ({@code tunnel-<id>-loop}) owns all state; reads and callbacks run on the
 * {@link TunnelWorkerPools} of the config (shared, yours to close) or, without them, on pools the worker creates
 * and closes itself. While it runs, the worker has a JVM shutdown hook that closes it at exit (final
 * checkpoints, {@code onShutdown}, ShutdownTunnel; removed when the worker stops) unless
 * {@link TunnelWorkerConfig#closeOnJvmExit()} is false.
 *
 * <p>Thread-safe. A worker runs once: after it stopped, create a new one.
 */
public final class TunnelWorker implements AutoCloseable {
    /** Default time {@link #close()} waits for a graceful stop. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final WorkerEngine engine;

    /**
     * A worker for {@code tunnelId} using {@code client}'s connection, credentials and retry settings.
     *
     * @param client   a tunnel client (shared; not closed by the worker)
     * @param tunnelId the tunnel to consume (from CreateTunnel or DescribeTunnel)
     * @param config   worker configuration; share one instance between the workers of a process
     * @throws IllegalArgumentException if {@code tunnelId} is blank
     */
    public TunnelWorker(TunnelClient client, String tunnelId, TunnelWorkerConfig config) {
        this(new RpcClientTunnelRpc(InternalAccess.tunnelRpc(Objects.requireNonNull(client, "client")),
                        Objects.requireNonNull(config, "config").traceReadStages()),
                tunnelId, config, new ExecutorWorkerScheduler(requireTunnelId(tunnelId)), ShutdownHooks.JVM);
    }

    private static String requireTunnelId(String tunnelId) {
        Objects.requireNonNull(tunnelId, "tunnelId");
        if (tunnelId.isBlank()) {
            throw new IllegalArgumentException("tunnelId must not be blank");
        }
        return tunnelId;
    }

    /** For tests: a worker over any {@link TunnelRpc} and loop. */
    TunnelWorker(TunnelRpc rpc, String tunnelId, TunnelWorkerConfig config, WorkerScheduler loop,
            ShutdownHooks shutdownHooks) {
        this.engine = new WorkerEngine(rpc, tunnelId, config, loop, shutdownHooks);
    }

    /**
     * Starts connecting and consuming; returns immediately.
     *
     * @throws IllegalStateException if the worker was already started or closed
     */
    public void start() {
        engine.start();
    }

    /**
     * Completes when the worker has stopped: normally after {@link #close()} or {@link #shutdownGracefully()},
     * exceptionally with a {@link TunnelWorkerException} when it stopped by itself (check
     * {@link TunnelWorkerException#isFatal()}).
     */
    public CompletableFuture<Void> termination() {
        return engine.termination();
    }

    /**
     * Begins a graceful stop without waiting: every channel finishes its in-flight batch, commits its position and
     * gets {@code onShutdown} (also when its in-flight batch throws meanwhile); then a final heartbeat reports
     * channels that ended since the last one (so a finished channel is TERMINATED on the server, not re-opened),
     * ShutdownTunnel is sent and the pools the worker created for itself are shut down.
     */
    public CompletableFuture<Void> shutdownGracefully() {
        return engine.shutdownGracefully();
    }

    /** {@link #close(Duration)} with {@link #DEFAULT_CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }

    /**
     * Stops gracefully, waiting up to {@code timeout}; then forcibly (channels whose callback is still running
     * are dropped without their ending callback). Idempotent. Do not call it from a processor callback.
     */
    public void close(Duration timeout) {
        engine.close(timeout);
    }

    /** Current client id (changes after a reconnect), or null before the first successful connect. */
    public String clientId() {
        return engine.clientId();
    }

    public String tunnelId() {
        return engine.tunnelId();
    }

    /** The engine, for package tests. */
    WorkerEngine engine() {
        return engine;
    }
}
