package io.tunnelstore.tunnel.internal;

import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.tunnel.TunnelWorkerException;
import io.tunnelstore.tunnel.WorkerListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits one channel's positions with the sequence-number protocol (PROTOCOL.md §6.3): the next Checkpoint
 * carries the last committed sequence + 1. At most one Checkpoint call is in flight; requests arriving meanwhile
 * are coalesced into the newest one (every requester is told the outcome). On
 * {@code OTSSequenceNumberNotMatch} the sequence is re-read with GetCheckpoint and, if the server still holds one
 * of our own positions, the <em>same</em> checkpoint is sent once more (the official SDKs silently dropped it); if
 * another client's position is there, or a second mismatch follows, the commit fails (that client owns the channel;
 * going on would move its checkpoint backwards). Failures are reported to the listener and to the returned future, never swallowed.
 *
 * <p>Not thread-safe: used only on the worker loop; RPC completions hop back onto the loop.
 */
final class ChannelCheckpointer {
    private static final Logger log = LoggerFactory.getLogger(ChannelCheckpointer.class);

    private final TunnelRpc rpc;
    private final WorkerScheduler loop;
    private final WorkerListener listener;
    private final String tunnelId;
    private final String clientId;
    private final String channelId;

    private long nextSequence;
    private String committed;
    /** Last token whose Checkpoint call failed: the server may have stored it anyway (lost answer). */
    private String lastFailedToken;
    private String inFlightToken;
    private List<CompletableFuture<Void>> inFlightWaiters = new ArrayList<>();
    private String pendingToken;
    private List<CompletableFuture<Void>> pendingWaiters = new ArrayList<>();

    ChannelCheckpointer(TunnelRpc rpc, WorkerScheduler loop, WorkerListener listener, String tunnelId,
            String clientId, String channelId, CheckpointState start) {
        this.rpc = rpc;
        this.loop = loop;
        this.listener = listener;
        this.tunnelId = tunnelId;
        this.clientId = clientId;
        this.channelId = channelId;
        this.nextSequence = start.sequence() + 1;
        this.committed = start.token();
    }

    /** Last token the server accepted (initially the start checkpoint). */
    String committed() {
        return committed;
    }

    /** True while a Checkpoint call is outstanding. */
    boolean busy() {
        return inFlightToken != null;
    }

    /** Commits {@code token}; completes when the server accepted it (or a newer token that superseded it). */
    CompletableFuture<Void> commit(String token) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (inFlightToken == null) {
            if (token.equals(committed)) {
                f.complete(null);
                return f;
            }
            inFlightWaiters.add(f);
            send(token, /* resyncAllowed= */ true);
        } else if (token.equals(inFlightToken) && pendingToken == null) {
            inFlightWaiters.add(f);
        } else {
            pendingToken = token;
            pendingWaiters.add(f);
        }
        return f;
    }

    private void send(String token, boolean resyncAllowed) {
        inFlightToken = token;
        long seq = nextSequence;
        rpc.checkpoint(tunnelId, clientId, channelId, token, seq)
                .whenComplete((v, err) -> loop.execute(() -> onResult(token, seq, err, resyncAllowed)));
    }

    private void onResult(String token, long seq, Throwable err, boolean resyncAllowed) {
        if (err == null) {
            committed = token;
            nextSequence = seq + 1;
            listener.checkpointCommitted(channelId, token, seq);
            finishInFlight(null);
            return;
        }
        TunnelRpcException e = TunnelRpcException.from(err);
        if (resyncAllowed && e.is(ErrorCode.SEQUENCE_NUMBER_NOT_MATCH)) {
            rpc.getCheckpoint(tunnelId, clientId, channelId).whenComplete((cp, err2) -> loop.execute(() -> {
                if (err2 != null) {
                    fail(token, TunnelRpcException.from(err2));
                    return;
                }
                nextSequence = cp.sequence() + 1;
                // Re-send only if the server still holds a position of ours (typically a commit whose answer
                // was lost). Any other token means another client committed meanwhile: it owns the channel now,
                // and re-sending would move its checkpoint backwards.
                if (cp.token().equals(committed) || cp.token().equals(token)
                        || cp.token().equals(lastFailedToken)) {
                    log.warn("Checkpoint of channel {} rejected (sequence {}); re-sent with sequence {}",
                            channelId, seq, nextSequence);
                    send(token, /* resyncAllowed= */ false);
                } else {
                    fail(token, new TunnelRpcException(ErrorCode.SEQUENCE_NUMBER_NOT_MATCH,
                            "channel " + channelId + " was checkpointed by another client", e));
                }
            }));
            return;
        }
        fail(token, e);
    }

    private void fail(String token, TunnelRpcException e) {
        lastFailedToken = token;
        log.warn("Checkpoint of channel {} at {} failed", channelId, token, e);
        TunnelWorkerException failure = new TunnelWorkerException(e.wireCode(), e.isFatal(),
                "checkpoint of channel " + channelId + " failed: " + e.getMessage(), e);
        listener.checkpointFailed(channelId, failure);
        finishInFlight(failure);
    }

    private void finishInFlight(Throwable failure) {
        List<CompletableFuture<Void>> waiters = inFlightWaiters;
        inFlightWaiters = new ArrayList<>();
        inFlightToken = null;
        if (pendingToken != null) {
            String next = pendingToken;
            inFlightWaiters = pendingWaiters;
            pendingWaiters = new ArrayList<>();
            pendingToken = null;
            if (next.equals(committed)) {
                inFlightWaiters.forEach(w -> w.complete(null));
                inFlightWaiters = new ArrayList<>();
            } else {
                send(next, /* resyncAllowed= */ true);
            }
        }
        for (CompletableFuture<Void> w : waiters) {
            if (failure == null) {
                w.complete(null);
            } else {
                w.completeExceptionally(failure);
            }
        }
    }

}
