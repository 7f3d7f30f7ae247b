package io.tunnelstore.storage.rocksdb;

import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.ScanRange;
import io.tunnelstore.storage.RowScanner;
import io.tunnelstore.storage.StorageException;
import io.tunnelstore.storage.StoredRow;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/**
 * A scan over the rows family. The RocksDB iterator reads an implicit snapshot taken when the scan started, so a
 * scan is consistent even while rows are being written.
 *
 * <p>Not thread-safe for concurrent use by callers; its methods are nevertheless synchronized because the engine may
 * close it from another thread when the engine itself is closed. {@link #close()} is idempotent and frees the native
 * iterator.
 */
final class RocksRowScanner implements RowScanner {
    private final RocksIterator iterator;
    private final InFlightGate gate;
    private final Consumer<RocksRowScanner> onClose;
    private final ReadSpec spec;
    private final boolean reverse;
    /** Forward scans stop at the first key {@code >=} this (exclusive); null = no bound inside the table. */
    private final byte[] stopAtOrAbove;
    /** Reverse scans stop at the first key {@code <} this (the start bound, inclusive). */
    private final byte[] stopBelow;
    /** Every key of the table starts with it. */
    private final byte[] tablePrefix;

    /** Forward scans: assembles rows and carries the next row's first key between them. */
    private final RowReader.Forward forward;

    private StoredRow next;
    private boolean exhausted;
    private boolean closed;
    private boolean abortedByEngine;

    /**
     * Opens a scanner over {@code range} of table {@code tableId} in {@code db} (the live database or a snapshot's),
     * registered in {@code openScanners} until it is closed.
     */
    static RocksRowScanner open(RocksDB db, ColumnFamilyHandle rowsCf, ReadOptions readOptions, InFlightGate gate,
            Set<RocksRowScanner> openScanners, long tableId, ScanRange range, ReadSpec spec) {
        Objects.requireNonNull(range, "range");
        CellSelector.validate(spec);
        byte[] tablePrefix = KeyLayout.tablePrefix(tableId);
        byte[] lower = range.startInclusive() == null ? null : KeyLayout.rowPrefix(tableId, range.startInclusive());
        byte[] upper = range.endExclusive() == null ? null : KeyLayout.rowPrefix(tableId, range.endExclusive());
        gate.enter();
        try {
            RocksIterator it = db.newIterator(rowsCf, readOptions);
            if (!range.reverse()) {
                it.seek(lower != null ? lower : tablePrefix);
            } else if (upper != null) {
                // no key equals a row prefix (cell keys are longer), so this lands on the last cell below the bound
                it.seekForPrev(upper);
            } else {
                byte[] afterTable = KeyLayout.prefixSuccessor(tablePrefix);
                if (afterTable == null) {
                    it.seekToLast();
                } else {
                    it.seekForPrev(afterTable);
                }
            }
            RocksRowScanner scanner = new RocksRowScanner(it, gate, openScanners::remove, spec, range.reverse(),
                    tablePrefix, lower, upper);
            openScanners.add(scanner);
            return scanner;
        } finally {
            gate.exit();
        }
    }

    RocksRowScanner(RocksIterator iterator, InFlightGate gate, Consumer<RocksRowScanner> onClose, ReadSpec spec,
            boolean reverse, byte[] tablePrefix, byte[] lowerInclusive, byte[] upperExclusive) {
        this.iterator = iterator;
        this.gate = gate;
        this.onClose = onClose;
        this.spec = spec;
        this.reverse = reverse;
        this.tablePrefix = tablePrefix;
        this.stopAtOrAbove = upperExclusive;
        this.stopBelow = lowerInclusive;
        this.forward = reverse ? null : new RowReader.Forward(spec);
    }

    @Override
    public synchronized boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (abortedByEngine) {
            throw new StorageException("scan aborted: the storage engine was closed");
        }
        if (exhausted || closed) {
            return false;
        }
        gate.enter();
        try {
            while (next == null && !exhausted && !reverse) {
                byte[] key = forward.keyAtIterator(iterator);
                if (key == null || !inRange(key)) {
                    exhausted = true;
                } else {
                    next = forward.read(iterator, key);
                }
            }
            while (next == null && !exhausted) {
                if (!iterator.isValid()) {
                    RowReader.checkStatus(iterator);
                    exhausted = true;
                } else if (!inRange(iterator.key())) {
                    exhausted = true;
                } else {
                    next = RowReader.readBackward(iterator, spec);
                }
            }
        } finally {
            gate.exit();
        }
        if (exhausted) {
            close(); // free the native iterator as soon as the caller has seen the last row
        }
        return next != null;
    }

    private boolean inRange(byte[] key) {
        if (!KeyLayout.startsWith(key, tablePrefix)) {
            return false;
        }
        if (reverse) {
            return stopBelow == null || Arrays.compareUnsigned(key, stopBelow) >= 0;
        }
        return stopAtOrAbove == null || Arrays.compareUnsigned(key, stopAtOrAbove) < 0;
    }

    @Override
    public synchronized StoredRow next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        StoredRow row = next;
        next = null;
        return row;
    }

    /** Called by the engine while it closes: frees the iterator; later calls of {@link #hasNext} throw. */
    synchronized void abort() {
        if (!closed) {
            abortedByEngine = true;
            close();
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            iterator.close();
            onClose.accept(this);
        }
    }
}
