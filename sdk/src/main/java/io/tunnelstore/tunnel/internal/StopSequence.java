package io.tunnelstore.tunnel.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stop job of a worker, after its channels have closed: CLOSE/TERMINATED reports made since the last
 * heartbeat would be lost with the session (ShutdownTunnel only releases channels, so a finished one would be
 * re-opened by the next worker), so one final heartbeat carries them, then ShutdownTunnel. The final heartbeat
 * waits for a regular one in flight (never two in flight). Each RPC is bounded by {@link #RPC_TIMEOUT_MILLIS};
 * the caller bounds the whole by forcing ({@link #force()}).
 *
 * <p>Phases only move forward (a forced stop may skip ahead): CHANNELS → (AWAIT_HEARTBEAT →) FINAL_HEARTBEAT →
 * SHUTDOWN_TUNNEL → done. Not thread-safe: confined to the worker loop.
 */
final class StopSequence {
    private static final Logger log = LoggerFactory.getLogger(StopSequence.class);

    /** How long the final heartbeat and ShutdownTunnel may each take before the worker stops anyway. */
    static final long RPC_TIMEOUT_MILLIS = 10_000;

    /** Steps once the stop began. */
    enum Phase { CHANNELS, AWAIT_HEARTBEAT, FINAL_HEARTBEAT, SHUTDOWN_TUNNEL }

    private final TunnelRpc rpc;
    private final WorkerScheduler loop;
    private final String tunnelId;
    private final Supplier<String> clientId;
    private final Supplier<List<ChannelState>> channels;
    private final BooleanSupplier pendingReports;
    private final BooleanSupplier heartbeatInFlight;
    private final Runnable done;

    private Phase phase = Phase.CHANNELS;
    private WorkerScheduler.Cancellable finalReportGuard;

    /**
     * @param clientId          the session's client id (null when never connected)
     * @param channels          the channel list a final heartbeat reports
     * @param pendingReports    whether reports are still unsent
     * @param heartbeatInFlight whether a regular heartbeat awaits its answer
     * @param done              called once, on the loop, when ShutdownTunnel answered or timed out
     */
    StopSequence(TunnelRpc rpc, WorkerScheduler loop, String tunnelId, Supplier<String> clientId,
            Supplier<List<ChannelState>> channels, BooleanSupplier pendingReports,
            BooleanSupplier heartbeatInFlight, Runnable done) {
        this.rpc = rpc;
        this.loop = loop;
        this.tunnelId = tunnelId;
        this.clientId = clientId;
        this.channels = channels;
        this.pendingReports = pendingReports;
        this.heartbeatInFlight = heartbeatInFlight;
        this.done = done;
    }

    Phase phase() {
        return phase;
    }

    private void advance(Phase next) {
        if (next.compareTo(phase) <= 0) {
            throw new IllegalStateException("Invalid stop step " + phase + " -> " + next);
        }
        phase = next;
    }

    /** Every channel has closed: send the final report if needed, then ShutdownTunnel. */
    void channelsClosed() {
        if (phase != Phase.CHANNELS) {
            return;
        }
        if (clientId.get() == null || !pendingReports.getAsBoolean()) {
            sendShutdown();
            return;
        }
        finalReportGuard = loop.schedule(() -> {
            log.warn("Final heartbeat of tunnel {} got no answer within {} ms; shutting down without it",
                    tunnelId, RPC_TIMEOUT_MILLIS);
            sendShutdown();
        }, RPC_TIMEOUT_MILLIS);
        if (heartbeatInFlight.getAsBoolean()) {
            advance(Phase.AWAIT_HEARTBEAT);  // heartbeatAnswered() sends it
        } else {
            sendFinalReport();
        }
    }

    /** True while waiting for a regular heartbeat before the final one. */
    boolean awaitingHeartbeat() {
        return phase == Phase.AWAIT_HEARTBEAT;
    }

    /** The regular heartbeat we waited for answered: now the final one. */
    void heartbeatAnswered() {
        if (phase == Phase.AWAIT_HEARTBEAT) {
            sendFinalReport();
        }
    }

    /** Forced: skip to ShutdownTunnel if past the channels; returns false if the channels are still closing. */
    boolean force() {
        if (phase == Phase.CHANNELS) {
            return false;
        }
        sendShutdown();  // forced while the final report was pending: do not wait for it any longer
        return true;
    }

    private void sendFinalReport() {
        if (phase == Phase.SHUTDOWN_TUNNEL) {
            return;
        }
        advance(Phase.FINAL_HEARTBEAT);
        List<ChannelState> sent = List.copyOf(channels.get());
        log.info("Tunnel {}: final heartbeat with {} channel reports before ShutdownTunnel", tunnelId, sent.size());
        CompletableFuture<List<ChannelState>> f;
        try {
            f = rpc.heartbeat(tunnelId, clientId.get(), sent);
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
        if (phase == Phase.SHUTDOWN_TUNNEL) {
            return;
        }
        advance(Phase.SHUTDOWN_TUNNEL);
        if (finalReportGuard != null) {
            finalReportGuard.cancel();
            finalReportGuard = null;
        }
        String id = clientId.get();
        CompletableFuture<Void> bye = id == null ? CompletableFuture.completedFuture(null)
                : rpc.shutdown(tunnelId, id);
        WorkerScheduler.Cancellable guard = loop.schedule(done, RPC_TIMEOUT_MILLIS);
        bye.whenComplete((v, e) -> {
            if (e != null) {
                log.warn("ShutdownTunnel of tunnel {} failed", tunnelId, TunnelRpcException.from(e));
            }
            loop.execute(() -> {
                guard.cancel();
                done.run();
            });
        });
    }
}
