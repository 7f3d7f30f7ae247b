package io.tunnelstore.storage;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ownership epochs of partitions, for several nodes writing one shared engine (docs/scale-out.md). Offered by engines
 * that several processes can open at once (HBase; see {@link StorageEngine#fencing()}); an embedded engine has a
 * single writer by its directory lock and offers none.
 *
 * <p>A partition is named by its table id and its change-log shard id. Its owner is the single writer that holds its
 * row locks and assigns its sequence numbers. Whoever becomes owner {@linkplain #take takes} the partition: its epoch
 * is raised by one, atomically. The owner then writes only through {@link #writes}, whose every commit carries, in the
 * same atomic storage operation as the rows and the log records, the condition "the partition's epoch is still the one
 * I took". A deposed owner therefore can never commit, whatever its clock or its view of the cluster: its write fails
 * as a whole with {@link FencedException} and nothing of it is stored.
 *
 * <p>Thread-safe.
 */
public interface OwnershipFencing {

    /** A partition's current epoch (from 1) and the node that took it. */
    record OwnerEpoch(long epoch, String nodeId) {}

    /**
     * Takes ownership of partition {@code partitionId} of table {@code tableId} for {@code nodeId}: raises its epoch by
     * one, atomically against concurrent takers (each taker gets a different epoch), and forgets whatever this engine
     * cached about the partition's change log (another owner may have appended since).
     *
     * @return the new epoch, which fences every earlier one
     */
    long take(long tableId, long partitionId, String nodeId);

    /** The partition's current epoch and owner, empty when it was never taken. */
    Optional<OwnerEpoch> current(long tableId, long partitionId);

    /**
     * Closes a partition for good because a split replaced it by its children: raises its epoch by one, like
     * {@link #take} (for {@code closedBy}), and marks it closed, in one atomic step. Every write under an earlier epoch
     * is then refused, and every later {@link #take} throws {@link FencedException}: a node whose table layout still
     * shows the partition can never write to it again, so the sequence the split read after closing it is the
     * partition's last. Closing a closed partition changes nothing and returns its epoch.
     *
     * @return the epoch the partition is closed at
     */
    long close(long tableId, long partitionId, String closedBy);

    /** Whether the partition was {@linkplain #close closed}. */
    boolean isClosed(long tableId, long partitionId);

    /**
     * Row writes of table {@code tableId} that commit only while every partition of {@code epochByPartition} still has
     * the given epoch. Every change-log record the deciders produce must belong to one of these partitions (its shard
     * id is the partition id); a record for another shard fails the call with {@link FencedException} before anything
     * is written.
     */
    FencedWrites writes(long tableId, Map<Long, Long> epochByPartition);

    /**
     * Takes ownership of a resource whose state lives in metadata (a tunnel's coordinator, the catalog), named by the
     * caller (at most 512 characters): raises its epoch by one, atomically against concurrent takers.
     *
     * @return the new epoch, which fences every earlier one
     */
    long takeResource(String resource, String nodeId);

    /** The resource's current epoch and owner, empty when it was never taken. */
    Optional<OwnerEpoch> currentResource(String resource);

    /**
     * {@link StorageEngine#writeMeta} on condition that {@code resource} still has {@code epoch}, checked in the same
     * atomic write: otherwise it throws {@link FencedException} and writes nothing.
     */
    void writeMeta(String resource, long epoch, MetaBatch batch);

    /**
     * {@link StorageEngine#mutateRow} and {@link StorageEngine#mutateRows} of one table under an ownership condition.
     * Same contract as the engine's methods, plus: when an epoch moved, the call throws {@link FencedException} and
     * writes nothing (in a batch: no row of it).
     */
    interface FencedWrites {
        <T> MutationResult<T> mutateRow(byte[] rowKey, RowDecider<T> decider);

        <T> List<RowBatchOutcome<T>> mutateRows(List<RowBatchEntry<T>> entries);
    }
}
