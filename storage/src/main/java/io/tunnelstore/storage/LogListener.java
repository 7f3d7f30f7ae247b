package io.tunnelstore.storage;

/** Told about every change-log record once it is durable. Must return quickly and never block. */
@FunctionalInterface
public interface LogListener {
    void appended(long tableId, long shardId, long sequence);
}
