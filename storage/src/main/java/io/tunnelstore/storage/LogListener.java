package io.tunnelstore.storage;

/**
 * Told about every change-log record once it is durable, in sequence order per shard, on the engine's committing
 * thread. Must return quickly and never block; it may read from the engine but must not write to it (writes wait for
 * the committing thread and are refused with {@link IllegalStateException}). Exceptions it throws are logged and
 * ignored.
 */
@FunctionalInterface
public interface LogListener {
    void appended(long tableId, long shardId, long sequence);

    /**
     * The same notification with the commit's timing, for engines that measure it (diagnostics: the tunnel's read
     * stage trace). Both times are {@link System#nanoTime()}: when the commit group's WAL write (and fsync) began,
     * and when it returned. The default ignores them.
     */
    default void appended(long tableId, long shardId, long sequence, long writeStartNanos, long durableNanos) {
        appended(tableId, shardId, sequence);
    }
}
