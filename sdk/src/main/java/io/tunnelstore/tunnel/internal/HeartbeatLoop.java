package io.tunnelstore.tunnel.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The heartbeat job of a worker session: the first heartbeat right away, then one every interval, never two in
 * flight, and the local session timeout (no successful heartbeat for {@code heartbeatTimeout}). It owns the timing
 * only; what an answer means is the {@link Host}'s business. Answers of an earlier session (after
 * {@link #stop()}) are dropped. Not thread-safe: confined to the worker loop.
 */
final class HeartbeatLoop {

    /** The worker side of the heartbeat. Called on the loop. */
    interface Host {
        /** True while heartbeats should go out (worker running or stopping). */
        boolean heartbeating();

        /** The session's client id. */
        String clientId();

        /** The channel list the heartbeat reports. */
        List<ChannelState> channelsToReport();

        /** No successful heartbeat for longer than the timeout. */
        void onSilence(long silentMillis);

        /** A heartbeat of the current session completed ({@code error} null on success). */
        void onAnswer(List<ChannelState> response, TunnelRpcException error);
    }

    private final TunnelRpc rpc;
    private final WorkerScheduler loop;
    private final String tunnelId;
    private final long intervalMillis;
    private final long timeoutMillis;
    private final Host host;

    /** Incremented by {@link #stop()}: answers carrying an older epoch belong to an ended session. */
    private int epoch;
    private boolean inFlight;
    private long lastSuccessMillis;
    private WorkerScheduler.Cancellable timer;

    HeartbeatLoop(TunnelRpc rpc, WorkerScheduler loop, String tunnelId, long intervalMillis, long timeoutMillis,
            Host host) {
        this.rpc = rpc;
        this.loop = loop;
        this.tunnelId = tunnelId;
        this.intervalMillis = intervalMillis;
        this.timeoutMillis = timeoutMillis;
        this.host = host;
    }

    /** A session began: the timeout counts from now, and the first heartbeat goes out at once. */
    void start() {
        lastSuccessMillis = loop.nowMillis();
        tick();
    }

    /** Cancels the timer and forgets a heartbeat in flight (its answer will be dropped). */
    void stop() {
        cancelTimer();
        epoch++;
        inFlight = false;
    }

    /** Cancels the timer only; a heartbeat in flight is still answered to the host. */
    void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    /** True while a heartbeat of this session awaits its answer. */
    boolean inFlight() {
        return inFlight;
    }

    private void tick() {
        if (!host.heartbeating()) {
            return;
        }
        timer = loop.schedule(this::tick, intervalMillis);
        long silentMs = loop.nowMillis() - lastSuccessMillis;
        if (silentMs > timeoutMillis) {
            host.onSilence(silentMs);
            return;
        }
        if (inFlight) {
            return;  // never pile up heartbeats; the timeout above covers a hung one
        }
        inFlight = true;
        int e = epoch;
        CompletableFuture<List<ChannelState>> f;
        try {
            f = rpc.heartbeat(tunnelId, host.clientId(), List.copyOf(host.channelsToReport()));
        } catch (RuntimeException ex) {
            f = CompletableFuture.failedFuture(ex);
        }
        f.whenComplete((resp, err) -> loop.execute(() -> onDone(e, resp, err)));
    }

    private void onDone(int e, List<ChannelState> response, Throwable err) {
        if (e != epoch) {
            return;
        }
        inFlight = false;
        if (err == null) {
            lastSuccessMillis = loop.nowMillis();
        }
        host.onAnswer(response, err == null ? null : TunnelRpcException.from(err));
    }
}
