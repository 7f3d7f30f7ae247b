package io.tunnelstore.server.table;

import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.storage.RowScanner;
import io.tunnelstore.storage.ScanRange;
import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StoredCell;
import io.tunnelstore.storage.StoredRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads rows of a table and turns them into wire rows (PK in schema order, attribute cells by name ascending then
 * timestamp descending, every cell with value and timestamp). Thread-safe.
 */
final class RowReader {

    /** One page of a range read: the rows, and the key to continue from when more rows remain (else null). */
    record Page(List<PlainRow> rows, long bytes, PrimaryKey nextStart) {}

    private final StorageEngine storage;

    RowReader(StorageEngine storage) {
        this.storage = storage;
    }

    /**
     * The row under {@code projection}, or empty when it does not exist, has nothing visible or fails the filter.
     */
    Optional<PlainRow> get(TableDescriptor table, PrimaryKey key, ReadProjection projection) {
        return storage.readRow(table.tableId(), KeyCodec.encode(key), projection.spec())
                .flatMap(stored -> toPlainRow(table, stored, projection));
    }

    /**
     * Reads rows of {@code [start, end)} (FORWARD) or {@code (end, start]} downwards (BACKWARD), stopping after
     * {@code limit} returned rows, or once {@link TableLimits#MAX_RANGE_ROWS} rows or
     * {@link TableLimits#MAX_RANGE_BYTES} have been scanned (rows a filter drops count as scanned, so a page stays
     * bounded; the page may then hold fewer rows, or none, and still have a next start key).
     */
    Page range(TableDescriptor table, PrimaryKey start, PrimaryKey end, boolean backward, int limit,
               ReadProjection projection) {
        byte[] startKey = KeyCodec.encode(start);
        byte[] endKey = KeyCodec.encode(end);
        ScanRange range = backward
                // keys with end < key <= start, from the greatest down
                ? new ScanRange(KeyCodec.successor(endKey), KeyCodec.successor(startKey), true)
                : new ScanRange(startKey, endKey, false);
        List<PlainRow> rows = new ArrayList<>();
        long bytes = 0;
        int scanned = 0;
        try (RowScanner scanner = storage.scan(table.tableId(), range, projection.spec())) {
            while (scanner.hasNext()) {
                StoredRow stored = scanner.next();
                if (rows.size() >= limit || scanned >= TableLimits.MAX_RANGE_ROWS
                        || bytes >= TableLimits.MAX_RANGE_BYTES) {
                    return new Page(rows, bytes, KeyCodec.decode(stored.rowKey(), table.primaryKeySchema()));
                }
                scanned++;
                bytes += storedSize(stored);
                toPlainRow(table, stored, projection).ifPresent(rows::add);
            }
        }
        return new Page(rows, bytes, null);
    }

    /** The wire row of a stored row under the projection, or empty when the filter drops it. */
    static Optional<PlainRow> toPlainRow(TableDescriptor table, StoredRow stored, ReadProjection projection) {
        PrimaryKey key = KeyCodec.decode(stored.rowKey(), table.primaryKeySchema());
        List<Cell> cells = new ArrayList<>(stored.cells().size());
        for (StoredCell c : stored.cells()) {
            if (!RowMarker.isMarker(c) && projection.inColumnWindow(c.column())) {
                cells.add(Cell.put(c.column(), CellValueCodec.decode(c.value()), c.timestamp()));
            }
        }
        if (cells.isEmpty() && projection.hasColumnWindow() && !projection.primaryKeyOnly()) {
            return Optional.empty(); // like columns_to_get: a row without requested columns is not returned
        }
        RowFilter filter = projection.filter();
        if (filter != null) {
            if (!filter.matches(cells)) {
                return Optional.empty();
            }
            cells = filter.select(cells);
        }
        return Optional.of(projection.primaryKeyOnly() ? PlainRow.ofPrimaryKey(key) : PlainRow.of(key, cells));
    }

    /** Bytes of a stored row as scanned (key, names, timestamps, values). */
    static long storedSize(StoredRow stored) {
        long size = stored.rowKey().length;
        for (StoredCell c : RowMarker.attributes(stored.cells())) {
            size += c.column().length() + 8 + c.value().length;
        }
        return size;
    }

    static long sizeOf(PlainRow row) {
        long size = 0;
        for (var c : row.primaryKey().columns()) {
            size += c.name().length() + c.value().dataSize();
        }
        for (Cell c : row.cells()) {
            size += c.name().length() + c.value().dataSize() + 8;
        }
        return size;
    }
}
