package io.tunnelstore.server.tunnel;

import io.tunnelstore.storage.LogBounds;
import io.tunnelstore.storage.LogListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Long-poll support: callbacks waiting for the next change-log record of a shard. Registered as the storage
 * engine's {@link LogListener}; each waiter fires at most once, either on the next append to its shard or when the
 * caller cancels it (timeout).
 *
 * <p><b>Several nodes</b> (docs/scale-out.md): the listener only hears appends committed by this node, but a tunnel's
 * long polls wait on the tunnel's owner while the appends happen on the partitions' owners. So a clustered server
 * also calls {@link #pollBounds} periodically: it reads the log bounds of every shard someone waits on and fires the
 * waits whose next sequence has been written meanwhile, by whichever node.
 *
 * <p>Thread-safe. Callbacks run on the committing (or polling) thread and must only hand work to an executor.
 */
final class LogWaiters implements LogListener {

    private record ShardKey(long tableId, long shardId) {}

    private final Map<ShardKey, List<Waiter>> waiters = new HashMap<>();

    /** A registered wait; {@link #cancel()} returns true when it wins against the append. */
    final class Waiter {
        private final ShardKey key;
        private final Runnable onAppend;
        /** The sequence the waiter reads next: a shard whose last sequence reached it has something for it. */
        private final long nextSequence;
        private boolean done;
        /** Timing of the commit that fired this wait (stage trace); 0 when it was cancelled or not timed. */
        private volatile long writeStartNanos;
        private volatile long durableNanos;

        private Waiter(ShardKey key, long nextSequence, Runnable onAppend) {
            this.key = key;
            this.nextSequence = nextSequence;
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
        return await(tableId, shardId, Long.MAX_VALUE, onAppend);
    }

    /**
     * Calls {@code onAppend} once, on the next record appended to the shard by this node, or when {@link #pollBounds}
     * sees the shard's last sequence reach {@code nextSequence} (unless cancelled first).
     */
    Waiter await(long tableId, long shardId, long nextSequence, Runnable onAppend) {
        ShardKey key = new ShardKey(tableId, shardId);
        Waiter w = new Waiter(key, nextSequence, onAppend);
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

    /**
     * Reads the bounds of every shard with a pending wait ({@code bounds}: table id, shard id → the engine's
     * {@link LogBounds}) and fires the waits whose next sequence is now written (appends of other nodes). A shard whose
     * bounds cannot be read is skipped until the next poll. Returns how many waits fired.
     */
    int pollBounds(BiFunction<Long, Long, LogBounds> bounds) {
        List<ShardKey> shards;
        synchronized (waiters) {
            shards = List.copyOf(waiters.keySet());
        }
        int firedCount = 0;
        for (ShardKey shard : shards) {
            LogBounds b;
            try {
                b = bounds.apply(shard.tableId(), shard.shardId());
            } catch (RuntimeException e) {
                continue; // e.g. the table is being dropped, or storage is briefly unavailable: the next poll retries
            }
            if (b.isEmpty()) {
                continue;
            }
            List<Waiter> fired = new ArrayList<>();
            synchronized (waiters) {
                List<Waiter> list = waiters.get(shard);
                if (list == null) {
                    continue;
                }
                list.removeIf(w -> {
                    if (w.nextSequence <= b.lastSequence()) {
                        w.done = true;
                        fired.add(w);
                        return true;
                    }
                    return false;
                });
                if (list.isEmpty()) {
                    waiters.remove(shard);
                }
            }
            fired.forEach(w -> w.onAppend.run());
            firedCount += fired.size();
        }
        return firedCount;
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
