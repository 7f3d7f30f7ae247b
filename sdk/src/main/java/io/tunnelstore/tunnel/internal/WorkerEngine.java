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
import java.util.HashMap;
import java.util.Iterator;
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
 * Sessions: ConnectTunnel gives a client id; every later response is tagged with the session number it was sent
 * in and ignored if the session changed meanwhile. OTSResourceGone or a local heartbeat timeout ends the session:
 * every channel is dropped without checkpointing (another client may own it already) and the worker reconnects
 * with a new client id. Fatal codes (tunnel expired/deleted, permission denied) and connect failures stop the
 * worker; TunnelDaemon restarts it for transient ones.
 *
 * Channel table: "channels" is what the next heartbeat reports. After each response it is replaced by the
 * version merge (ChannelMerge); runner ends immediately put their CLOSE/TERMINATED v+1 reports into it, so the
 * very next heartbeat carries them (the official SDKs needed one more round). A graceful stop sends reports still
 * unsent in one final heartbeat before ShutdownTunnel, which would otherwise drop them with the session.
 *
 * Fencing: a fresh runner for a channel starts only after the previous runner of that channel in this JVM has
 * fully closed, so callbacks of one channel never overlap even across sessions.
 */
/**
 * The tunnel worker runtime behind {@code io.tunnelstore.tunnel.TunnelWorker}: session, heartbeats, channel merge,
 * channel runners, checkpoints and shutdown. Public methods are thread-safe.
 */
public final class WorkerEngine implements RunnerHost {
    private static final Logger log = LoggerFactory.getLogger(WorkerEngine.class);
    /** How long the JVM exit hook waits for a graceful stop before forcing it. */
    private static final Duration EXIT_CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** How long a final ShutdownTunnel may take before the worker stops anyway. */
    private static final long SHUTDOWN_RPC_TIMEOUT_MS = 10_000;
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

