package io.tunnelstore.server.table;

import io.tunnelstore.storage.StoredCell;
import java.util.List;

/**
 * The hidden cell that makes a row exist even when it has no attribute column (a PutRow with only the primary key,
 * or an UpdateRow that deleted the last column): every PutRow and UpdateRow writes it at the commit time, DeleteRow
 * removes it with the row. Its column name is the empty string, which no user column can have
 * ({@link ObjectNames}), and it sorts before every other column.
 *
 * <p>Readers must never show it: row reads, filters and conditions, base-data records and change records all work
 * on {@link #attributes(List)}. Stateless.
 */
public final class RowMarker {

    /** Column name of the marker cell. */
    public static final String COLUMN = "";

    /** Stored value of the marker cell (no payload; never decoded). */
    static final byte[] VALUE = new byte[0];

    private RowMarker() {}

    /** Whether a stored cell is the marker. */
    public static boolean isMarker(StoredCell cell) {
        return cell.column().isEmpty();
    }

    /** The stored cells without the marker, in their order (the list itself when it holds no marker). */
    public static List<StoredCell> attributes(List<StoredCell> cells) {
        if (cells.stream().noneMatch(RowMarker::isMarker)) {
            return cells;
        }
        return cells.stream().filter(c -> !isMarker(c)).toList();
    }
}
