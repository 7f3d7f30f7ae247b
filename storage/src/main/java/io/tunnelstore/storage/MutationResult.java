package io.tunnelstore.storage;

/**
 * The outcome of {@link StorageEngine#mutateRow}: the decider's value, the change-log sequence number assigned
 * ({@code -1} if no record was written) and the commit time in microseconds.
 */
public record MutationResult<T>(T result, long sequence, long commitTimeMicros) {}
