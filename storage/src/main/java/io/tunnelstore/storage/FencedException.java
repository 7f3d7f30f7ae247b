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
    private final String resource;

    /** A fenced write of partition {@code partitionId} of table {@code tableId}. */
    public FencedException(long tableId, long partitionId, String message) {
        super(message);
        this.tableId = tableId;
        this.partitionId = partitionId;
        this.resource = null;
    }

    /** A fenced metadata write of a named resource (see {@link OwnershipFencing#writeMeta}). */
    public FencedException(String resource, String message) {
        super(message);
        this.tableId = -1;
        this.partitionId = -1;
        this.resource = resource;
    }

    /** The named resource whose ownership moved, or null for a partition. */
    public String resource() {
        return resource;
    }

    /** The table of the partition whose ownership moved, or -1 for a named resource. */
    public long tableId() {
        return tableId;
    }

    /** The partition (change-log shard id) whose ownership moved, or -1 for a named resource. */
    public long partitionId() {
        return partitionId;
    }
}
