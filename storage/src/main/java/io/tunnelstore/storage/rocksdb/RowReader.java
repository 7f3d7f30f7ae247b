package io.tunnelstore.storage.rocksdb;

import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.StorageException;
import io.tunnelstore.storage.StoredCell;
import io.tunnelstore.storage.StoredRow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Assembles rows from a positioned iterator over the rows family, forwards or backwards. Stateless; the iterator is
 * the caller's (RocksDB iterators are not thread-safe, so neither is a call).
 */
final class RowReader {
    private RowReader() {}

    /**
     * Reads the row whose first cell the iterator points at and leaves the iterator on the first key after the row.
     *
     * @return the row with the cells {@code spec} selects, or null when it selects none
     */
    static StoredRow readForward(RocksIterator it, ReadSpec spec) {
        // only the first rowPrefixLength bytes are compared: the prefix ends with the terminator 0x00 0x01, which can
        // only end the row-key field, so a key sharing it belongs to the same row
        byte[] rowPrefix = it.key();  // one JNI copy of the key serves both the decode and the prefix
        KeyLayout.DecodedCell first = KeyLayout.decodeCell(rowPrefix);
        int prefixLength = first.rowPrefixLength();
        CellSelector selector = new CellSelector(spec);
        List<StoredCell> cells = new ArrayList<>();
        KeyLayout.DecodedCell cell = first;
        while (true) {
            if (selector.select(cell.column(), cell.timestamp())) {
                cells.add(new StoredCell(cell.column(), cell.timestamp(), it.value()));
            }
            it.next();
            if (!it.isValid()) {
                checkStatus(it);
                break;
            }
            byte[] key = it.key();
            if (!KeyLayout.startsWith(key, rowPrefix, prefixLength)) {
                break;
            }
            cell = KeyLayout.decodeCellOfRow(key, first.rowKey(), prefixLength);  // same row: key decoded once
        }
        return cells.isEmpty() ? null : new StoredRow(first.rowKey(), List.copyOf(cells));
    }

    /**
     * Reads the row whose last cell the iterator points at (iterating backwards) and leaves the iterator on the first
     * key before the row.
     */
    static StoredRow readBackward(RocksIterator it, ReadSpec spec) {
        KeyLayout.DecodedCell last = KeyLayout.decodeCell(it.key());
        byte[] rowPrefix = it.key();
        int prefixLength = last.rowPrefixLength();
        List<KeyLayout.DecodedCell> reversedCells = new ArrayList<>();
        List<byte[]> reversedValues = new ArrayList<>();
        KeyLayout.DecodedCell cell = last;
        while (true) {
            reversedCells.add(cell);
            reversedValues.add(it.value());
            it.prev();
            if (!it.isValid()) {
                checkStatus(it);
                break;
            }
            byte[] key = it.key();
            if (!KeyLayout.startsWith(key, rowPrefix, prefixLength)) {
                break;
            }
            cell = KeyLayout.decodeCellOfRow(key, last.rowKey(), prefixLength);
        }
        Collections.reverse(reversedCells);
        Collections.reverse(reversedValues);
        CellSelector selector = new CellSelector(spec);
        List<StoredCell> cells = new ArrayList<>();
        for (int i = 0; i < reversedCells.size(); i++) {
            KeyLayout.DecodedCell c = reversedCells.get(i);
            if (selector.select(c.column(), c.timestamp())) {
                cells.add(new StoredCell(c.column(), c.timestamp(), reversedValues.get(i)));
            }
        }
        return cells.isEmpty() ? null : new StoredRow(last.rowKey(), List.copyOf(cells));
    }

    static void checkStatus(RocksIterator it) {
        try {
            it.status();
        } catch (RocksDBException e) {
            throw new StorageException("iterator over the rows family failed: " + e.getMessage(), e);
        }
    }
}
