package io.tunnelstore.storage;

import java.util.Iterator;

/** An iterator over rows of a scan that must be closed; rows without any visible cell are skipped. */
public interface RowScanner extends Iterator<StoredRow>, AutoCloseable {
    @Override
    void close();
}
