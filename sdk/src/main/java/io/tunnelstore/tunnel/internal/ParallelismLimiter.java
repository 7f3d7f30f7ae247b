package io.tunnelstore.tunnel.internal;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Bounds the batches in memory (being read or waiting/being processed) across all channels of one worker
 * ({@code maxChannelParallel}). A permit is taken per read and given back when its batch is processed or
 * dropped; channels that could not get one wait in FIFO order and are woken one by one. Used only on the
 * worker loop, so no locking (and no blocking: unlike a semaphore it never parks a thread). Not thread-safe.
 */
public final class ParallelismLimiter {
    private final int permits;
    private int used;
    private final Deque<Runnable> waiters = new ArrayDeque<>();

    /** {@code permits <= 0} means unlimited. */
    public ParallelismLimiter(int permits) {
        this.permits = permits;
    }

    /**
     * Takes a permit, or registers {@code onAvailable} (once) to be run when one is released.
     *
     * @return true if a permit was taken
     */
    public boolean tryAcquire(Runnable onAvailable) {
        if (permits <= 0) {
            return true;
        }
        if (used < permits && waiters.isEmpty()) {
            used++;
            return true;
        }
        if (!waiters.contains(onAvailable)) {
            waiters.addLast(onAvailable);
        }
        return false;
    }

    /** Gives one permit back and wakes the first waiter. */
    public void release() {
        if (permits <= 0) {
            return;
        }
        if (used <= 0) {
            throw new IllegalStateException("permit released that was never acquired");
        }
        used--;
        Runnable next = waiters.pollFirst();
        if (next != null) {
            used++;  // hand the permit straight to the waiter, so nobody can barge in
            next.run();
        }
    }

    /** Removes a waiter (its channel ended). */
    public void cancel(Runnable onAvailable) {
        waiters.remove(onAvailable);
    }

    /** Permits in use (for tests and diagnostics). */
    public int inUse() {
        return used;
    }
}
