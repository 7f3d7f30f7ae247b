package io.tunnelstore.storage.rocksdb;

import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.StoredCell;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.rocksdb.ColumnFamilyHandle;

/**
 * Turns a {@link RowMutation} into point writes on the rows family, given the row's current cells. Deleting a column
 * or the row deletes each existing version (including versions put earlier in the same mutation, which is why the
 * planner tracks the row as the ops apply) rather than writing range tombstones, which would pile up on hot rows and
 * slow every read. Stateless.
 */
final class MutationPlanner {
    private record CellId(String column, long timestamp) {}

    private MutationPlanner() {}

    /**
     * Appends the writes of {@code mutation} to {@code ops}.
     *
     * @throws IllegalArgumentException on a malformed op (null column or value, negative timestamp)
     */
    static void plan(ColumnFamilyHandle rows, byte[] rowPrefix, List<StoredCell> current, RowMutation mutation,
            WriteOps ops) {
        Set<CellId> present = new LinkedHashSet<>();
        for (StoredCell cell : current) {
            present.add(new CellId(cell.column(), cell.timestamp()));
        }
        for (RowMutation.Op op : mutation.ops()) {
            switch (op.kind()) {
                case PUT -> {
                    CellId id = cellId(op);
                    if (op.value() == null) {
                        throw new IllegalArgumentException("PUT of column " + op.column() + " has no value");
                    }
                    ops.put(rows, KeyLayout.cellKey(rowPrefix, id.column(), id.timestamp()), op.value().clone());
                    present.add(id);
                }
                case DELETE_VERSION -> {
                    CellId id = cellId(op);
                    ops.delete(rows, KeyLayout.cellKey(rowPrefix, id.column(), id.timestamp()));
                    present.remove(id);
                }
                case DELETE_COLUMN -> {
                    String column = Objects.requireNonNull(op.column(), "DELETE_COLUMN needs a column");
                    present.removeIf(id -> {
                        if (!id.column().equals(column)) {
                            return false;
                        }
                        ops.delete(rows, KeyLayout.cellKey(rowPrefix, id.column(), id.timestamp()));
                        return true;
                    });
                }
                case DELETE_ROW -> {
                    for (CellId id : present) {
                        ops.delete(rows, KeyLayout.cellKey(rowPrefix, id.column(), id.timestamp()));
                    }
                    present.clear();
                }
            }
        }
    }

    private static CellId cellId(RowMutation.Op op) {
        if (op.column() == null) {
            throw new IllegalArgumentException(op.kind() + " needs a column");
        }
        if (op.timestamp() < 0) {
            throw new IllegalArgumentException(
                    "timestamp of column " + op.column() + " must not be negative: " + op.timestamp());
        }
        return new CellId(op.column(), op.timestamp());
    }
}
