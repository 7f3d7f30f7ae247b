package io.tunnelstore.bench;

import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;

/**
 * Counts deliveries of ids in {@code [0, expected)}: total, distinct, duplicates, and the times of the first and of
 * the last delivery; {@link #awaitAll} waits for every id. Thread-safe.
 */
final class CountingSink implements DeliverySink {
    private final int expected;
    private final BitSet seen;
    private long total;
    private int distinct;
    private long outOfRange;
    private long firstNanos;
    private long lastNanos;
    private final Runnable onFirst;
    private boolean firstSeen;

    CountingSink(int expected) {
        this(expected, () -> {});
    }

    /** {@code onFirst} runs once, with the first delivery (e.g. to take CPU readings when the hand-over starts). */
    CountingSink(int expected, Runnable onFirst) {
        this.expected = expected;
        this.seen = new BitSet(expected);
        this.onFirst = onFirst;
    }

    @Override
    public synchronized void batch(String channelId, long[] ids, long nanos) {
        if (total == 0) {
            firstNanos = nanos;
        }
        if (!firstSeen && ids.length > 0) {
            firstSeen = true;
            onFirst.run();
        }
        for (long id : ids) {
            total++;
            if (id < 0 || id >= expected) {
                outOfRange++;
            } else if (!seen.get((int) id)) {
                seen.set((int) id);
                distinct++;
            }
        }
        lastNanos = System.nanoTime();
        if (distinct == expected) {
            notifyAll();
        }
    }

    /** Waits until every id was delivered; returns false on timeout. */
    synchronized boolean awaitAll(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (distinct < expected) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    synchronized long total() {
        return total;
    }

    synchronized int distinct() {
        return distinct;
    }

    synchronized long duplicates() {
        return total - distinct - outOfRange;
    }

    synchronized long outOfRange() {
        return outOfRange;
    }

    synchronized long firstNanos() {
        return firstNanos;
    }

    synchronized long lastNanos() {
        return lastNanos;
    }
}
