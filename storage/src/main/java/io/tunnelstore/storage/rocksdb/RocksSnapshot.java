package io.tunnelstore.storage.rocksdb;

import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.RowScanner;
import io.tunnelstore.storage.ScanRange;
import io.tunnelstore.storage.StorageException;
import io.tunnelstore.storage.StorageSnapshot;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * A durable snapshot of the embedded engine: a RocksDB checkpoint (hard links to the database's immutable SST files
 * plus the WAL needed to recover it, taken at one sequence number) in {@code <dataDir>/snapshots/<id>}, opened
 * read-only. Because every row mutation and its change-log record are one {@code WriteBatch}, the checkpoint holds,
 * per shard, exactly the changes up to its last log record — which is what {@link #logPosition} reports.
 *
 * <p>Cost: creating one flushes the memtables and hard-links the SST files (milliseconds to a second, independent of
 * the table size); while it exists, SST files that compaction replaces in the live database stay on disk, so the
 * extra disk space grows towards the size of the database at the snapshot as the live data is rewritten; opening it
 * costs one read-only RocksDB instance (table cache, index blocks).
 *
 * <p>Thread-safe. Closed by the engine ({@code dropSnapshot}, engine close): waits for calls in flight, aborts open
 * scanners.
 */
final class RocksSnapshot implements StorageSnapshot {
    private final String id;
    private final long createdAtMillis;
    private final Path dir;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles;
    private final ColumnFamilyHandle rowsCf;
    private final ColumnFamilyHandle logCf;
    private final ColumnFamilyHandle logTrimCf;
    private final ReadOptions readOptions = new ReadOptions();
    private final InFlightGate gate;
    private final Set<RocksRowScanner> openScanners = ConcurrentHashMap.newKeySet();

    /** @param handles in the engine's family order: default, meta, rows, log, log_trim */
    RocksSnapshot(String id, long createdAtMillis, Path dir, RocksDB db, List<ColumnFamilyHandle> handles) {
        this.id = Objects.requireNonNull(id, "id");
        this.createdAtMillis = createdAtMillis;
        this.dir = dir;
        this.db = db;
        this.handles = List.copyOf(handles);
        this.rowsCf = handles.get(2);
        this.logCf = handles.get(3);
        this.logTrimCf = handles.get(4);
        this.gate = new InFlightGate("snapshot " + dir);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public long createdAtMillis() {
        return createdAtMillis;
    }

    Path dir() {
        return dir;
    }

    @Override
    public RowScanner scan(long tableId, ScanRange range, ReadSpec spec) {
        return RocksRowScanner.open(db, rowsCf, readOptions, gate, openScanners, tableId, range, spec);
    }

    @Override
    public long logPosition(long tableId, long shardId) {
        byte[] shardPrefix = KeyLayout.shardPrefix(tableId, shardId);
        gate.enter();
        try (RocksIterator it = db.newIterator(logCf, readOptions)) {
            long last = 0;
            it.seekForPrev(KeyLayout.logKey(tableId, shardId, Long.MAX_VALUE));
            if (it.isValid() && KeyLayout.startsWith(it.key(), shardPrefix)) {
                last = KeyLayout.logKeySequence(it.key());
            }
            RowReader.checkStatus(it);
            byte[] watermark = db.get(logTrimCf, readOptions, shardPrefix);
            return watermark == null ? last : Math.max(last, KeyLayout.getLong(watermark, 0));
        } catch (RocksDBException e) {
            throw new StorageException("cannot read the log position of table " + tableId + " shard " + shardId
                    + " in snapshot " + dir + ": " + e.getMessage(), e);
        } finally {
            gate.exit();
        }
    }

    /** Waits for running calls, aborts open scanners and frees the native handles. Idempotent. */
    void close() {
        if (!gate.close()) {
            return;
        }
        for (RocksRowScanner scanner : List.copyOf(openScanners)) {
            scanner.abort();
        }
        readOptions.close();
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
    }
}
