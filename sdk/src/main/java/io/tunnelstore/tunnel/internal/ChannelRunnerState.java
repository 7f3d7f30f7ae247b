package io.tunnelstore.tunnel.internal;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import java.util.EnumSet;
import java.util.Set;

/**
 * Lifecycle of one channel inside a worker: the only state machine of a channel on the client (the server's view
 * is {@link ChannelStatus}). Transitions happen only through {@link #requireTransitionTo}, on the worker loop;
 * anything not in the table throws.
 *
 * <p>Where a graceful end is heading is part of the state, not a flag beside it: a drain started by the server
 * (CLOSING) or by a failure is {@link #DRAINING_TO_RELEASE}, one started by the worker stopping is
 * {@link #DRAINING_TO_SHUTDOWN}; once the in-flight callback returned, the final checkpoint is in flight in
 * {@link #RELEASING} or {@link #SHUTTING_DOWN}. (Two booleans did this before; a failure arriving during a drain
 * once left a runner draining for ever, because "already draining" and "drain done" were not distinct states.)
 *
 * <pre>
 *              checkpoint=finished
 *   STARTING ───────────────────────────────────────────────────────────────► FINISHED
 *      │ onStart ok            server CLOSING / failure      callback returned
 *      ├──────────► RUNNING ─────────────────────► DRAINING_TO_RELEASE ──► RELEASING ──► RELEASED (report CLOSE)
 *      │               │    worker stops                                  (final checkpoint)
 *      │               ├─────────────────────────► DRAINING_TO_SHUTDOWN ─► SHUTTING_DOWN ──► SHUT_DOWN
 *      │               └── last batch processed ──► FINISHING (commit "finished") ──► FINISHED (or RELEASED)
 *      └──► RELEASED (GetCheckpoint/onStart failed, CLOSING before start), DRAINING_* (while onStart runs)
 *   any live state ──► LOST (revoked, session expired), SHUT_DOWN (forced close), RELEASED (hung CLOSING)
 * </pre>
 *
 * Terminal states and what the worker reports on the next heartbeat: RELEASED → CLOSE v+1, FINISHED →
 * TERMINATED v+1, LOST and SHUT_DOWN → nothing.
 */
public enum ChannelRunnerState {
    /** Fetching the start checkpoint, creating the processor, calling onStart. */
    STARTING,
    /** Reading (with read-ahead) and processing; periodic checkpoints. */
    RUNNING,
    /** Handing the channel back: no new reads or batches; waiting for the in-flight callback. */
    DRAINING_TO_RELEASE,
    /** The worker stops: no new reads or batches; waiting for the in-flight callback. */
    DRAINING_TO_SHUTDOWN,
    /** Handing back: committing the processed position, then RELEASED. */
    RELEASING,
    /** Stopping: committing the processed position, then SHUT_DOWN. */
    SHUTTING_DOWN,
    /** Last batch processed; committing {@code finished}. */
    FINISHING,
    /** Handed back to the server (reported CLOSE). Terminal. */
    RELEASED,
    /** Fully consumed (reported TERMINATED). Terminal. */
    FINISHED,
    /** Taken away without handshake; nothing reported. Terminal. */
    LOST,
    /** Closed because the worker stopped. Terminal. */
    SHUT_DOWN;

    private Set<ChannelRunnerState> next = Set.of();

    static {
        STARTING.next = EnumSet.of(RUNNING, DRAINING_TO_RELEASE, DRAINING_TO_SHUTDOWN, FINISHED, RELEASED, LOST,
                SHUT_DOWN);
        RUNNING.next = EnumSet.of(DRAINING_TO_RELEASE, DRAINING_TO_SHUTDOWN, FINISHING, RELEASED, LOST, SHUT_DOWN);
        DRAINING_TO_RELEASE.next = EnumSet.of(RELEASING, FINISHING, RELEASED, LOST, SHUT_DOWN);
        DRAINING_TO_SHUTDOWN.next = EnumSet.of(SHUTTING_DOWN, FINISHING, SHUT_DOWN, RELEASED, LOST);
        RELEASING.next = EnumSet.of(RELEASED, LOST, SHUT_DOWN);
        SHUTTING_DOWN.next = EnumSet.of(SHUT_DOWN, RELEASED, LOST);
        FINISHING.next = EnumSet.of(FINISHED, RELEASED, LOST, SHUT_DOWN);
    }

    /** True if the table allows {@code this -> target}. */
    public boolean canTransitionTo(ChannelRunnerState target) {
        return next.contains(target);
    }

    /**
     * Returns {@code target} if the table allows {@code this -> target}.
     *
     * @throws IllegalStateException otherwise
     */
    public ChannelRunnerState requireTransitionTo(ChannelRunnerState target) {
        if (!canTransitionTo(target)) {
            throw new IllegalStateException("Invalid channel transition " + this + " -> " + target);
        }
        return target;
    }

    /** True for states with no way out. */
    public boolean isTerminal() {
        return next.isEmpty();
    }

    /** True while waiting for the in-flight callback before a graceful end. */
    public boolean isDraining() {
        return this == DRAINING_TO_RELEASE || this == DRAINING_TO_SHUTDOWN;
    }

    /** The drain state that ends in {@code SHUT_DOWN} (worker stop) or in {@code RELEASED} (hand-back). */
    static ChannelRunnerState drainingTo(boolean shutdown) {
        return shutdown ? DRAINING_TO_SHUTDOWN : DRAINING_TO_RELEASE;
    }
}
