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
        return new Forward(spec).read(it, it.key());
    }

    /**
     * Forward row assembly for one scan. It remembers where the previous row stopped: the iterator then already sits
     * on the next row's first key, copied out of RocksDB to find the row's end, and {@link #keyAtIterator} hands
     * that copy to the scanner instead of asking the iterator again (each key crosses JNI once, not three times:
     * range check, row decode, end of the previous row). Column names are reused across rows ({@link ColumnNames}).
     * Not thread-safe: one per scan.
     */
    static final class Forward {
        private final ReadSpec spec;
        private final ColumnNames names = new ColumnNames();
        private final List<StoredCell> cells = new ArrayList<>();
        /** The key the iterator is on, when this reader moved it there; null: unknown, ask the iterator. */
        private byte[] keyAtIterator;
        /** Whether this reader moved the iterator past the last key (status already checked). */
        private boolean iteratorAtEnd;

        Forward(ReadSpec spec) {
            this.spec = spec;
        }

        /** The key the iterator is on (copied once), or null when it is past the last key. */
        byte[] keyAtIterator(RocksIterator it) {
            if (iteratorAtEnd) {
                return null;
            }
            byte[] key = keyAtIterator;
            if (key != null) {
                keyAtIterator = null;
                return key;
            }
            if (!it.isValid()) {
                checkStatus(it);
                return null;
            }
            return it.key();
        }

        /**
         * Reads the row whose first cell the iterator points at ({@code firstKey}: that cell's key) and leaves the
         * iterator on the first key after the row.
         *
         * @return the row with the cells the spec selects, or null when it selects none
         */
        StoredRow read(RocksIterator it, byte[] firstKey) {
            // only the first rowPrefixLength bytes are compared: the prefix ends with the terminator 0x00 0x01, which
            // can only end the row-key field, so a key sharing it belongs to the same row
            KeyLayout.DecodedCell first = KeyLayout.decodeCell(firstKey, names);
            int prefixLength = first.rowPrefixLength();
            CellSelector selector = new CellSelector(spec);
            cells.clear();
            keyAtIterator = null;
            KeyLayout.DecodedCell cell = first;
            int index = 0;
            while (true) {
                if (selector.select(cell.column(), cell.timestamp())) {
                    cells.add(new StoredCell(cell.column(), cell.timestamp(), it.value()));
                }
                it.next();
                if (!it.isValid()) {
                    checkStatus(it);
                    iteratorAtEnd = true;
                    break;
                }
                byte[] key = it.key();
                if (!KeyLayout.startsWith(key, firstKey, prefixLength)) {
                    keyAtIterator = key;
                    break;
                }
                // same row: row key decoded once
                cell = KeyLayout.decodeCellOfRow(key, first.rowKey(), prefixLength, names, ++index);
            }
            return switch (cells.size()) {  // List.of(e...) without copying through an array: once per row
                case 0 -> null;
                case 1 -> new StoredRow(first.rowKey(), List.of(cells.get(0)));
                case 2 -> new StoredRow(first.rowKey(), List.of(cells.get(0), cells.get(1)));
                default -> new StoredRow(first.rowKey(), List.copyOf(cells));
            };
        }
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
