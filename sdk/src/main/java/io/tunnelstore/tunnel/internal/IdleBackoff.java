package io.tunnelstore.tunnel.internal;

/**
 * Poll back-off for an idle stream channel: 10 ms, doubling per idle poll, capped at the configured maximum;
 * reset by any productive read. Each idle poll advances it exactly once (the official SDK advanced it twice,
 * STYLE.md §8.5). Deterministic (no jitter: each channel polls its own cursor, there is no herd to spread).
 * Not thread-safe (owned by one channel on the worker loop).
 */
public final class IdleBackoff {
    /** First delay after an idle poll. */
    public static final long INITIAL_MILLIS = 10;

    private final long maxMillis;
    private long next = INITIAL_MILLIS;

    public IdleBackoff(long maxMillis) {
        if (maxMillis < INITIAL_MILLIS) {
            throw new IllegalArgumentException("maxMillis must be >= " + INITIAL_MILLIS + ": " + maxMillis);
        }
        this.maxMillis = maxMillis;
    }

    /** The delay before the next poll after an idle one; advances the back-off one step. */
    public long nextDelayMillis() {
        long d = Math.min(next, maxMillis);
        next = Math.min(next * 2, maxMillis);
        return d;
    }

    /** Back to the initial delay (data arrived). */
    public void reset() {
        next = INITIAL_MILLIS;
    }
}
