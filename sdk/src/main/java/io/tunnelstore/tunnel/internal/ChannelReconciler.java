package io.tunnelstore.tunnel.internal;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a heartbeat answer means for the worker's channels (TUNNEL-SEMANTICS §1.3 steps 1-5, with the fixes of
 * Appendix A), as a pure function: the worker's current view of each channel plus the server's list in, the new
 * channel table and the actions to take out. No I/O, no time, no runners: the worker applies the actions.
 * Thread-safe (stateless).
 *
 * <p>Rules, per channel of the merged list (ChannelMerge: the server's list, a local entry winning only with a
 * strictly higher version):
 * <ul>
 *   <li>OPEN: a live runner keeps going; a finished one is reported TERMINATED (version + 1); a released one
 *       that the server echoes at a version we already reported is reported CLOSE again, higher; otherwise a
 *       runner starts, unless the worker is stopping (then CLOSE: no new work).</li>
 *   <li>CLOSING: a live runner is asked to release (drain, commit, report CLOSE); after
 *       {@code closingDetectRounds} such heartbeats in a row it is force-released. A finished channel is
 *       reported TERMINATED, any other handed back (CLOSE) without GetCheckpoint or callbacks.</li>
 *   <li>CLOSE / TERMINATED: a live runner is revoked (stops at once, no checkpoint).</li>
 * </ul>
 * Channels the server no longer lists are forgotten (a live runner is lost, no checkpoint).
 */
final class ChannelReconciler {

    /** The state of a channel's runner, as far as reconciling cares. */
    enum RunnerPhase {
        /** No runner. */
        NONE,
        /** Starting, running, draining or finishing. */
        LIVE,
        /** Ended after committing {@code finished}. */
        FINISHED,
        /** Ended by handing the channel back (CLOSE reported). */
        RELEASED,
        /** Ended without a report (lost, shut down). */
        ENDED
    }

    /**
     * The worker's view of one channel.
     *
     * @param reported         what its last heartbeat reported (or will report), or null when not listed
     * @param runner           its runner's phase
     * @param ownReportVersion version of the worker's own CLOSE/TERMINATED report, -1 if none
     * @param closingRounds    consecutive CLOSING heartbeats seen while the runner was live
     */
    record Local(ChannelState reported, RunnerPhase runner, long ownReportVersion, int closingRounds) {
    }

    /** The new table entry of a listed channel. */
    record Entry(ChannelState reported, long ownReportVersion, int closingRounds) {
    }

    /** Something the worker must do to a channel's runner. */
    sealed interface Action permits Start, Release, ForceRelease, Revoke, Forget {
        String channelId();
    }

    /** Start a runner (GetCheckpoint, processor, reads). */
    record Start(String channelId) implements Action {
    }

    /** Server CLOSING: finish the in-flight batch, commit, report CLOSE. */
    record Release(String channelId) implements Action {
    }

    /** Still CLOSING after the allowed rounds: commit best effort and report CLOSE now. */
    record ForceRelease(String channelId) implements Action {
    }

    /** Server CLOSE/TERMINATED for a live runner: stop at once without checkpointing. */
    record Revoke(String channelId) implements Action {
    }

    /** No longer listed: stop a live runner without checkpointing and forget it. */
    record Forget(String channelId) implements Action {
    }

    /**
     * @param channels the new channel table, in the order of the server's list
     * @param actions  to apply in this order (forgotten channels first)
     */
    record Outcome(Map<String, Entry> channels, List<Action> actions) {
    }

    private ChannelReconciler() {
    }

    /**
     * @param local               the worker's channels, keyed by id (listed ones and ones with a runner)
     * @param response            the server's heartbeat answer
     * @param acceptingWork       false while the worker stops: OPEN channels are handed back instead of started
     * @param closingDetectRounds CLOSING rounds before a force-release; 0 disables
     */
    static Outcome reconcile(Map<String, Local> local, List<ChannelState> response, boolean acceptingWork,
            int closingDetectRounds) {
        Map<String, ChannelState> reported = new LinkedHashMap<>();
        local.forEach((id, l) -> {
            if (l.reported() != null) {
                reported.put(id, l.reported());
            }
        });
        Map<String, ChannelState> merged = ChannelMerge.merge(reported, response);
        List<Action> actions = new ArrayList<>();
        local.forEach((id, l) -> {
            if (!merged.containsKey(id) && l.runner() != RunnerPhase.NONE) {
                actions.add(new Forget(id));
            }
        });
        Map<String, Entry> table = new LinkedHashMap<>();
        for (ChannelState e : merged.values()) {
            String id = e.channelId();
            Local l = local.getOrDefault(id, new Local(null, RunnerPhase.NONE, -1, 0));
            boolean live = l.runner() == RunnerPhase.LIVE;
            ChannelState next = e;
            long own = l.ownReportVersion();
            int rounds = e.status() == ChannelStatus.CLOSING ? l.closingRounds() : 0;
            switch (e.status()) {
                case OPEN -> {
                    if (live) {
                        break;
                    }
                    if (l.runner() == RunnerPhase.FINISHED) {
                        next = e.bump(ChannelStatus.TERMINATED);
                    } else if (l.runner() == RunnerPhase.RELEASED && e.version() <= own) {
                        next = e.bump(ChannelStatus.CLOSE);  // server kept our version: say it again, higher
                    } else if (acceptingWork) {
                        actions.add(new Start(id));
                        own = -1;
                    } else {
                        next = e.bump(ChannelStatus.CLOSE);  // stopping: do not take new work
                    }
                }
                case CLOSING -> {
                    if (live) {
                        actions.add(new Release(id));
                        rounds++;
                        if (closingDetectRounds > 0 && rounds >= closingDetectRounds) {
                            actions.add(new ForceRelease(id));
                        }
                    } else if (l.runner() == RunnerPhase.FINISHED) {
                        next = e.bump(ChannelStatus.TERMINATED);
                    } else {
                        // Never started here (or already gone): hand it back without GetCheckpoint or callbacks.
                        next = e.bump(ChannelStatus.CLOSE);
                    }
                }
                case CLOSE, TERMINATED -> {
                    if (live) {  // the server ended it without our report: stop, do not checkpoint
                        actions.add(new Revoke(id));
                    }
                }
                default -> throw new AssertionError(e.status());
            }
            if (next != e) {
                own = next.version();
            }
            table.put(id, new Entry(next, own, rounds));
        }
        return new Outcome(table, actions);
    }
}
