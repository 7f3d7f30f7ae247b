package io.tunnelstore.bench;

import io.tunnelstore.tunnel.ReadTiming;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Remembers when each id was first delivered (and counts repeats), and waits until a given set of ids has arrived.
 * Thread-safe.
 */
final class LatencySink implements DeliverySink {
    private final ConcurrentHashMap<Long, Long> firstDelivery = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, ReadTiming> timings = new ConcurrentHashMap<>();
    private final AtomicLong total = new AtomicLong();

    @Override
    public void batch(String channelId, long[] ids, long nanos) {
        batch(channelId, ids, nanos, null);
    }

    @Override
    public void batch(String channelId, long[] ids, long nanos, ReadTiming timing) {
        for (long id : ids) {
            total.incrementAndGet();
            if (firstDelivery.putIfAbsent(id, nanos) == null && timing != null) {
                timings.put(id, timing);
            }
        }
        synchronized (this) {
            notifyAll();
        }
    }

    /** The nanoTime of the first delivery of {@code id}, or null. */
    Long deliveredAt(long id) {
        return firstDelivery.get(id);
    }

    /** The stage times of the read that first delivered {@code id}, or null (not traced). */
    ReadTiming timingOf(long id) {
        return timings.get(id);
    }

    long total() {
        return total.get();
    }

    int distinct() {
        return firstDelivery.size();
    }

    /** Waits until every id in {@code ids} was delivered; false on timeout. */
    synchronized boolean awaitAll(java.util.Collection<Long> ids, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        java.util.Iterator<Long> pending = new java.util.TreeSet<>(ids).iterator();
        Long next = pending.hasNext() ? pending.next() : null;
        while (true) {
            while (next != null && firstDelivery.containsKey(next)) {
                next = pending.hasNext() ? pending.next() : null;
            }
            if (next == null) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
        }
    }

    /** Waits until every id in {@code [from, to)} was delivered; false on timeout. */
    synchronized boolean awaitRange(long from, long to, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long next = from;
        while (true) {
            while (next < to && firstDelivery.containsKey(next)) {
                next++;
            }
            if (next >= to) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
        }
    }
}
