package io.tunnelstore.server.tunnel;

import io.tunnelstore.storage.LogListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Long-poll support: callbacks waiting for the next change-log record of a shard. Registered as the storage
 * engine's {@link LogListener}; each waiter fires at most once, either on the next append to its shard or when the
 * caller cancels it (timeout).
 *
 * <p>Thread-safe. Callbacks run on the committing thread and must only hand work to an executor.
 */
final class LogWaiters implements LogListener {

    private record ShardKey(long tableId, long shardId) {}

    private final Map<ShardKey, List<Waiter>> waiters = new HashMap<>();

    /** A registered wait; {@link #cancel()} returns true when it wins against the append. */
    final class Waiter {
        private final ShardKey key;
        private final Runnable onAppend;
        private boolean done;
        /** Timing of the commit that fired this wait (stage trace); 0 when it was cancelled or not timed. */
        private volatile long writeStartNanos;
        private volatile long durableNanos;

        private Waiter(ShardKey key, Runnable onAppend) {
            this.key = key;
            this.onAppend = onAppend;
        }

        /** When the waking commit's WAL write began ({@link System#nanoTime()}), or 0. */
        long writeStartNanos() {
            return writeStartNanos;
        }

        /** When the waking commit was durable ({@link System#nanoTime()}), or 0 (cancelled, or untimed engine). */
        long durableNanos() {
            return durableNanos;
        }

        /** Removes the wait; true when the append callback has not run and now never will. */
        boolean cancel() {
            synchronized (waiters) {
                if (done) {
                    return false;
                }
                done = true;
                List<Waiter> list = waiters.get(key);
                if (list != null) {
                    list.remove(this);
                    if (list.isEmpty()) {
                        waiters.remove(key);
                    }
                }
                return true;
            }
        }
    }

    /** Calls {@code onAppend} once, on the next record appended to the shard (unless cancelled first). */
    Waiter await(long tableId, long shardId, Runnable onAppend) {
        ShardKey key = new ShardKey(tableId, shardId);
        Waiter w = new Waiter(key, onAppend);
        synchronized (waiters) {
            waiters.computeIfAbsent(key, k -> new ArrayList<>()).add(w);
        }
        return w;
    }

    /** Number of pending waits (diagnostics and tests). */
    int pending() {
        synchronized (waiters) {
            return waiters.values().stream().mapToInt(List::size).sum();
        }
    }

    @Override
    public void appended(long tableId, long shardId, long sequence) {
        appended(tableId, shardId, sequence, 0, 0);
    }

    @Override
    public void appended(long tableId, long shardId, long sequence, long writeStartNanos, long durableNanos) {
        List<Waiter> fired;
        synchronized (waiters) {
            fired = waiters.remove(new ShardKey(tableId, shardId));
            if (fired == null) {
                return;
            }
            for (Waiter w : fired) {
                w.done = true;
                w.writeStartNanos = writeStartNanos;
                w.durableNanos = durableNanos;
            }
        }
        fired.forEach(w -> w.onAppend.run());
    }
}
