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
}
