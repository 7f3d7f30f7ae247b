package io.tunnelstore.storage;

import java.util.List;
import java.util.Optional;

/**
 * The storage engine behind the server: ordered rows with cell versions, a per-shard change log, and metadata.
 *
 * <p>The interface speaks only in bytes, strings and longs so that it can be implemented on an embedded engine
 * (RocksDB, the default) and later on a distributed one (HBase): a table is a keyspace named by a numeric id, a row
 * key is an order-preserving byte encoding of the primary key (the server encodes it), a cell is a column name, a
 * version timestamp and opaque value bytes.
 *
 * <p>Durability contract: when {@link #mutateRow} or {@link #writeMeta} returns normally, the write has reached
 * durable storage (it survives {@code kill -9} of the process). A row mutation and its change-log record are
 * committed in one atomic write: a reader never sees one without the other.
 *
 * <p>Thread-safety: all methods may be called concurrently from any thread.
 *
 * <p>Failures: every method throws {@link StorageException} when the engine is closed or the underlying store fails
 * (the message names the data directory and the operation), and {@link IllegalArgumentException} for invalid
 * arguments (a negative cell timestamp, {@code maxVersions < 1}, an inverted time range, non-positive limits).
 *
 * <p>Lifecycle: an implementation is opened by its own factory (for the embedded engine,
 * {@code RocksDbStorageEngine.open(dataDir, StorageOptions)}) and closed once with {@link #close()}.
 */
public interface StorageEngine extends AutoCloseable {

    // ---------------------------------------------------------------- metadata

    /** Reads one metadata value. */
    Optional<byte[]> getMeta(String key);

    /** All metadata entries whose key starts with {@code prefix}, in ascending key order. */
    List<MetaEntry> scanMeta(String prefix);

    /** Applies the puts and deletes of {@code batch} atomically and durably. */
    void writeMeta(MetaBatch batch);

    // ---------------------------------------------------------------- rows

    /** Reads one row, or empty when it has no visible cell under {@code spec}. */
    Optional<StoredRow> readRow(long tableId, byte[] rowKey, ReadSpec spec);

    /**
     * Scans rows with {@code startInclusive <= key < endExclusive} (unsigned byte order; {@code null} means
     * unbounded) in ascending order, or in descending order when {@code reverse} is true: then the scan starts at
     * the greatest key below {@code endExclusive} and ends with {@code startInclusive} (see {@link ScanRange}). Rows
     * with no cell visible under {@code spec} are skipped. The scan sees the rows as they were when it started.
     * The caller must close the scanner (it is closed automatically once exhausted); it is not thread-safe.
     */
    RowScanner scan(long tableId, ScanRange range, ReadSpec spec);

    /**
     * Atomically reads the current row (all versions of all columns), lets {@code decider} compute a mutation and an
     * optional change-log record, and commits both in one durable write. No other mutation of the same row runs
     * between the read and the write. If the decider throws, nothing is written and the exception propagates.
     *
     * <p>Time: the decider gets the row version time, computed while the row is locked by the engine's
     * {@link VersionClock} (the engine's clock, and above every version and delete marker the engine holds for the
     * row). An engine must compute it this way and nowhere else: it is what keeps a later-locked write visible over an
     * earlier one and an increment applied to the newest value.
     *
     * <p>Cell timestamps must be {@code >= 0}. Mutations of different rows run in parallel; mutations queued at the
     * same time share one durable write (group commit).
     *
     * @return the decision's result together with the sequence number assigned to its change-log record (or
     *         {@code -1} when it wrote none) and the commit time in microseconds
     */
    <T> MutationResult<T> mutateRow(long tableId, byte[] rowKey, RowDecider<T> decider);

