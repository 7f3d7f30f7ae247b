package io.tunnelstore.storage.hbase;

import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.StoredCell;
import io.tunnelstore.storage.StoredRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The cells of one row as a mutable map, so that a {@link RowMutation} can be applied to it op by op (and several
 * mutations of a batch to the same row in turn), and then turned into the exact HBase cell puts and version deletes
 * that lead from the stored row to the new one. Deletes are exact-version deletes of cells that exist, never
 * column or family tombstones: with the column family's NEW_VERSION_BEHAVIOR a later put of the same cell is then
 * visible again, as on RocksDB. Not thread-safe.
 */
final class RowPlan {
    /** column -> timestamp (descending) -> value. */
    private final TreeMap<String, TreeMap<Long, byte[]>> cells = new TreeMap<>(RowPlan::compareUtf8);

    private RowPlan() {}

    static RowPlan of(Optional<StoredRow> row) {
        RowPlan plan = new RowPlan();
        row.ifPresent(r -> r.cells().forEach(c -> plan.column(c.column()).put(c.timestamp(), c.value())));
        return plan;
    }

    RowPlan copy() {
        RowPlan copy = new RowPlan();
        cells.forEach((column, versions) -> copy.cells.put(column, new TreeMap<>(versions)));
        return copy;
    }

    /**
     * Checks every op first (so an invalid mutation changes nothing), then applies them in order.
     *
     * @throws IllegalArgumentException for a negative timestamp, a missing column or value
     */
    void apply(RowMutation mutation) {
        for (RowMutation.Op op : mutation.ops()) {
            validate(op);
        }
        for (RowMutation.Op op : mutation.ops()) {
            switch (op.kind()) {
                case PUT -> column(op.column()).put(op.timestamp(), op.value().clone());
                case DELETE_VERSION -> {
                    TreeMap<Long, byte[]> versions = cells.get(op.column());
                    if (versions != null) {
                        versions.remove(op.timestamp());
                        if (versions.isEmpty()) {
                            cells.remove(op.column());
                        }
                    }
                }
                case DELETE_COLUMN -> cells.remove(op.column());
                case DELETE_ROW -> cells.clear();
            }
        }
    }

    private static void validate(RowMutation.Op op) {
        if (op.kind() == RowMutation.Kind.DELETE_ROW) {
            return;
        }
        if (op.column() == null) {
            throw new IllegalArgumentException(op.kind() + " needs a column");
        }
        if (op.kind() == RowMutation.Kind.DELETE_COLUMN) {
            return;
        }
        if (op.timestamp() < 0) {
            throw new IllegalArgumentException(
                    "timestamp of column " + op.column() + " must not be negative: " + op.timestamp());
        }
        if (op.timestamp() == Long.MAX_VALUE) {
            // HBase reads Long.MAX_VALUE as "now" (HConstants.LATEST_TIMESTAMP)
            throw new IllegalArgumentException(
                    "timestamp of column " + op.column() + " must be below " + Long.MAX_VALUE + " on HBase");
        }
        if (op.kind() == RowMutation.Kind.PUT && op.value() == null) {
            throw new IllegalArgumentException("PUT of column " + op.column() + " has no value");
        }
    }

    /** The row as a StoredRow (columns ascending, newest version first), or empty when it has no cell. */
    Optional<StoredRow> toRow(byte[] rowKey) {
        List<StoredCell> out = new ArrayList<>();
        cells.forEach((column, versions) -> versions.forEach((ts, value) -> out.add(new StoredCell(column, ts, value))));
        return out.isEmpty() ? Optional.empty() : Optional.of(new StoredRow(rowKey.clone(), out));
    }

    /** A cell that differs between two plans. */
    record CellChange(String column, long timestamp, byte[] value) {
        boolean isDelete() {
            return value == null;
        }
    }

    /** The changes from {@code before} to this plan: puts of new or changed cells, deletes of vanished ones. */
    List<CellChange> changesSince(RowPlan before) {
        List<CellChange> changes = new ArrayList<>();
        for (Map.Entry<String, TreeMap<Long, byte[]>> col : before.cells.entrySet()) {
            NavigableMap<Long, byte[]> now = cells.get(col.getKey());
            for (Long ts : col.getValue().keySet()) {
                if (now == null || !now.containsKey(ts)) {
                    changes.add(new CellChange(col.getKey(), ts, null));
                }
            }
        }
        for (Map.Entry<String, TreeMap<Long, byte[]>> col : cells.entrySet()) {
            NavigableMap<Long, byte[]> old = before.cells.get(col.getKey());
            for (Map.Entry<Long, byte[]> v : col.getValue().entrySet()) {
                byte[] previous = old == null ? null : old.get(v.getKey());
                if (previous == null || !Arrays.equals(previous, v.getValue())) {
                    changes.add(new CellChange(col.getKey(), v.getKey(), v.getValue()));
                }
            }
        }
        return changes;
    }

    private TreeMap<Long, byte[]> column(String column) {
        return cells.computeIfAbsent(column, c -> new TreeMap<>(Comparator.reverseOrder()));
    }

    /** Columns are ordered as HBase orders qualifiers: by their UTF-8 bytes, unsigned. */
    private static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
