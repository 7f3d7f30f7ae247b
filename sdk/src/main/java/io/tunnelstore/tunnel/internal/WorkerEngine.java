package io.tunnelstore.tunnel.internal;

import io.tunnelstore.client.internal.ExponentialBackoff;
import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.tunnel.TunnelWorkerConfig;
import io.tunnelstore.tunnel.TunnelWorkerException;
import io.tunnelstore.tunnel.TunnelWorkerPools;
import io.tunnelstore.tunnel.WorkerListener;
import io.tunnelstore.tunnel.WorkerListener.CloseReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Implementation notes.
 *
 * Concurrency: one writer. All fields below (session, channel table, runners, timers) are touched only by tasks
 * on the worker loop (WorkerScheduler). RPC completions, callback completions and public calls post tasks to
 * the loop. No lock is held while user code runs, because no lock exists.
 *
 * Jobs: the engine owns the worker's lifecycle (WorkerState), the session (connect, expiry, reconnect back-off)
 * and the channel table, and delegates the three jobs around them: HeartbeatLoop (timing of heartbeats and the
 * local session timeout), ChannelReconciler (a pure function from table + heartbeat answer to the new table and
 * runner actions, which the engine applies) and StopSequence (final report and ShutdownTunnel).
 *
 * Sessions: ConnectTunnel gives a client id; answers of an ended session are ignored (session number for
 * connect, HeartbeatLoop's epoch for heartbeats). OTSResourceGone or a local heartbeat timeout ends the session:
 * every channel is dropped without checkpointing (another client may own it already) and the worker reconnects
 * with a new client id. Fatal codes (tunnel expired/deleted, permission denied) and connect failures stop the
 * worker; TunnelDaemon restarts it for transient ones.
 *
 * Channel table: one ChannelSlot per channel. Its "reported" entry is what the next heartbeat reports; after each
 * answer the reconciliation replaces them; runner ends immediately record their CLOSE/TERMINATED v+1 reports, so
 * the very next heartbeat carries them (the official SDKs needed one more round). A graceful stop sends reports
 * still unsent in one final heartbeat before ShutdownTunnel, which would otherwise drop them with the session.
 *
 * Fencing: a fresh runner for a channel starts only after the previous runner of that channel in this JVM has
 * fully closed (ChannelSlot.previousRunnerClosed), so callbacks of one channel never overlap even across sessions.
 */
/**
 * The tunnel worker runtime behind {@code io.tunnelstore.tunnel.TunnelWorker}: session, heartbeats, channel
 * reconciliation, channel runners, checkpoints and shutdown. Public methods are thread-safe.
 */
public final class WorkerEngine implements RunnerHost {
    private static final Logger log = LoggerFactory.getLogger(WorkerEngine.class);
    /** How long the JVM exit hook waits for a graceful stop before forcing it. */
    private static final Duration EXIT_CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** Delay before reconnecting after sessions that ended without one successful heartbeat in between. */
    private static final ExponentialBackoff RECONNECT_BACKOFF = new ExponentialBackoff(1_000, 2, 30_000, 0.2);

    private final TunnelRpc rpc;
    private final String tunnelId;
    private final TunnelWorkerConfig config;
    private final WorkerScheduler loop;
    /** Where the exit hook goes, or null (none wanted). */
    private final ShutdownHooks shutdownHooks;
    private final Thread exitHook;
    private final WorkerListener listener;
    private final ParallelismLimiter limiter;
    private final CompletableFuture<Void> termination = new CompletableFuture<>();
    private final HeartbeatLoop heartbeats;
    private final StopSequence stop;
    /** The channel table, in the order of the server's last list (then channels only kept for their fence). */
    private Map<String, ChannelSlot> slots = new LinkedHashMap<>();

    private volatile WorkerState state = WorkerState.NEW;
    private volatile String clientId;
    private TunnelWorkerPools pools;
    /** True when this worker created {@link #pools} itself (then it closes them when it stops). */
    private boolean ownsPools;
    private int session;
    private int expiriesWithoutHeartbeat;
    private WorkerScheduler.Cancellable checkpointTimer;
    private TunnelWorkerException failure;

    /**
     * @param shutdownHooks where to register the close-at-JVM-exit hook, or null (also ignored when the config
     *                      disables it)
     */
    public WorkerEngine(TunnelRpc rpc, String tunnelId, TunnelWorkerConfig config, WorkerScheduler loop,
            ShutdownHooks shutdownHooks) {
        this.rpc = Objects.requireNonNull(rpc, "rpc");
        this.tunnelId = requireNonEmpty(tunnelId);
        this.config = Objects.requireNonNull(config, "config");
        this.loop = Objects.requireNonNull(loop, "loop");
        this.shutdownHooks = config.closeOnJvmExit() ? shutdownHooks : null;
        this.exitHook = this.shutdownHooks == null ? null
                : new Thread(this::closeForExit, "tunnel-" + this.tunnelId + "-exit-hook");
        this.listener = GuardedListener.of(config.listener());
        this.limiter = new ParallelismLimiter(config.maxChannelParallel(), config.maxBufferedBytes());
        this.heartbeats = new HeartbeatLoop(rpc, loop, this.tunnelId, config.heartbeatInterval().toMillis(),
                config.heartbeatTimeout().toMillis(), new HeartbeatLoop.Host() {
                    @Override
                    public boolean heartbeating() {
                        return state == WorkerState.RUNNING || state == WorkerState.STOPPING;
                    }

                    @Override
                    public String clientId() {
                        return clientId;
                    }

                    @Override
                    public List<ChannelState> channelsToReport() {
                        return reportedChannels();
                    }

                    @Override
                    public void onSilence(long silentMillis) {
                        onHeartbeatSilence(silentMillis);
                    }

                    @Override
                    public void onAnswer(List<ChannelState> response, TunnelRpcException error) {
                        onHeartbeat(response, error);
                    }
                });
        this.stop = new StopSequence(rpc, loop, this.tunnelId, () -> clientId, this::reportedChannels,
                this::hasPendingReports, heartbeats::inFlight, this::completeStop);
    }

    private static String requireNonEmpty(String tunnelId) {
        Objects.requireNonNull(tunnelId, "tunnelId");
        if (tunnelId.isBlank()) {
            throw new IllegalArgumentException("tunnelId must not be blank");
        }
        return tunnelId;
    }

    // ---------------------------------------------------------------- public API (any thread)

    /**
     * Starts connecting; returns at once. Progress and failures are visible through {@link #termination()} and
     * the listener.
     *
     * @throws IllegalStateException if already started or closed
     */
    public void start() {
        synchronized (this) {
            if (state != WorkerState.NEW) {
                throw new IllegalStateException("worker of tunnel " + tunnelId + " is " + state
                        + "; create a new one");
            }
            ownsPools = config.pools().isEmpty();
            pools = config.pools().orElseGet(() -> TunnelWorkerPools.forConfig(config));
            state = WorkerState.CONNECTING;
        }
        if (shutdownHooks != null) {
            shutdownHooks.add(exitHook);
        }
        loop.execute(this::connect);
    }

    /** Completes when the worker stopped: normally after a close, exceptionally with the failure. */
    public CompletableFuture<Void> termination() {
        return termination;
    }

    /**
     * Stops gracefully: drains channels (final checkpoints, onShutdown), sends pending CLOSE/TERMINATED reports in
     * a final heartbeat, then ShutdownTunnel.
     */
    public CompletableFuture<Void> shutdownGracefully() {
        synchronized (this) {
            if (state == WorkerState.NEW) {
                state = WorkerState.STOPPED;
                loop.shutdown();
                termination.complete(null);
                return termination;
            }
        }
        loop.execute(() -> beginStop(null));
        return termination;
    }

    /**
     * Graceful stop, then forced after {@code timeout}: channels whose callback is still running are dropped
     * without their ending callback. Blocks; must not be called from a worker callback.
     */
    public void close(Duration timeout) {
        if (loop.inLoop()) {
            throw new IllegalStateException("close() must not be called on the worker loop");
        }
        CompletableFuture<Void> done = shutdownGracefully();
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return;
        } catch (TimeoutException e) {
            log.warn("Worker of tunnel {} did not stop within {}; forcing", tunnelId, timeout);
            loop.execute(this::forceStop);
        } catch (ExecutionException e) {
            return;  // stopped because of a failure; the termination future carries it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loop.execute(this::forceStop);
            return;
        }
        try {
            done.get(StopSequence.RPC_TIMEOUT_MILLIS + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            log.warn("Worker of tunnel {} stopped uncleanly", tunnelId, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The exit hook's body: a graceful stop, forced after {@link #EXIT_CLOSE_TIMEOUT}; never throws. */
    private void closeForExit() {
        try {
            close(EXIT_CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            log.error("Closing worker of tunnel {} at exit failed", tunnelId, e);
        }
    }

    public WorkerState state() {
        return state;
    }

    /** The current session's client id, or null before the first connect. */
    public String clientId() {
        return clientId;
    }

    @Override
    public String tunnelId() {
        return tunnelId;
    }

    // ---------------------------------------------------------------- test and diagnostic views (loop-confined)

    /** Copy of the channel table the next heartbeat reports. Call on the loop or when the loop is idle. */
    public List<ChannelState> reportedChannels() {
        List<ChannelState> out = new ArrayList<>(slots.size());
        for (ChannelSlot s : slots.values()) {
            if (s.reported != null) {
                out.add(s.reported);
            }
        }
        return out;
    }

    /** State of a channel's runner, or null. Call on the loop or when the loop is idle. */
    public ChannelRunnerState runnerState(String channelId) {
        ChannelSlot s = slots.get(channelId);
        return s == null || s.runner == null ? null : s.runner.state();
    }

    /** Bytes reserved or held of the worker's budget. Call on the loop or when the loop is idle. */
    public long bufferedBytes() {
        return limiter.bytesInUse();
    }

    /** The most bytes ever reserved or held of the worker's budget. Call on the loop or when the loop is idle. */
    public long peakBufferedBytes() {
        return limiter.peakBytes();
    }

    /** Batches currently holding a parallelism permit. Call on the loop or when the loop is idle. */
    public int permitsInUse() {
        return limiter.inUse();
    }

    /** The pools in use (after start). */
    public TunnelWorkerPools pools() {
        return pools;
    }

    // ---------------------------------------------------------------- state machine

    private synchronized void transitionTo(WorkerState target) {
        if (!state.canTransitionTo(target)) {
            throw new IllegalStateException("Invalid worker transition " + state + " -> " + target);
        }
        log.info("Worker of tunnel {} {} -> {}", tunnelId, state, target);
        state = target;
    }

    // ---------------------------------------------------------------- session

    private void connect() {
        if (state != WorkerState.CONNECTING) {
            return;
        }
        int s = session;
        CompletableFuture<ConnectResult> f;
        try {
            f = rpc.connect(tunnelId, config.heartbeatTimeout(), config.clientTag());
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((r, err) -> loop.execute(() -> onConnected(s, r, err)));
    }

    private void onConnected(int s, ConnectResult result, Throwable err) {
        if (s != session || state != WorkerState.CONNECTING) {
            if (result != null) {  // we stopped meanwhile: end the orphan session
                rpc.shutdown(tunnelId, result.clientId());
            }
            return;
        }
        if (err != null) {
            TunnelRpcException e = TunnelRpcException.from(err);
            log.error("ConnectTunnel of tunnel {} failed ({})", tunnelId, e.wireCode(), e);
            beginStop(new TunnelWorkerException(e.wireCode(), e.isFatal(),
                    "ConnectTunnel of tunnel " + tunnelId + " failed: " + e.getMessage(), e));
            return;
        }
        clientId = result.clientId();
        transitionTo(WorkerState.RUNNING);
        listener.connected(tunnelId, clientId);
        heartbeats.start();  // the first heartbeat goes out at once: it is what gets channels assigned
        scheduleCheckpointTick();
    }

    private void expireSession(String reason) {
        List<ChannelRunner> dropped = new ArrayList<>();
        slots.values().forEach(s -> {
            if (s.runner != null) {
                dropped.add(s.runner);
            }
        });
        log.warn("Session {} of tunnel {} ended ({}); dropping {} channels and reconnecting", clientId, tunnelId,
                reason, dropped.size());
        String old = clientId;
        listener.sessionExpired(tunnelId, old, reason);
        session++;
        heartbeats.stop();
        cancelCheckpointTimer();
        for (ChannelSlot s : slots.values()) {
            ChannelRunner r = s.detachRunner();
            if (r != null) {
                r.abandon(ChannelRunnerState.LOST, CloseReason.LOST);
            }
            s.reported = null;
            s.ownReportVersion = -1;
            s.closingRounds = 0;
        }
        pruneSlots();
        // Best effort: tell the server the old session is over so its channels move without waiting.
        rpc.shutdown(tunnelId, old);
        transitionTo(WorkerState.CONNECTING);
        // A session that dies again before any heartbeat succeeded must not turn into a reconnect storm.
        int n = expiriesWithoutHeartbeat++;
        if (n == 0) {
            connect();
        } else {
            long delay = RECONNECT_BACKOFF.backoffMs(n - 1);
            log.warn("Tunnel {}: {} sessions in a row ended before a heartbeat succeeded; reconnecting in {} ms",
                    tunnelId, n + 1, delay);
            loop.schedule(this::connect, delay);
        }
    }

    // ---------------------------------------------------------------- heartbeat answers

    private void onHeartbeatSilence(long silentMs) {
        if (state == WorkerState.RUNNING) {
            expireSession("no successful heartbeat for " + silentMs + " ms");
        } else {
            forceStop();
        }
    }

    private void onHeartbeat(List<ChannelState> response, TunnelRpcException e) {
        if (stop.awaitingHeartbeat()) {  // past the channels: only the final report is still to go
            stop.heartbeatAnswered();
            return;
        }
        if (state != WorkerState.RUNNING && state != WorkerState.STOPPING) {
            return;
        }
        if (e != null) {
            if (e.is(ErrorCode.RESOURCE_GONE) && state == WorkerState.RUNNING) {
                expireSession("server says " + e.wireCode());
            } else if (e.isFatal()) {
                log.error("Heartbeat of tunnel {} failed fatally ({})", tunnelId, e.wireCode(), e);
                beginStop(new TunnelWorkerException(e.wireCode(), true,
                        "tunnel " + tunnelId + " cannot be consumed: " + e.getMessage(), e));
            } else {
                log.warn("Heartbeat of tunnel {} failed; retrying in {}", tunnelId, config.heartbeatInterval(), e);
                listener.heartbeatFailed(tunnelId, e);
            }
            return;
        }
        expiriesWithoutHeartbeat = 0;
        apply(ChannelReconciler.reconcile(localView(), response, state == WorkerState.RUNNING,
                config.closingDetectRounds()));
    }

    /** The table as the reconciliation sees it. */
    private Map<String, ChannelReconciler.Local> localView() {
        Map<String, ChannelReconciler.Local> view = new LinkedHashMap<>();
        slots.forEach((id, s) -> view.put(id, new ChannelReconciler.Local(s.reported, s.runnerPhase(),
                s.ownReportVersion, s.closingRounds)));
        return view;
    }

    /** Installs the reconciled table, then applies the runner actions in order. */
    private void apply(ChannelReconciler.Outcome outcome) {
        Map<String, ChannelSlot> next = new LinkedHashMap<>();
        outcome.channels().forEach((id, entry) -> {
            ChannelSlot s = slots.getOrDefault(id, new ChannelSlot(id));
            s.reported = entry.reported();
            s.ownReportVersion = entry.ownReportVersion();
            s.closingRounds = entry.closingRounds();
            next.put(id, s);
        });
        slots.forEach((id, s) -> {
            if (!next.containsKey(id)) {  // no longer listed: kept only while its runner or fence needs it
                s.reported = null;
                s.ownReportVersion = -1;
                s.closingRounds = 0;
                next.put(id, s);
            }
        });
        slots = next;
        for (ChannelReconciler.Action a : outcome.actions()) {
            ChannelSlot s = slots.get(a.channelId());
            ChannelRunner r = s.runner;
            if (a instanceof ChannelReconciler.Forget) {
                s.detachRunner();
                r.abandon(ChannelRunnerState.LOST, CloseReason.LOST);
            } else if (a instanceof ChannelReconciler.Start) {
                startRunner(s);
            } else if (a instanceof ChannelReconciler.Release) {
                r.requestRelease();
            } else if (a instanceof ChannelReconciler.ForceRelease) {
                if (!r.state().isTerminal()) {
                    r.forceRelease();
                }
            } else if (a instanceof ChannelReconciler.Revoke) {
                r.abandon(ChannelRunnerState.LOST, CloseReason.LOST);
            }
        }
        pruneSlots();
    }

    private void pruneSlots() {
        slots.values().removeIf(ChannelSlot::isIdle);
    }

    private void startRunner(ChannelSlot slot) {
        slot.detachRunner();
        ChannelRunner r = new ChannelRunner(slot.channelId, this);
        slot.runner = r;
        CompletableFuture<Void> prev = slot.previousRunnerClosed;
        slot.previousRunnerClosed = null;
        if (prev == null || prev.isDone()) {
            r.start();
        } else {
            prev.whenComplete((v, e) -> loop.execute(() -> {
                ChannelSlot current = slots.get(slot.channelId);
                if (r.state() == ChannelRunnerState.STARTING && current != null && current.runner == r) {
                    r.start();
                }
            }));
        }
    }

    @Override
    public void runnerEnded(ChannelRunner r) {
        ChannelSlot s = slots.get(r.channelId());
        if (s == null || s.runner != r) {
            return;  // a runner of an ended session, or one already forgotten
        }
        if (s.reported != null) {
            switch (r.state()) {
                case RELEASED -> s.report(s.reported.bump(ChannelStatus.CLOSE));
                case FINISHED -> s.report(s.reported.bump(ChannelStatus.TERMINATED));
                default -> {
                    // LOST and SHUT_DOWN: nothing to report (server already knows, or ShutdownTunnel follows)
                }
            }
        }
    }

    /** Reports this worker made (CLOSE/TERMINATED, version + 1) that the server has not adopted yet. */
    private boolean hasPendingReports() {
        return slots.values().stream().anyMatch(ChannelSlot::hasPendingReport);
    }

    private List<ChannelRunner> runners() {
        List<ChannelRunner> out = new ArrayList<>();
        slots.values().forEach(s -> {
            if (s.runner != null) {
                out.add(s.runner);
            }
        });
        return out;
    }

    // ---------------------------------------------------------------- checkpoints

    private void scheduleCheckpointTick() {
        checkpointTimer = loop.schedule(() -> {
            if (state == WorkerState.RUNNING || state == WorkerState.STOPPING) {
                runners().forEach(ChannelRunner::flushCheckpoint);
                scheduleCheckpointTick();
            }
        }, config.checkpointInterval().toMillis());
    }

    private void cancelCheckpointTimer() {
        if (checkpointTimer != null) {
            checkpointTimer.cancel();
            checkpointTimer = null;
        }
    }

    // ---------------------------------------------------------------- stopping

    private void beginStop(TunnelWorkerException cause) {
        if (state == WorkerState.STOPPING || state.isTerminal()) {
            return;
        }
        failure = cause;
        transitionTo(WorkerState.STOPPING);
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (ChannelRunner r : runners()) {
            r.shutdown();
            closing.add(r.closed());
        }
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                .whenComplete((v, e) -> loop.execute(this::channelsClosed));
    }

    private void forceStop() {
        if (state.isTerminal()) {
            return;
        }
        if (state != WorkerState.STOPPING) {
            failure = null;
            transitionTo(WorkerState.STOPPING);
        }
        for (ChannelRunner r : runners()) {
            r.abandon(ChannelRunnerState.SHUT_DOWN, CloseReason.SHUTDOWN);
        }
        if (!stop.force()) {
            channelsClosed();
        }
    }

    /** Every channel has closed: the timers go, the stop sequence takes over. */
    private void channelsClosed() {
        if (state != WorkerState.STOPPING || stop.phase() != StopSequence.Phase.CHANNELS) {
            return;
        }
        heartbeats.cancelTimer();
        cancelCheckpointTimer();
        stop.channelsClosed();
    }

    private void completeStop() {
        if (state != WorkerState.STOPPING) {
            return;
        }
        transitionTo(failure == null ? WorkerState.STOPPED : WorkerState.FAILED);
        if (pools != null && ownsPools) {
            pools.close();
        }
        if (shutdownHooks != null) {
            shutdownHooks.remove(exitHook);
        }
        TunnelWorkerException cause = failure;
        listener.workerStopped(tunnelId, cause);
        if (cause == null) {
            termination.complete(null);
        } else {
            termination.completeExceptionally(cause);
        }
        loop.shutdown();
    }

    // ---------------------------------------------------------------- RunnerHost

    @Override
    public TunnelRpc rpc() {
        return rpc;
    }

    @Override
    public WorkerScheduler loop() {
        return loop;
    }

    @Override
    public Executor readExecutor() {
        return pools.readExecutor();
    }

    @Override
    public Executor processExecutor() {
        return pools.processExecutor();
    }

    @Override
    public WorkerListener listener() {
        return listener;
    }

    @Override
    public TunnelWorkerConfig config() {
        return config;
    }

    @Override
    public ParallelismLimiter limiter() {
        return limiter;
    }
}