    private volatile WorkerState state = WorkerState.NEW;
    private volatile String clientId;
    private TunnelWorkerPools pools;
    /** True when this worker created {@link #pools} itself (then it closes them when it stops). */
    private boolean ownsPools;
    private int session;
    private long lastHeartbeatOkMs;
    private boolean heartbeatInFlight;
    private int expiriesWithoutHeartbeat;
    private WorkerScheduler.Cancellable heartbeatTimer;
    private WorkerScheduler.Cancellable checkpointTimer;
    private Map<String, ChannelState> channels = new LinkedHashMap<>();
    private final Map<String, ChannelRunner> runners = new HashMap<>();
    private final Map<String, Long> reportedVersion = new HashMap<>();
    private final Map<String, Integer> closingRounds = new HashMap<>();
    private final Map<String, CompletableFuture<Void>> previousRunnerClosed = new HashMap<>();
    private TunnelWorkerException failure;
    private StopPhase stopPhase = StopPhase.CHANNELS;
    private WorkerScheduler.Cancellable finalReportGuard;

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
        this.limiter = new ParallelismLimiter(config.maxChannelParallel());
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
            done.get(SHUTDOWN_RPC_TIMEOUT_MS + 1000, TimeUnit.MILLISECONDS);
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
        return List.copyOf(channels.values());
    }

    /** State of a channel's runner, or null. Call on the loop or when the loop is idle. */
    public ChannelRunnerState runnerState(String channelId) {
        ChannelRunner r = runners.get(channelId);
        return r == null ? null : r.state();
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
        lastHeartbeatOkMs = loop.nowMillis();
        transitionTo(WorkerState.RUNNING);
        listener.connected(tunnelId, clientId);
        heartbeatTick();  // the first heartbeat goes out at once: it is what gets channels assigned
        scheduleCheckpointTick();
    }

    private void expireSession(String reason) {
        log.warn("Session {} of tunnel {} ended ({}); dropping {} channels and reconnecting", clientId, tunnelId,
                reason, runners.size());
        String old = clientId;
        listener.sessionExpired(tunnelId, old, reason);
        session++;
        heartbeatInFlight = false;
        cancelTimers();
        for (ChannelRunner r : runners.values()) {
            r.abandon(ChannelRunnerState.LOST, CloseReason.LOST);
            previousRunnerClosed.put(r.channelId(), r.closed());
        }
        runners.clear();
        channels = new LinkedHashMap<>();
        reportedVersion.clear();
        closingRounds.clear();
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

    // ---------------------------------------------------------------- heartbeat

    private void heartbeatTick() {
        if (state != WorkerState.RUNNING && state != WorkerState.STOPPING) {
            return;
        }
        heartbeatTimer = loop.schedule(this::heartbeatTick, config.heartbeatInterval().toMillis());
        long silentMs = loop.nowMillis() - lastHeartbeatOkMs;
        if (silentMs > config.heartbeatTimeout().toMillis()) {
            if (state == WorkerState.RUNNING) {
                expireSession("no successful heartbeat for " + silentMs + " ms");
            } else {
                forceStop();
            }
            return;
        }
        if (heartbeatInFlight) {
            return;  // never pile up heartbeats; the timeout above covers a hung one
        }
        heartbeatInFlight = true;
        int s = session;
        List<ChannelState> sent = new ArrayList<>(channels.values());
        CompletableFuture<List<ChannelState>> f;
        try {
            f = rpc.heartbeat(tunnelId, clientId, sent);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((resp, err) -> loop.execute(() -> onHeartbeat(s, resp, err)));
    }

    private void onHeartbeat(int s, List<ChannelState> response, Throwable err) {
        if (s != session) {
            return;
        }
        heartbeatInFlight = false;
        if (stopPhase == StopPhase.AWAIT_HEARTBEAT) {  // past the channels: only the final report is still to go
            sendFinalReport();
            return;
        }
        if (state != WorkerState.RUNNING && state != WorkerState.STOPPING) {
            return;
        }
        if (err != null) {
            TunnelRpcException e = TunnelRpcException.from(err);
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
        lastHeartbeatOkMs = loop.nowMillis();
        expiriesWithoutHeartbeat = 0;
        reconcile(ChannelMerge.merge(channels, response));
    }

    /** Applies a merged channel list: TUNNEL-SEMANTICS §1.3 steps 2-5, with the fixes of Appendix A. */
    private void reconcile(Map<String, ChannelState> merged) {
        for (Iterator<Map.Entry<String, ChannelRunner>> it = runners.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, ChannelRunner> en = it.next();
            if (!merged.containsKey(en.getKey())) {  // revoked (or our report was adopted): forget it
                en.getValue().abandon(ChannelRunnerState.LOST, CloseReason.LOST);
                previousRunnerClosed.put(en.getKey(), en.getValue().closed());
                it.remove();
            }
        }
        reportedVersion.keySet().retainAll(merged.keySet());
        closingRounds.keySet().retainAll(merged.keySet());
        channels = new LinkedHashMap<>(merged);
        for (ChannelState e : merged.values()) {
            ChannelRunner r = runners.get(e.channelId());
            boolean live = r != null && !r.state().isTerminal();
            if (e.status() != ChannelStatus.CLOSING) {
                closingRounds.remove(e.channelId());
            }
            switch (e.status()) {
                case OPEN -> {
                    if (live) {
                        continue;
                    }
                    if (r != null && r.state() == ChannelRunnerState.FINISHED) {
                        report(e.bump(ChannelStatus.TERMINATED));
                    } else if (r != null && r.state() == ChannelRunnerState.RELEASED
                            && e.version() <= reportedVersion.getOrDefault(e.channelId(), -1L)) {
                        report(e.bump(ChannelStatus.CLOSE));  // server kept our version: say it again, higher
                    } else if (state == WorkerState.RUNNING) {
                        startRunner(e.channelId());
                    } else {
                        report(e.bump(ChannelStatus.CLOSE));  // stopping: do not take new work
                    }
                }
                case CLOSING -> {
                    if (live) {
                        r.requestRelease();
                        int rounds = closingRounds.merge(e.channelId(), 1, Integer::sum);
                        if (!r.state().isTerminal() && config.closingDetectRounds() > 0
                                && rounds >= config.closingDetectRounds()) {
                            r.forceRelease();
                        }
                    } else if (r != null && r.state() == ChannelRunnerState.FINISHED) {
                        report(e.bump(ChannelStatus.TERMINATED));
                    } else {
                        // Never started here (or already gone): hand it back without GetCheckpoint or callbacks.
                        report(e.bump(ChannelStatus.CLOSE));
                    }
                }
                case CLOSE, TERMINATED -> {
                    if (live) {  // the server ended it without our report: stop, do not checkpoint
                        r.abandon(ChannelRunnerState.LOST, CloseReason.LOST);
                    }
                }
                default -> throw new AssertionError(e.status());
            }
        }
    }

    private void report(ChannelState s) {
        channels.put(s.channelId(), s);
        reportedVersion.put(s.channelId(), s.version());
    }

    private void startRunner(String channelId) {
        ChannelRunner old = runners.remove(channelId);
        if (old != null) {
            previousRunnerClosed.put(channelId, old.closed());
        }
        ChannelRunner r = new ChannelRunner(channelId, this);
        runners.put(channelId, r);
        reportedVersion.remove(channelId);
        CompletableFuture<Void> prev = previousRunnerClosed.remove(channelId);
        if (prev == null || prev.isDone()) {
            r.start();
        } else {
            prev.whenComplete((v, e) -> loop.execute(() -> {
                if (r.state() == ChannelRunnerState.STARTING && runners.get(channelId) == r) {
                    r.start();
                }
            }));
        }
    }

    @Override
    public void runnerEnded(ChannelRunner r) {
        if (runners.get(r.channelId()) != r) {
            return;  // a runner of an ended session
        }
        ChannelState cur = channels.get(r.channelId());
        if (cur != null) {
            switch (r.state()) {
                case RELEASED -> report(cur.bump(ChannelStatus.CLOSE));
                case FINISHED -> report(cur.bump(ChannelStatus.TERMINATED));
                default -> {
                    // LOST and SHUT_DOWN: nothing to report (server already knows, or ShutdownTunnel follows)
                }
            }
        }
    }

    // ---------------------------------------------------------------- checkpoints

    private void scheduleCheckpointTick() {
        checkpointTimer = loop.schedule(() -> {
            if (state == WorkerState.RUNNING || state == WorkerState.STOPPING) {
                for (ChannelRunner r : runners.values()) {
                    r.flushCheckpoint();
                }
                scheduleCheckpointTick();
            }
        }, config.checkpointInterval().toMillis());
    }

    // ---------------------------------------------------------------- stopping

    /**
     * Steps of {@link WorkerState#STOPPING} once begun; they only move forward (a forced stop may skip ahead):
     * channels draining → (waiting for a regular heartbeat in flight →) final heartbeat → ShutdownTunnel.
     */
    private enum StopPhase { CHANNELS, AWAIT_HEARTBEAT, FINAL_HEARTBEAT, SHUTDOWN_TUNNEL }

    private void advanceStop(StopPhase next) {
        if (next.compareTo(stopPhase) <= 0) {
            throw new IllegalStateException("Invalid stop step " + stopPhase + " -> " + next);
        }
        stopPhase = next;
    }

    private void beginStop(TunnelWorkerException cause) {
        if (state == WorkerState.STOPPING || state.isTerminal()) {
            return;
        }
        failure = cause;
        transitionTo(WorkerState.STOPPING);
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (ChannelRunner r : new ArrayList<>(runners.values())) {
            r.shutdown();
            closing.add(r.closed());
        }
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                .whenComplete((v, e) -> loop.execute(this::finishStop));
    }

    private void forceStop() {
        if (state.isTerminal()) {
            return;
        }
        if (state != WorkerState.STOPPING) {
            failure = null;
            transitionTo(WorkerState.STOPPING);
        }
        for (ChannelRunner r : runners.values()) {
            r.abandon(ChannelRunnerState.SHUT_DOWN, CloseReason.SHUTDOWN);
        }
        if (stopPhase != StopPhase.CHANNELS) {
            sendShutdown();  // forced while the final report was pending: do not wait for it any longer
        } else {
            finishStop();
        }
    }

    /**
     * Every channel has closed. CLOSE/TERMINATED reports made since the last heartbeat would be lost with the
     * session (ShutdownTunnel only releases channels, so a finished one would be re-opened by the next worker):
     * one final heartbeat carries them, then ShutdownTunnel. Both are bounded: each by
     * {@link #SHUTDOWN_RPC_TIMEOUT_MS}, and together by the timeout of {@link #close(Duration)} (forceStop).
     */
    private void finishStop() {
        if (stopPhase != StopPhase.CHANNELS || state != WorkerState.STOPPING) {
            return;
        }
        cancelTimers();
        if (clientId == null || !hasPendingReports()) {
            sendShutdown();
            return;
        }
        finalReportGuard = loop.schedule(() -> {
            log.warn("Final heartbeat of tunnel {} got no answer within {} ms; shutting down without it",
                    tunnelId, SHUTDOWN_RPC_TIMEOUT_MS);
            sendShutdown();
        }, SHUTDOWN_RPC_TIMEOUT_MS);
        if (heartbeatInFlight) {
            advanceStop(StopPhase.AWAIT_HEARTBEAT);  // onHeartbeat sends it (never two in flight)
        } else {
            sendFinalReport();
        }
    }

    /** Reports this worker made (CLOSE/TERMINATED, version + 1) that the server has not adopted yet. */
    private boolean hasPendingReports() {
        for (ChannelState c : channels.values()) {
            Long v = reportedVersion.get(c.channelId());
            if (v != null && v == c.version()
                    && (c.status() == ChannelStatus.CLOSE || c.status() == ChannelStatus.TERMINATED)) {
                return true;
            }
        }
        return false;
    }

    private void sendFinalReport() {
        if (stopPhase == StopPhase.SHUTDOWN_TUNNEL) {
            return;
        }
        advanceStop(StopPhase.FINAL_HEARTBEAT);
        List<ChannelState> sent = new ArrayList<>(channels.values());
        log.info("Tunnel {}: final heartbeat with {} channel reports before ShutdownTunnel", tunnelId, sent.size());
        CompletableFuture<List<ChannelState>> f;
        try {
            f = rpc.heartbeat(tunnelId, clientId, sent);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((resp, err) -> loop.execute(() -> {
            if (err != null) {
                log.warn("Final heartbeat of tunnel {} failed; its channel reports are lost with the session",
                        tunnelId, TunnelRpcException.from(err));
            }
            sendShutdown();
        }));
    }

    private void sendShutdown() {
        if (stopPhase == StopPhase.SHUTDOWN_TUNNEL || state != WorkerState.STOPPING) {
            return;
        }
        advanceStop(StopPhase.SHUTDOWN_TUNNEL);
        if (finalReportGuard != null) {
            finalReportGuard.cancel();
            finalReportGuard = null;
        }
        CompletableFuture<Void> bye = clientId == null ? CompletableFuture.completedFuture(null)
                : rpc.shutdown(tunnelId, clientId);
        WorkerScheduler.Cancellable guard = loop.schedule(this::completeStop, SHUTDOWN_RPC_TIMEOUT_MS);
        bye.whenComplete((v, e) -> {
            if (e != null) {
                log.warn("ShutdownTunnel of tunnel {} failed", tunnelId, TunnelRpcException.from(e));
            }
            loop.execute(() -> {
                guard.cancel();
                completeStop();
            });
        });
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

    private void cancelTimers() {
        if (heartbeatTimer != null) {
            heartbeatTimer.cancel();
            heartbeatTimer = null;
        }
        if (checkpointTimer != null) {
            checkpointTimer.cancel();
            checkpointTimer = null;
        }
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
