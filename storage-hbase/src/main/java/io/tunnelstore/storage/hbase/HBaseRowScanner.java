package io.tunnelstore.storage.hbase;

import io.tunnelstore.storage.RowScanner;
import io.tunnelstore.storage.StorageException;
import io.tunnelstore.storage.StoredRow;
import java.io.IOException;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;

/**
 * A {@link RowScanner} over an HBase {@link ResultScanner}. The region server keeps the scan's read point, so the
 * scan sees the rows as they were when it started. The engine aborts it when it is closed.
 */
final class HBaseRowScanner implements RowScanner {
    private final ResultScanner results;
    private final Consumer<HBaseRowScanner> onClose;
    private StoredRow next;
    private boolean closed;
    private volatile String abortReason;

    HBaseRowScanner(ResultScanner results, Consumer<HBaseRowScanner> onClose) {
        this.results = results;
        this.onClose = onClose;
    }

    @Override
    public boolean hasNext() {
        String reason = abortReason;
        if (reason != null) {
            throw new StorageException("scan aborted: " + reason);
        }
        if (next != null) {
            return true;
        }
        if (closed) {
            return false;
        }
        Result result;
        try {
            result = results.next();
        } catch (IOException e) {
            if (abortReason != null) {
                throw new StorageException("scan aborted: " + abortReason, e);
            }
            throw new StorageException("scan failed: " + e.getMessage(), e);
        }
        if (result == null) {
            close();
            return false;
        }
        next = HBaseStorageEngine.toStoredRow(result);
        return true;
    }

    @Override
    public StoredRow next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        StoredRow row = next;
        next = null;
        return row;
    }

    /** Called by the engine when it closes: later calls fail. */
    void abort() {
        abort("the storage engine was closed");
    }

    /** Later calls fail with {@code reason} (the engine closed, the snapshot was dropped). */
    void abort(String reason) {
        abortReason = reason;
        results.close();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            results.close();
            onClose.accept(this);
        }
    }
}
