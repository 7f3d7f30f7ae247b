package io.tunnelstore.storage;

/**
 * One change-log record of a shard: its sequence number (1, 2, 3, … in commit order within the shard), the commit
 * time in microseconds since the epoch, and the payload written by the server.
 */
public record LogRecord(long tableId, long shardId, long sequence, long commitTimeMicros, byte[] payload) {}
