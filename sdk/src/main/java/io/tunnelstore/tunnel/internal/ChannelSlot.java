package io.tunnelstore.tunnel.internal;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import java.util.concurrent.CompletableFuture;

/**
 * Everything a worker knows about one channel, in one place (it replaces five parallel per-channel maps): what
 * the next heartbeat reports, the runner, this worker's own unadopted report, the hung-CLOSING counter and the
 * fence that keeps a new runner from starting before the previous one of the same channel finished. Not
 * thread-safe: confined to the worker loop.
 */
final class ChannelSlot {
    final String channelId;
    /** What the next heartbeat reports for the channel; null once the server stopped listing it. */
    ChannelState reported;
    /** The channel's current runner (live or ended), or null. */
    ChannelRunner runner;
    /** Version of this worker's own CLOSE/TERMINATED report for the channel, or -1 when there is none. */
    long ownReportVersion = -1;
    /** Consecutive heartbeats that listed the channel CLOSING while its runner was live. */
    int closingRounds;
    /** Completes when the previous runner of this channel has returned from its last callback; null if none. */
    CompletableFuture<Void> previousRunnerClosed;

    ChannelSlot(String channelId) {
        this.channelId = channelId;
    }

    /** Records a report this worker makes (CLOSE or TERMINATED at a higher version). */
    void report(ChannelState s) {
        reported = s;
        ownReportVersion = s.version();
    }

    /** True when this worker's CLOSE/TERMINATED report is what the next heartbeat carries. */
    boolean hasPendingReport() {
        return reported != null && ownReportVersion == reported.version()
                && (reported.status() == ChannelStatus.CLOSE || reported.status() == ChannelStatus.TERMINATED);
    }

    /** Takes the runner away (it keeps closing on its own); its end fences the next runner of the channel. */
    ChannelRunner detachRunner() {
        ChannelRunner r = runner;
        if (r != null) {
            previousRunnerClosed = r.closed();
            runner = null;
        }
        return r;
    }

    /** The runner's phase as the reconciliation sees it. */
    ChannelReconciler.RunnerPhase runnerPhase() {
        if (runner == null) {
            return ChannelReconciler.RunnerPhase.NONE;
        }
        return switch (runner.state()) {
            case FINISHED -> ChannelReconciler.RunnerPhase.FINISHED;
            case RELEASED -> ChannelReconciler.RunnerPhase.RELEASED;
            case LOST, SHUT_DOWN -> ChannelReconciler.RunnerPhase.ENDED;
            default -> ChannelReconciler.RunnerPhase.LIVE;
        };
    }

    /** True when nothing about the channel needs keeping (not listed, no runner, no pending fence). */
    boolean isIdle() {
        return reported == null && runner == null
                && (previousRunnerClosed == null || previousRunnerClosed.isDone());
    }
}
