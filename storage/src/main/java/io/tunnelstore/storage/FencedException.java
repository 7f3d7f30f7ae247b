package io.tunnelstore.storage;

/**
 * A write by a node that does not (or no longer) own the partition it wrote: another node took the partition with a
 * newer epoch (see {@link OwnershipFencing}). Nothing of the write was stored. The caller should stop acting as the
 * partition's owner and route the request to the current owner.
 */
public class FencedException extends StorageException {
    private static final long serialVersionUID = 1L;

    private final long tableId;
    private final long partitionId;

    public FencedException(long tableId, long partitionId, String message) {
        super(message);
        this.tableId = tableId;
        this.partitionId = partitionId;
    }

    /** The table of the partition whose ownership moved. */
    public long tableId() {
        return tableId;
    }

    /** The partition (change-log shard id) whose ownership moved, or -1 when not known. */
    public long partitionId() {
        return partitionId;
    }
}
