package io.tunnelstore.tunnel.internal;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Bounds what one worker holds in memory across all its channels: the batches being read, waiting or being processed
 * ({@code maxChannelParallel} permits) and their bytes ({@code maxBufferedBytes}, the records' size on the wire).
 *
 * <p>A read takes a permit and reserves bytes before it is sent: the largest response this worker has seen so far,
 * at least {@link #MIN_RESERVATION} and at most the whole budget. When its response arrives the reservation is
 * {@linkplain #settle settled} to the response's real size; the batch holds that until it is processed or dropped
 * ({@link #release(long)}). A read is granted only while reserved + held bytes stay within the budget, or when nothing
 * is held at all (so one response larger than the budget still makes progress). The bound is exact as long as no
 * response exceeds its reservation; a response larger than every one before it can overshoot by the difference, once.
 *
 * <p>Channels that could not get a permit wait in FIFO order and are woken one by one. Used only on the worker loop,
 * so no locking (and no blocking: unlike a semaphore it never parks a thread). Not thread-safe.
 */
public final class ParallelismLimiter {
    /** The smallest reservation of a read (64 KiB): a few typical stream responses. */
    public static final long MIN_RESERVATION = 64L << 10;

    private final int permits;
    private final long maxBytes;
    private int used;
    private long bytes;
    private long peakBytes;
    private long largestResponse;
    private long lastGrantBytes;
    private final Deque<Runnable> waiters = new ArrayDeque<>();

    /** {@code permits <= 0} means unlimited; bytes are not bounded. */
    public ParallelismLimiter(int permits) {
        this(permits, Long.MAX_VALUE);
    }

    /** {@code permits <= 0} means unlimited; {@code maxBytes == Long.MAX_VALUE} means bytes are not bounded. */
    public ParallelismLimiter(int permits, long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be > 0: " + maxBytes);
        }
        this.permits = permits;
        this.maxBytes = maxBytes;
    }

    /**
     * Takes a permit and reserves a read's bytes ({@link #lastGrantBytes()}), or registers {@code onAvailable} (once)
     * to be run when they are available; it runs synchronously inside the call that frees them, with
     * {@link #lastGrantBytes()} set to its reservation.
     *
     * @return true if a permit was taken
     */
    public boolean tryAcquire(Runnable onAvailable) {
        long r = reservation();
        if (waiters.isEmpty() && fits(r)) {
            take(r);
            return true;
        }
        if (!waiters.contains(onAvailable)) {
            waiters.addLast(onAvailable);
        }
        return false;
    }

    /** The bytes reserved by the most recent grant (immediate or handed to a waiter). */
    public long lastGrantBytes() {
        return lastGrantBytes;
    }

    /** A read's response arrived: its reservation becomes the response's real size {@code actualBytes}. */
    public void settle(long reservedBytes, long actualBytes) {
        bytes += actualBytes - reservedBytes;
        largestResponse = Math.max(largestResponse, actualBytes);
        peakBytes = Math.max(peakBytes, bytes);
        wakeWaiters();
    }

    /** Gives one permit back (nothing held). */
    public void release() {
        release(0);
    }

    /** Gives one permit back together with the {@code heldBytes} it held, and wakes waiters that now fit. */
    public void release(long heldBytes) {
        if (used <= 0) {
            throw new IllegalStateException("permit released that was never acquired");
        }
        used--;
        bytes -= heldBytes;
        wakeWaiters();
    }

    /** Removes a waiter (its channel ended). */
    public void cancel(Runnable onAvailable) {
        waiters.remove(onAvailable);
    }

    /** Permits in use (for tests and diagnostics). */
    public int inUse() {
        return used;
    }

    /** Bytes reserved by reads in flight plus bytes held by batches (for tests and diagnostics). */
    public long bytesInUse() {
        return bytes;
    }

    /** The most {@link #bytesInUse()} ever was (for tests and diagnostics). */
    public long peakBytes() {
        return peakBytes;
    }

    private long reservation() {
        if (maxBytes == Long.MAX_VALUE) {
            return 0;
        }
        return Math.min(maxBytes, Math.max(MIN_RESERVATION, largestResponse));
    }

    private boolean fits(long reserve) {
        return (permits <= 0 || used < permits) && (bytes == 0 || bytes + reserve <= maxBytes);
    }

    private void take(long reserve) {
        used++;
        bytes += reserve;
        peakBytes = Math.max(peakBytes, bytes);
        lastGrantBytes = reserve;
    }

    private void wakeWaiters() {
        while (!waiters.isEmpty()) {
            long r = reservation();
            if (!fits(r)) {
                return;
            }
            Runnable next = waiters.pollFirst();
            take(r);  // hand the permit straight to the waiter, so nobody can barge in
            next.run();
        }
    }
}
