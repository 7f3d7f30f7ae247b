package io.tunnelstore.storage;

/**
 * A durable, consistent, read-only point-in-time view of every table's rows and change-log positions, created by
 * {@link StorageEngine#createSnapshot}. "Consistent" is the contract that makes a tunnel's base→stream hand-over
 * exact: for every shard, a change whose log record has a sequence {@code <= logPosition(table, shard)} is visible in
 * the snapshot's rows, and a change with a higher sequence is not (a row mutation and its log record commit
 * atomically).
 *
 * <p>"Durable": the snapshot survives a restart of the engine (and {@code kill -9}) until
 * {@link StorageEngine#dropSnapshot} removes it; it is found again by its id with {@link StorageEngine#snapshot}.
 *
 * <p>The engine owns the object: callers do not close it. After it is dropped (or the engine closed) its methods
 * throw {@link StorageException}. Thread-safe.
 */
public interface StorageSnapshot {

    /** The id it was created with. */
    String id();

    /** Wall-clock time (ms) at which it was taken. */
    long createdAtMillis();

    /** As {@link StorageEngine#scan}, over the rows as they were when the snapshot was taken. */
    RowScanner scan(long tableId, ScanRange range, ReadSpec spec);

    /**
     * The highest change-log sequence of the shard that is contained in the snapshot (its last record then, or its
     * trim watermark when every record had been trimmed; 0 when the shard had never been written). A reader that
     * wants every change after the snapshot reads the live log from {@code logPosition + 1}.
     */
    long logPosition(long tableId, long shardId);
}
