package io.tunnelstore.tunnel.internal;

import java.util.EnumSet;
import java.util.Set;

/**
 * Lifecycle of one channel inside a worker: the only state machine of a channel on the client (the server's view
 * is {@link ChannelStatus}). Transitions happen only through {@code ChannelRunner.transitionTo}, on the worker
 * loop; anything not in the table throws.
 *
 * <pre>
 *             checkpoint=finished                     server CLOSING / shutdown / callback failure
 *   STARTING ─────────────────────► FINISHED      RUNNING ───────────────► DRAINING ──► RELEASED | SHUT_DOWN
 *      │  │ onStart ok                  ▲            │ last batch processed               (final checkpoint)
 *      │  └──────────────► RUNNING ─────┼────────────┘
 *      │                                └── FINISHING (commit "finished") ──► FINISHED (or RELEASED on failure)
 *      └──► RELEASED (GetCheckpoint/onStart failed, CLOSING before start)
 *   any live state ──► LOST (revoked, session expired, hung CLOSING) or SHUT_DOWN (forced close)
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
    /** No new reads or batches; waiting for the in-flight callback, then the final checkpoint. */
    DRAINING,
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
        STARTING.next = EnumSet.of(RUNNING, DRAINING, FINISHED, RELEASED, LOST, SHUT_DOWN);
        RUNNING.next = EnumSet.of(DRAINING, FINISHING, LOST, SHUT_DOWN, RELEASED);
        DRAINING.next = EnumSet.of(RELEASED, SHUT_DOWN, FINISHING, LOST);
        FINISHING.next = EnumSet.of(FINISHED, RELEASED, LOST, SHUT_DOWN);
    }

    /** True if the table allows {@code this -> target}. */
    public boolean canTransitionTo(ChannelRunnerState target) {
        return next.contains(target);
    }

    /** True for states with no way out. */
    public boolean isTerminal() {
        return next.isEmpty();
    }
}