    /**
     * Applies a batch of row mutations of one table as if by {@link #mutateRow} for each entry, in list order, but
     * with one durable write shared by the whole batch instead of one per row (BatchWriteRow's rows then cost one WAL
     * sync together instead of one each).
     *
     * <p>Per row the contract of {@link #mutateRow} holds: the decider sees the row's current state with no other
     * mutation of that row in between, and the row's mutation and change-log record are committed atomically. Entries
     * with the same key are applied in list order, each decider seeing the effect of the earlier ones. A decider that
     * (or whose mutation is invalid, e.g. a negative timestamp) throws a {@link RuntimeException}
     * other than {@link StorageException} fails only its own row: its outcome carries the exception and nothing of that
     * row is written; the other rows go on. The batch as a whole is <em>not</em> atomic: a crash before this method
     * returns may leave any subset of its rows written (each row whole or not at all).
     *
     * <p>When this method returns normally, every succeeded row is durable. Change-log records of rows in the same
     * shard get increasing sequence numbers in list order.
     *
     * @return one outcome per entry, in the order of {@code entries}
     * @throws StorageException if the engine is closed or the write fails (then the outcomes are unknown; rows may or
     *                          may not have been written)
     */
    default <T> List<RowBatchOutcome<T>> mutateRows(long tableId, List<RowBatchEntry<T>> entries) {
        List<RowBatchOutcome<T>> outcomes = new java.util.ArrayList<>(entries.size());
        for (RowBatchEntry<T> e : entries) {
            try {
                outcomes.add(RowBatchOutcome.succeeded(mutateRow(tableId, e.rowKey(), e.decider())));
            } catch (StorageException fatal) {
                throw fatal;
            } catch (RuntimeException rowFailure) {
                outcomes.add(RowBatchOutcome.failed(rowFailure));
            }
        }
        return outcomes;
    }

    /**
     * Removes every row of the table and every change-log record of its shards, atomically and durably. Writes to
     * the table must have stopped; a table later written under the same id starts its change log at sequence 1.
     */
    void dropTable(long tableId);

    /**
     * Approximate on-disk bytes of the rows of {@code range} (used for split points and base-channel splitting).
     */
    long approximateSize(long tableId, ScanRange range);

    /**
     * Row keys that cut {@code range} into pieces of roughly {@code targetBytes} each (ascending, exclusive of the
     * range bounds); empty when the range is smaller than {@code targetBytes}.
     */
    List<byte[]> splitKeys(long tableId, ScanRange range, long targetBytes);

    // ---------------------------------------------------------------- change log

    /**
     * Reads change-log records of one shard with {@code seq >= fromSeq}, ascending, stopping after
     * {@code maxRecords} records or once {@code maxBytes} of payload have been returned (at least one record is
     * returned when one exists).
     */
    List<LogRecord> readLog(long tableId, long shardId, long fromSeq, int maxRecords, long maxBytes);

    /** Lowest and highest retained sequence numbers of a shard (both 0 when it has no record). */
    LogBounds logBounds(long tableId, long shardId);

    /**
     * The highest sequence number of the shard ever removed by {@link #trimLog} (0 when nothing was trimmed). Lets a
     * reader tell "my position was trimmed" from "I am caught up" even when every record of the shard was trimmed.
     */
    long trimmedThrough(long tableId, long shardId);

    /**
     * Deletes the shard's records committed before {@code commitTimeMicros}; returns how many were deleted.
     */
    long trimLog(long tableId, long shardId, long commitTimeMicros);

    /**
     * Registers a listener called (on the committing thread, after the commit is durable; it must not block) for every
     * change-log record appended to any shard.
     */
    void addLogListener(LogListener listener);

    // ---------------------------------------------------------------- several writers (docs/scale-out.md)

    /**
     * Partition ownership epochs and fenced writes, when several nodes may open this engine's store at once (HBase);
     * empty for an engine with a single writer (the embedded engine: its directory lock refuses a second one).
     */
    default java.util.Optional<OwnershipFencing> fencing() {
        return java.util.Optional.empty();
    }

    // ---------------------------------------------------------------- durable snapshots

    /**
     * Whether this engine implements the snapshot methods below. The server falls back to reading the live table
     * (a BaseAndStream hand-over that may then deliver a change twice) when it does not.
     */
    default boolean supportsSnapshots() {
        return false;
    }

    /**
     * Takes a durable, consistent snapshot of every table and change log now (see {@link StorageSnapshot} for the
     * contract) and stores it under {@code id} (letters, digits, {@code . _ -}; at most 128 characters).
     *
     * @throws IllegalArgumentException if the id is malformed or already used
     * @throws UnsupportedOperationException if {@link #supportsSnapshots()} is false
     */
    default StorageSnapshot createSnapshot(String id) {
        throw new UnsupportedOperationException("this storage engine does not support snapshots");
    }

    /** The snapshot with this id, if it exists (also after a restart). */
    default java.util.Optional<StorageSnapshot> snapshot(String id) {
        return java.util.Optional.empty();
    }

    /** Ids of every stored snapshot, ascending. */
    default List<String> snapshotIds() {
        return List.of();
    }

    /**
     * Removes a snapshot and frees what it retained (no-op when it does not exist). Reads still running on it fail
     * with {@link StorageException}.
     */
    default void dropSnapshot(String id) {
    }

    /** Flushes and closes the engine; releases the data-directory lock. */
    @Override
    void close();
}
