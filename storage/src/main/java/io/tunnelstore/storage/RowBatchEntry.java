package io.tunnelstore.storage;

import java.util.Objects;

/**
 * One row of a {@link StorageEngine#mutateRows} batch: the row key and the decider that computes its mutation, exactly
 * as the two arguments of {@link StorageEngine#mutateRow}. The key is copied.
 */
public record RowBatchEntry<T>(byte[] rowKey, RowDecider<T> decider) {
    public RowBatchEntry {
        Objects.requireNonNull(rowKey, "rowKey");
        Objects.requireNonNull(decider, "decider");
        rowKey = rowKey.clone();
    }

    @Override
    public byte[] rowKey() {
        return rowKey.clone();
    }
}
