package io.tunnelstore.tunnel.internal;

import java.util.EnumSet;
import java.util.Set;

/**
 * Lifecycle of a worker (one state machine; transitions only through {@code WorkerEngine.transitionTo}).
 *
 * <pre>
 *   NEW ──start──► CONNECTING ──ok──► RUNNING ──session expired──► CONNECTING (new client id)
 *    │                 │                 │
 *    └──close──► STOPPED ◄── STOPPING ◄──┴── close / fatal error / connect failure
 *                               └──────► FAILED (stopped because of an error)
 * </pre>
 */
public enum WorkerState {
    NEW, CONNECTING, RUNNING, STOPPING, STOPPED, FAILED;

    private Set<WorkerState> next = Set.of();

    static {
        NEW.next = EnumSet.of(CONNECTING, STOPPED);
        CONNECTING.next = EnumSet.of(RUNNING, STOPPING);
        RUNNING.next = EnumSet.of(CONNECTING, STOPPING);
        STOPPING.next = EnumSet.of(STOPPED, FAILED);
    }

    public boolean canTransitionTo(WorkerState target) {
        return next.contains(target);
    }

    public boolean isTerminal() {
        return next.isEmpty();
    }
}
