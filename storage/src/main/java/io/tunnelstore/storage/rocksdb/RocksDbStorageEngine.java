package io.tunnelstore.storage.rocksdb;

import io.tunnelstore.storage.LogBounds;
import io.tunnelstore.storage.LogListener;
import io.tunnelstore.storage.LogRecord;
import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.MetaEntry;
import io.tunnelstore.storage.MutationResult;
import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.RowBatchEntry;
import io.tunnelstore.storage.RowBatchOutcome;
import io.tunnelstore.storage.RowDecider;
import io.tunnelstore.storage.RowLocks;
import io.tunnelstore.storage.RowScanner;
import io.tunnelstore.storage.ScanRange;
import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageException;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.StorageSnapshot;
import io.tunnelstore.storage.StoredCell;
import io.tunnelstore.storage.StoredRow;
import io.tunnelstore.storage.VersionClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link StorageEngine}: one RocksDB database per data directory. Open with {@link #open}; close once.
 * Thread-safe: every method may be called concurrently; see the implementation notes below.
 *
 * <p>Key layouts are documented in {@code docs/storage-layout.md} and {@link KeyLayout}.
 */
/*
 * Implementation notes
 *
 * Concurrency. Readers use RocksDB iterators directly (each sees an implicit snapshot). mutateRow locks the row
 * (RowLocks), reads it, asks the decider and plans the writes. A commit that appends a change-log record is never
 * written by its caller: under `sequenceLock` it takes the commit time and the shard's next sequence number and is
 * queued on the GroupCommitter, the only thread that writes such commits: it merges queued commits into one
 * WriteBatch and one fsync (group commit) and writes them in queue order, so per shard commit order == sequence
 * order. A row commit without a log record needs no order beyond its row lock, so its caller writes it itself
 * (db.write with the same sync option; for mutateRows, one WriteBatch per segment): RocksDB's own write group then
 * merges concurrent callers into one WAL fsync and inserts their memtable entries in parallel, instead of one thread
 * inserting everything (tables without a stream, the usual ingest, take this path). The row lock is held until the
 * caller's commit is durable, so the next decider of that row sees it. Log listeners run on the committer thread
 * after the write returned (durable when syncWrites).
 *
 * Lifecycle. Every public method runs inside InFlightGate.enter/exit; close() shuts the gate (refusing new calls),
 * waits for the running ones (including commits in flight), aborts open scanners, stops the committer and frees
 * every native handle, then releases the directory lock.
 *
 * Recovery. RocksDB replays its WAL on open. Per-shard sequence counters are recovered lazily, the first time a
 * shard is appended to after open: max(sequence of the shard's last log key, the shard's trim watermark). The
 * watermark (family log_trim) remembers the highest trimmed sequence, so trimming every record never lets the
 * numbering restart. If a write fails, the committer refuses everything afterwards (a later commit would leave a
 * sequence gap); reopening recovers the counters from what is on disk.
 *
 * References. RocksDB wiki: "WriteBatch", "Write Ahead Log", "DeleteRange"; group commit as in InnoDB/Kafka's
 * single-writer log.
 */
public final class RocksDbStorageEngine implements StorageEngine {
    private static final Logger log = LoggerFactory.getLogger(RocksDbStorageEngine.class);

    static final String CF_META = "meta";
    static final String CF_ROWS = "rows";
    static final String CF_LOG = "log";
    static final String CF_LOG_TRIM = "log_trim";

    /** Next sequence state of a shard; guarded by {@code sequenceLock}. */
    private static final class ShardCounter {
        long lastSequence;
    }

    private record ShardId(long tableId, long shardId) {}

    private final Path dataDir;
    private final StorageOptions options;
    private final DataDirLock dirLock;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final List<ColumnFamilyHandle> handles;
    private final RocksDB db;
    private final ColumnFamilyHandle metaCf;
    private final ColumnFamilyHandle rowsCf;
    private final ColumnFamilyHandle logCf;
    private final ColumnFamilyHandle logTrimCf;
    private final ReadOptions readOptions = new ReadOptions();
    private final WriteOptions writeOptions;
    private final GroupCommitter committer;
    private final InFlightGate gate;
    private final RowLocks rowLocks = new RowLocks();
    private final VersionClock versionClock;
    private final List<LogListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<RocksRowScanner> openScanners = ConcurrentHashMap.newKeySet();
    /** Serializes trims so that two never plan deletes of the same records. */
    private final ReentrantLock trimLock = new ReentrantLock();

    /** Open snapshots by id; opened lazily after a restart. Guarded by snapshotLock for create/open/drop. */
    private final Map<String, RocksSnapshot> snapshots = new ConcurrentHashMap<>();
    private final Object snapshotLock = new Object();

    private final Object sequenceLock = new Object();
    /** Guarded by sequenceLock. */
    private final Map<ShardId, ShardCounter> shardCounters = new HashMap<>();
    /**
     * Guarded by sequenceLock. Tables dropped since open: a shard of one without a counter has no record written
     * after the drop, so its numbering restarts at 1 without reading the disk (where the queued drop may not have
     * deleted the old records yet).
     */
    private final Set<Long> droppedTables = new HashSet<>();
    /** Guarded by sequenceLock; commit times never go backwards even if the clock does. */
    private long lastCommitTimeMicros;

    private RocksDbStorageEngine(Path dataDir, StorageOptions options, DataDirLock dirLock, DBOptions dbOptions,
            ColumnFamilyOptions cfOptions, List<ColumnFamilyHandle> handles, RocksDB db) {
        this.dataDir = dataDir;
        this.options = options;
        this.versionClock = new VersionClock(options.clock());
        this.dirLock = dirLock;
        this.dbOptions = dbOptions;
        this.cfOptions = cfOptions;
        this.handles = handles;
        this.db = db;
        this.metaCf = handles.get(1);
        this.rowsCf = handles.get(2);
        this.logCf = handles.get(3);
        this.logTrimCf = handles.get(4);
        this.gate = new InFlightGate(dataDir.toString());
        this.writeOptions = new WriteOptions().setSync(options.syncWrites());
        this.committer = new GroupCommitter(batch -> db.write(writeOptions, batch), new GroupCommitter.DurableListener() {
            @Override
            public void committed(GroupCommitter.PendingCommit commit) {
                notifyListeners(commit, 0, 0);
            }

            @Override
            public void committed(GroupCommitter.PendingCommit commit, long writeStartNanos, long durableNanos) {
                notifyListeners(commit, writeStartNanos, durableNanos);
            }
        },
                dataDir.toString());
    }

    /**
     * Opens (creating if needed) the engine in {@code dataDir}.
     *
     * @throws StorageException if the directory is in use by another engine (in this or another process), cannot be
     *                          created, or RocksDB cannot open it; the message names the directory
     */
    public static RocksDbStorageEngine open(Path dataDir, StorageOptions options) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(options, "options");
        Path dir = dataDir.toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException("cannot create data directory " + dir, e);
        }
        RocksDB.loadLibrary();
        DataDirLock dirLock = DataDirLock.acquire(dir);
        DBOptions dbOptions = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                // the meta and log_trim families are written rarely; without a cap their memtables would pin WAL files
                .setMaxTotalWalSize(256L << 20)
                .setKeepLogFileNum(5);
        ColumnFamilyOptions cfOptions = new ColumnFamilyOptions().setCompressionType(CompressionType.LZ4_COMPRESSION);
        List<ColumnFamilyDescriptor> descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
                new ColumnFamilyDescriptor(CF_META.getBytes(StandardCharsets.UTF_8), cfOptions),
                new ColumnFamilyDescriptor(CF_ROWS.getBytes(StandardCharsets.UTF_8), cfOptions),
                new ColumnFamilyDescriptor(CF_LOG.getBytes(StandardCharsets.UTF_8), cfOptions),
                new ColumnFamilyDescriptor(CF_LOG_TRIM.getBytes(StandardCharsets.UTF_8), cfOptions));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        RocksDB db;
        try {
            db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
        } catch (RocksDBException e) {
            handles.forEach(ColumnFamilyHandle::close);
            cfOptions.close();
            dbOptions.close();
            dirLock.close();
            throw new StorageException("cannot open RocksDB in data directory " + dir + ": " + e.getMessage(), e);
        }
        log.info("Opened storage engine in {} (syncWrites={})", dir, options.syncWrites());
        return new RocksDbStorageEngine(dir, options, dirLock, dbOptions, cfOptions, handles, db);
    }

    /** The absolute data directory. */
    public Path dataDir() {
        return dataDir;
    }

    // ---------------------------------------------------------------- metadata

    @Override
    public Optional<byte[]> getMeta(String key) {
        Objects.requireNonNull(key, "key");
        gate.enter();
        try {
            return Optional.ofNullable(db.get(metaCf, readOptions, key.getBytes(StandardCharsets.UTF_8)));
        } catch (RocksDBException e) {
            throw wrap("read meta key " + key, e);
        } finally {
            gate.exit();
        }
    }

    @Override
    public List<MetaEntry> scanMeta(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        byte[] start = prefix.getBytes(StandardCharsets.UTF_8);
        gate.enter();
        try (RocksIterator it = db.newIterator(metaCf, readOptions)) {
            List<MetaEntry> entries = new ArrayList<>();
            for (it.seek(start); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (!KeyLayout.startsWith(key, start)) {
                    break;
                }
                entries.add(new MetaEntry(new String(key, StandardCharsets.UTF_8), it.value()));
            }
            checkStatus(it, "scan meta prefix " + prefix);
            return entries;
        } finally {
            gate.exit();
        }
    }

    @Override
    public void writeMeta(MetaBatch batch) {
        Objects.requireNonNull(batch, "batch");
        committer.refuseCommitterThread();
        if (batch.isEmpty()) {
            return;
        }
        WriteOps ops = new WriteOps();
        for (MetaBatch.Op op : batch.ops()) {
            byte[] key = op.key().getBytes(StandardCharsets.UTF_8);
            if (op.value() == null) {
                ops.delete(metaCf, key);
            } else {
                ops.put(metaCf, key, op.value());
            }
        }
        gate.enter();
        try {
            await(submit(ops, null).done());
        } finally {
            gate.exit();
        }
    }

    // ---------------------------------------------------------------- rows

    @Override
    public Optional<StoredRow> readRow(long tableId, byte[] rowKey, ReadSpec spec) {
        Objects.requireNonNull(rowKey, "rowKey");
        CellSelector.validate(spec);
        byte[] rowPrefix = KeyLayout.rowPrefix(tableId, rowKey);
        gate.enter();
        try (RocksIterator it = db.newIterator(rowsCf, readOptions)) {
            return Optional.ofNullable(seekRow(it, rowPrefix, spec));
        } finally {
            gate.exit();
        }
    }

    @Override
    public RowScanner scan(long tableId, ScanRange range, ReadSpec spec) {
        return RocksRowScanner.open(db, rowsCf, readOptions, gate, openScanners, tableId, range, spec);
    }

    @Override
    public <T> MutationResult<T> mutateRow(long tableId, byte[] rowKey, RowDecider<T> decider) {
        Objects.requireNonNull(rowKey, "rowKey");
        Objects.requireNonNull(decider, "decider");
        committer.refuseCommitterThread();
        byte[] key = rowKey.clone();
        byte[] rowPrefix = KeyLayout.rowPrefix(tableId, key);
        gate.enter();
        try {
            RowLocks.Held rowLock = rowLocks.lock(tableId, key);
            try {
                PlannedRow<T> row = planLocked(tableId, key, rowPrefix, readAllCells(rowPrefix), decider);
                if (row.isNoop()) {
                    return new MutationResult<>(row.result(), -1, nextCommitTimeMicros());
                }
                if (row.append() == null) {
                    long commitTime = writeDirect(row.ops()); // no log order to keep: written by this thread
                    return new MutationResult<>(row.result(), -1, commitTime);
                }
                Submitted submitted = submit(row.ops(), row.append());
                await(submitted.done()); // the row stays locked until the write is durable
                return new MutationResult<>(row.result(), submitted.sequence(), submitted.commitTimeMicros());
            } finally {
                rowLock.close();
            }
        } finally {
            gate.exit();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Implementation: the batch is cut into segments without repeated keys. For each segment the rows are locked
     * (exact row locks, in ascending key order), every row is read (one iterator for the segment, rows in key order,
     * seeking only where the iterator is not already there) and decided in list order, and
     * only then are all the segment's commits queued at once, so the committer merges them into as few WriteBatches
     * (and WAL syncs) as it can, together with the commits of concurrent batches of other rows; the rows are
     * unlocked once every commit of the segment is durable.
     */
    @Override
    public <T> List<RowBatchOutcome<T>> mutateRows(long tableId, List<RowBatchEntry<T>> entries) {
        Objects.requireNonNull(entries, "entries");
        committer.refuseCommitterThread();
        List<RowBatchOutcome<T>> outcomes = new ArrayList<>(entries.size());
        List<byte[]> keys = new ArrayList<>(entries.size());
        for (RowBatchEntry<T> entry : entries) {
            keys.add(entry.rowKey()); // a copy: taken once per row
        }
        gate.enter();
        try {
            int start = 0;
            while (start < entries.size()) {
                int end = segmentEnd(keys, start);
                mutateSegment(tableId, entries.subList(start, end), keys.subList(start, end), outcomes);
                start = end;
            }
            return outcomes;
        } finally {
            gate.exit();
        }
    }

    /** End (exclusive) of the longest run from {@code start} in which no row key repeats. */
    private static int segmentEnd(List<byte[]> keys, int start) {
        Set<java.nio.ByteBuffer> seen = new HashSet<>();
        int i = start;
        while (i < keys.size() && seen.add(java.nio.ByteBuffer.wrap(keys.get(i)))) {
            i++;
        }
        return i;
    }

    /** A decided row waiting to be written: its writes, its log record (or null) and the decider's result. */
    private record PlannedRow<T>(T result, WriteOps ops, LogAppend append) {
        /** Nothing to write (the decision changed nothing and logs nothing). */
        boolean isNoop() {
            return ops.isEmpty() && append == null;
        }
    }

    /**
     * Decides a locked row from its current cells and plans its writes (the same for {@code mutateRow} and every row
     * of {@code mutateRows}). A decider failure, or an invalid mutation, propagates.
     */
    private <T> PlannedRow<T> planLocked(long tableId, byte[] key, byte[] rowPrefix, List<StoredCell> current,
            RowDecider<T> decider) {
        RowDecider.Decision<T> decision = decideLocked(decider, key, current);
        Objects.requireNonNull(decision, "decider returned null");
        WriteOps ops = new WriteOps();
        if (decision.mutation() != null) {
            MutationPlanner.plan(rowsCf, rowPrefix, current, decision.mutation(), ops);
        }
        LogAppend append = decision.logRecord() == null
                ? null
                : new LogAppend(tableId, decision.shardId(), decision.logRecord().clone());
        return new PlannedRow<>(decision.result(), ops, append);
    }

    private <T> void mutateSegment(long tableId, List<RowBatchEntry<T>> segment, List<byte[]> keys,
            List<RowBatchOutcome<T>> outcomes) {
        RowLocks.Held held = rowLocks.lockAll(tableId, keys);
        try {
            // 1. read every row (all are locked, so what they read stays current until their commit), then decide
            // them in list order; one iterator, created after the locks were taken, serves every row: its implicit
            // snapshot holds every durable commit of these rows, since a row is unlocked only once its commit is durable
            byte[][] prefixes = new byte[segment.size()][];
            for (int i = 0; i < segment.size(); i++) {
                prefixes[i] = KeyLayout.rowPrefix(tableId, keys.get(i));
            }
            List<List<StoredCell>> currents;
            try (RocksIterator it = db.newIterator(rowsCf, readOptions)) {
                currents = readRowsInKeyOrder(it, prefixes);
            }
            List<Object> planned = new ArrayList<>(segment.size()); // PlannedRow or RuntimeException
            for (int i = 0; i < segment.size(); i++) {
                try {
                    planned.add(planLocked(tableId, keys.get(i), prefixes[i], currents.get(i), segment.get(i).decider()));
                } catch (StorageException e) {
                    throw e;
                } catch (RuntimeException e) {
                    planned.add(e);
                }
            }
            // 2. queue every commit with a log record back to back (one hold of the sequence lock), so that they
            // share WriteBatches and WAL syncs; write the rows without one here, in one WriteBatch (see the class
            // notes: RocksDB merges it with other callers' writes)
            List<Submitted> submitted = new ArrayList<>(java.util.Collections.nCopies(planned.size(), null));
            WriteOps direct = new WriteOps();
            boolean[] written = new boolean[planned.size()];
            boolean anyLogged = false;
            for (int i = 0; i < planned.size(); i++) {
                if (planned.get(i) instanceof PlannedRow<?> row && !row.isNoop()) {
                    if (row.append() == null) {
                        direct.addAll(row.ops());
                        written[i] = true;
                    } else {
                        anyLogged = true;
                    }
                }
            }
            if (anyLogged) { // a batch without log records (no stream) never takes the engine-wide sequence lock
                synchronized (sequenceLock) {
                    for (int i = 0; i < planned.size(); i++) {
                        if (planned.get(i) instanceof PlannedRow<?> row && row.append() != null) {
                            submitted.set(i, submit(row.ops(), row.append()));
                        }
                    }
                }
            }
            long directCommitTime = direct.isEmpty() ? -1 : writeDirect(direct);
            // 3. wait until all are durable, then report in order
            for (int i = 0; i < planned.size(); i++) {
                Object p = planned.get(i);
                Submitted s = submitted.get(i);
                if (p instanceof RuntimeException failure) {
                    outcomes.add(RowBatchOutcome.failed(failure));
                    continue;
                }
                @SuppressWarnings("unchecked")
                PlannedRow<T> row = (PlannedRow<T>) p;
                if (written[i]) {
                    outcomes.add(RowBatchOutcome.succeeded(new MutationResult<>(row.result(), -1, directCommitTime)));
                } else if (s == null) {
                    outcomes.add(RowBatchOutcome.succeeded(
                            new MutationResult<>(row.result(), -1, nextCommitTimeMicros())));
                } else {
                    await(s.done());
                    outcomes.add(RowBatchOutcome.succeeded(
                            new MutationResult<>(row.result(), s.sequence(), s.commitTimeMicros())));
                }
            }
        } finally {
            held.close();
        }
    }

    /**
     * Asks the decider of a locked row, with the row's version time by the {@link VersionClock} rule (this engine
     * deletes versions physically, so it keeps no delete markers to count).
     */
    private <T> RowDecider.Decision<T> decideLocked(RowDecider<T> decider, byte[] key, List<StoredCell> cells) {
        Optional<StoredRow> current = cells.isEmpty()
                ? Optional.empty() : Optional.of(new StoredRow(key.clone(), cells));
        return decider.decide(current, versionClock.versionMillis(current));
    }

    /** All versions of all columns of a row, in stored order. */
    private List<StoredCell> readAllCells(byte[] rowPrefix) {
        try (RocksIterator it = db.newIterator(rowsCf, readOptions)) {
            return readAllCells(it, rowPrefix);
        }
    }

    /**
     * The current cells (all versions) of the rows with these row prefixes (distinct), read with one iterator in
     * ascending key order, seeking only where needed: after a row is read (or found absent) the iterator rests on the
     * first key after it, and when that key is at or after the next row's prefix there is no key between the two, so
     * the next row starts exactly there (its cells are read on without a seek) or is absent. A batch of new rows in
     * key order (an ingest) costs one seek instead of one per row; rows far apart still get one seek each.
     *
     * @return the cells of each row, index for index with {@code prefixes}
     */
    private List<List<StoredCell>> readRowsInKeyOrder(RocksIterator it, byte[][] prefixes) {
        Integer[] order = new Integer[prefixes.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(prefixes[a], prefixes[b]));
        List<List<StoredCell>> cells = new ArrayList<>(java.util.Collections.nCopies(prefixes.length, null));
        boolean positioned = false;
        byte[] at = null; // the key the iterator rests on; null once it ran past the last key
        for (int index : order) {
            byte[] rowPrefix = prefixes[index];
            if (!positioned || (at != null && Arrays.compareUnsigned(at, rowPrefix) < 0)) {
                it.seek(rowPrefix);
                positioned = true;
                at = currentKey(it);
            }
            // here `at` is the first key >= rowPrefix (prefixes are prefix-free: a row's keys are contiguous)
            if (at != null && KeyLayout.startsWith(at, rowPrefix)) {
                StoredRow row = RowReader.readForward(it, ReadSpec.allVersions());
                cells.set(index, row == null ? List.of() : row.cells());
                at = currentKey(it);
            } else {
                cells.set(index, List.of());
            }
        }
        return cells;
    }

    /** The key the iterator is on, or null when it is past the last key (a failed iterator throws). */
    private byte[] currentKey(RocksIterator it) {
        if (it.isValid()) {
            return it.key();
        }
        checkStatus(it, "read row");
        return null;
    }

    /** {@link #readAllCells(byte[])} with an iterator of the caller's over the rows family (re-positioned). */
    private List<StoredCell> readAllCells(RocksIterator it, byte[] rowPrefix) {
        StoredRow row = seekRow(it, rowPrefix, ReadSpec.allVersions());
        return row == null ? List.of() : row.cells();
    }

    /** The row with this prefix, with the cells {@code spec} selects, or null: one seek of the caller's iterator. */
    private StoredRow seekRow(RocksIterator it, byte[] rowPrefix, ReadSpec spec) {
        it.seek(rowPrefix);
        byte[] at = currentKey(it);
        return at != null && KeyLayout.startsWith(at, rowPrefix) ? RowReader.readForward(it, spec) : null;
    }

    @Override
    public void dropTable(long tableId) {
        committer.refuseCommitterThread();
        byte[] tablePrefix = KeyLayout.tablePrefix(tableId);
        byte[] afterTable = KeyLayout.prefixSuccessor(tablePrefix);
        gate.enter();
        try {
            WriteOps ops = new WriteOps();
            for (ColumnFamilyHandle family : List.of(rowsCf, logCf, logTrimCf)) {
                if (afterTable != null) {
                    ops.deleteRange(family, tablePrefix, afterTable);
                } else {
                    deleteEachKeyWithPrefix(family, tablePrefix, ops); // the table id is all 0xFF: no upper key
                }
            }
            CompletableFuture<Void> done;
            synchronized (sequenceLock) {
                // the drop is queued behind every append already numbered, so it deletes them too
                shardCounters.keySet().removeIf(shard -> shard.tableId() == tableId);
                droppedTables.add(tableId);
                done = committer.enqueue(ops, null);
            }
            await(done);
            log.info("Dropped table {} from {}", tableId, dataDir);
        } finally {
            gate.exit();
        }
    }

    private void deleteEachKeyWithPrefix(ColumnFamilyHandle family, byte[] prefix, WriteOps ops) {
        try (RocksIterator it = db.newIterator(family, readOptions)) {
            for (it.seek(prefix); it.isValid() && KeyLayout.startsWith(it.key(), prefix); it.next()) {
                ops.delete(family, it.key());
            }
            checkStatus(it, "list keys to drop");
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>This engine counts the key and value bytes of the range's cells (cost linear in the range). The result is
     * exact for the logical data and approximate for the files (compression, tombstones).
     */
    @Override
    public long approximateSize(long tableId, ScanRange range) {
        long[] total = {0};
        walkRange(tableId, range, (rowKey, bytes) -> {
            total[0] += bytes;
            return true;
        });
        return total[0];
    }

    /**
     * {@inheritDoc}
     *
     * <p>Each split key is the first row key after a piece reached {@code targetBytes} (counted as in
     * {@link #approximateSize}), so it is a real row key strictly inside the range.
     */
    @Override
    public List<byte[]> splitKeys(long tableId, ScanRange range, long targetBytes) {
        if (targetBytes <= 0) {
            throw new IllegalArgumentException("targetBytes must be positive: " + targetBytes);
        }
        List<byte[]> splits = new ArrayList<>();
        long[] piece = {0};
        boolean[] firstRow = {true};
        walkRange(tableId, range, (rowKey, bytes) -> {
            if (!firstRow[0] && piece[0] >= targetBytes) {
                splits.add(rowKey);
                piece[0] = 0;
            }
            firstRow[0] = false;
            piece[0] += bytes;
            return true;
        });
        return splits;
    }

    /** Below this estimated size a range is split by walking its rows (exact and cheap enough). */
    static final long ESTIMATE_SPLIT_MIN_BYTES = 16L << 20;

    /**
     * {@inheritDoc}
     *
     * <p>Ranges RocksDB estimates at less than {@link #ESTIMATE_SPLIT_MIN_BYTES} (or 4 × the target) are split by
     * {@link #splitKeys} (every row visited). Larger ones: {@code getApproximateSizes} (SST index blocks and
     * memtables, on-disk bytes) gives the total; each cut is found by bisecting the key space for the key where the
     * estimated size from the range start reaches i × total / pieces, then moved to the first real row key at or
     * after it. That costs some 50 size estimates and one seek per cut instead of reading the whole range.
     */
    @Override
    public List<byte[]> estimatedSplitKeys(long tableId, ScanRange range, long targetBytes) {
        if (targetBytes <= 0) {
            throw new IllegalArgumentException("targetBytes must be positive: " + targetBytes);
        }
        Objects.requireNonNull(range, "range");
        byte[] tablePrefix = KeyLayout.tablePrefix(tableId);
        byte[] lower = range.startInclusive() == null ? tablePrefix
                : KeyLayout.rowPrefix(tableId, range.startInclusive());
        byte[] upper = range.endExclusive() == null ? KeyLayout.prefixSuccessor(tablePrefix)
                : KeyLayout.rowPrefix(tableId, range.endExclusive());
        gate.enter();
        try {
            long total = estimatedBytes(lower, upper);
            if (total < ESTIMATE_SPLIT_MIN_BYTES || total < 4 * targetBytes) {
                return splitKeys(tableId, range, targetBytes);
            }
            int pieces = (int) Math.min(100_000, Math.max(1, Math.round((double) total / targetBytes)));
            List<byte[]> cuts = new ArrayList<>();
            byte[] previous = range.startInclusive();
            try (RocksIterator it = db.newIterator(rowsCf, readOptions)) {
                // bisect between the first and the last real key: keys of a table share long prefixes (table id,
                // escaped leading zero bytes of integer keys), so the bounds' common prefix is never searched
                it.seek(lower);
                if (!it.isValid() || Arrays.compareUnsigned(it.key(), upper) >= 0) {
                    checkStatus(it, "estimate split keys of table " + tableId);
                    return cuts;
                }
                byte[] firstKey = it.key();
                it.seekForPrev(upper);
                while (it.isValid() && Arrays.compareUnsigned(it.key(), upper) >= 0) {
                    it.prev();
                }
                if (!it.isValid()) {
                    checkStatus(it, "estimate split keys of table " + tableId);
                    return cuts;
                }
                byte[] lastKey = it.key();
                int width = Math.max(firstKey.length, lastKey.length) + 1;
                java.math.BigInteger lo = keyNumber(firstKey, width);
                java.math.BigInteger hi = keyNumber(lastKey, width);
                int maxSteps = 8 * width + 8;
                for (int i = 1; i < pieces; i++) {
                    long want = total / pieces * i;
                    java.math.BigInteger a = lo;
                    java.math.BigInteger b = hi;
                    for (int step = 0; step < maxSteps && b.subtract(a).compareTo(java.math.BigInteger.ONE) > 0;
                            step++) {
                        java.math.BigInteger mid = a.add(b).shiftRight(1);
                        if (estimatedBytes(lower, keyBytes(mid, width)) < want) {
                            a = mid;
                        } else {
                            b = mid;
                        }
                    }
                    it.seek(keyBytes(b, width));
                    if (!it.isValid() || Arrays.compareUnsigned(it.key(), upper) >= 0) {
                        break;
                    }
                    byte[] rowKey = KeyLayout.decodeCell(it.key()).rowKey();
                    if (previous != null && Arrays.compareUnsigned(rowKey, previous) <= 0) {
                        continue;  // two cuts landed in one row (or at the start): keep the first
                    }
                    cuts.add(rowKey);
                    previous = rowKey;
                }
                checkStatus(it, "estimate split keys of table " + tableId);
            }
            return cuts;
        } finally {
            gate.exit();
        }
    }

    /** RocksDB's estimate of the on-disk bytes of the rows family in [from, to) (files and memtables). */
    private long estimatedBytes(byte[] from, byte[] to) {
        try (org.rocksdb.Slice start = new org.rocksdb.Slice(from); org.rocksdb.Slice limit = new org.rocksdb.Slice(to)) {
            long[] sizes = db.getApproximateSizes(rowsCf, List.of(new org.rocksdb.Range(start, limit)),
                    org.rocksdb.SizeApproximationFlag.INCLUDE_FILES, org.rocksdb.SizeApproximationFlag.INCLUDE_MEMTABLES);
            return sizes[0];
        }
    }

    /** A key as a fixed-width unsigned number (zero-padded on the right), so keys can be bisected. */
    private static java.math.BigInteger keyNumber(byte[] key, int width) {
        return new java.math.BigInteger(1, Arrays.copyOf(key, width));
    }

    private static byte[] keyBytes(java.math.BigInteger n, int width) {
        byte[] raw = n.toByteArray();
        byte[] out = new byte[width];
        int copy = Math.min(raw.length, width);
        System.arraycopy(raw, raw.length - copy, out, width - copy, copy);
        return out;
    }

    /** Receives each row of a range walk with its size in bytes; returns false to stop. */
    private interface RowSizeVisitor {
        boolean visit(byte[] rowKey, long bytes);
    }

    /** Visits the rows of a range in ascending order (ignoring {@code range.reverse()}) with their byte sizes. */
    private void walkRange(long tableId, ScanRange range, RowSizeVisitor visitor) {
        Objects.requireNonNull(range, "range");
        byte[] tablePrefix = KeyLayout.tablePrefix(tableId);
        byte[] lower = range.startInclusive() == null ? tablePrefix
                : KeyLayout.rowPrefix(tableId, range.startInclusive());
        byte[] upper = range.endExclusive() == null ? null : KeyLayout.rowPrefix(tableId, range.endExclusive());
        gate.enter();
        try (RocksIterator it = db.newIterator(rowsCf, readOptions)) {
            byte[] rowKey = null;
            byte[] rowPrefix = null;
            int rowPrefixLength = 0;
            long rowBytes = 0;
            for (it.seek(lower); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (!KeyLayout.startsWith(key, tablePrefix)
                        || (upper != null && Arrays.compareUnsigned(key, upper) >= 0)) {
                    break;
                }
                if (rowPrefix == null || !KeyLayout.startsWith(key, rowPrefix, rowPrefixLength)) {
                    if (rowKey != null && !visitor.visit(rowKey, rowBytes)) {
                        return;
                    }
                    KeyLayout.DecodedCell cell = KeyLayout.decodeCell(key);
                    rowKey = cell.rowKey();
                    rowPrefix = key;
                    rowPrefixLength = cell.rowPrefixLength();
                    rowBytes = 0;
                }
                rowBytes += key.length + it.value().length;
            }
            checkStatus(it, "walk rows of table " + tableId);
            if (rowKey != null) {
                visitor.visit(rowKey, rowBytes);
            }
        } finally {
            gate.exit();
        }
    }

    // ---------------------------------------------------------------- change log

    @Override
    public List<LogRecord> readLog(long tableId, long shardId, long fromSeq, int maxRecords, long maxBytes) {
        if (maxRecords < 1) {
            throw new IllegalArgumentException("maxRecords must be at least 1: " + maxRecords);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1: " + maxBytes);
        }
        byte[] shardPrefix = KeyLayout.shardPrefix(tableId, shardId);
        gate.enter();
        try (RocksIterator it = db.newIterator(logCf, readOptions)) {
            List<LogRecord> records = new ArrayList<>();
            long bytes = 0;
            for (it.seek(KeyLayout.logKey(tableId, shardId, Math.max(fromSeq, 0))); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (!KeyLayout.startsWith(key, shardPrefix)) {
                    break;
                }
                byte[] value = it.value();
                byte[] payload = KeyLayout.logValuePayload(value);
                records.add(new LogRecord(tableId, shardId, KeyLayout.logKeySequence(key),
                        KeyLayout.logValueCommitTime(value), payload));
                bytes += payload.length;
                if (records.size() >= maxRecords || bytes >= maxBytes) {
                    break;
                }
            }
            checkStatus(it, "read log of table " + tableId + " shard " + shardId);
            return records;
        } finally {
            gate.exit();
        }
    }

    @Override
    public LogBounds logBounds(long tableId, long shardId) {
        byte[] shardPrefix = KeyLayout.shardPrefix(tableId, shardId);
        gate.enter();
        try (RocksIterator it = db.newIterator(logCf, readOptions)) {
            it.seek(shardPrefix);
            if (!it.isValid() || !KeyLayout.startsWith(it.key(), shardPrefix)) {
                checkStatus(it, "read log bounds");
                return new LogBounds(0, 0);
            }
            long first = KeyLayout.logKeySequence(it.key());
            it.seekForPrev(KeyLayout.logKey(tableId, shardId, Long.MAX_VALUE));
            checkStatus(it, "read log bounds");
            long last = KeyLayout.logKeySequence(it.key());
            return new LogBounds(first, last);
        } finally {
            gate.exit();
        }
    }

    @Override
    public long trimmedThrough(long tableId, long shardId) {
        gate.enter();
        try {
            byte[] watermark = db.get(logTrimCf, readOptions, KeyLayout.shardPrefix(tableId, shardId));
            return watermark == null ? 0 : KeyLayout.getLong(watermark, 0);
        } catch (RocksDBException e) {
            throw wrap("read trim watermark of table " + tableId + " shard " + shardId, e);
        } finally {
            gate.exit();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Commit times never decrease along a shard's sequence, so the trimmed records are a prefix of the shard. The
     * highest trimmed sequence is remembered, so sequence numbers keep growing even when every record was trimmed.
     */
    @Override
    public long trimLog(long tableId, long shardId, long commitTimeMicros) {
        committer.refuseCommitterThread();
        byte[] shardPrefix = KeyLayout.shardPrefix(tableId, shardId);
        gate.enter();
        trimLock.lock();
        try {
            long first = -1;
            long last = -1;
            long count = 0;
            try (RocksIterator it = db.newIterator(logCf, readOptions)) {
                for (it.seek(shardPrefix); it.isValid(); it.next()) {
                    byte[] key = it.key();
                    if (!KeyLayout.startsWith(key, shardPrefix)
                            || KeyLayout.logValueCommitTime(it.value()) >= commitTimeMicros) {
                        break;
                    }
                    long sequence = KeyLayout.logKeySequence(key);
                    if (first < 0) {
                        first = sequence;
                    }
                    last = sequence;
                    count++;
                }
                checkStatus(it, "scan log to trim");
            }
            if (count == 0) {
                return 0;
            }
            WriteOps ops = new WriteOps()
                    .deleteRange(logCf, KeyLayout.logKey(tableId, shardId, first),
                            KeyLayout.logKey(tableId, shardId, last + 1))
                    .put(logTrimCf, shardPrefix, KeyLayout.longBytes(last));
            await(submit(ops, null).done());
            return count;
        } finally {
            trimLock.unlock();
            gate.exit();
        }
    }

    @Override
    public void addLogListener(LogListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Runs on the committer thread once a commit is durable. Listener failures are logged and isolated. */
    private void notifyListeners(GroupCommitter.PendingCommit commit, long writeStartNanos, long durableNanos) {
        GroupCommitter.AppendedRecord appended = commit.appended();
        if (appended == null) {
            return;
        }
        for (LogListener listener : listeners) {
            try {
                listener.appended(appended.tableId(), appended.shardId(), appended.sequence(), writeStartNanos,
                        durableNanos);
            } catch (Throwable t) {
                log.error("Log listener {} failed for table {} shard {} sequence {}; ignored", listener,
                        appended.tableId(), appended.shardId(), appended.sequence(), t);
            }
        }
    }

    // ---------------------------------------------------------------- durable snapshots

    private static final Pattern SNAPSHOT_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final String SNAPSHOTS_DIR = "snapshots";
    /** Written into a snapshot directory before it is renamed into place: its creation time in ms. */
    private static final String SNAPSHOT_STAMP = "TUNNELSTORE_SNAPSHOT";
    private static final String INCOMPLETE_SUFFIX = ".incomplete";

    @Override
    public boolean supportsSnapshots() {
        return true;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A RocksDB checkpoint (see {@link RocksSnapshot} for its costs), written to {@code <id>.incomplete} and
     * renamed into place once complete, so a crash never leaves a half snapshot under a valid id.
     */
    @Override
    public StorageSnapshot createSnapshot(String id) {
        checkSnapshotId(id);
        gate.enter();
        try {
            synchronized (snapshotLock) {
                Path root = dataDir.resolve(SNAPSHOTS_DIR);
                Path dir = root.resolve(id);
                if (Files.exists(dir)) {
                    throw new IllegalArgumentException("snapshot " + id + " already exists");
                }
                Path incomplete = root.resolve(id + INCOMPLETE_SUFFIX);
                long createdAt = options.clock().millis();
                try {
                    Files.createDirectories(root);
                    deleteTree(incomplete);
                    try (Checkpoint checkpoint = Checkpoint.create(db)) {
                        checkpoint.createCheckpoint(incomplete.toString());
                    }
                    Files.writeString(incomplete.resolve(SNAPSHOT_STAMP), Long.toString(createdAt));
                    Files.move(incomplete, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (RocksDBException | IOException e) {
                    deleteTreeQuietly(incomplete);
                    throw new StorageException("cannot create snapshot " + id + " in " + dataDir + ": "
                            + e.getMessage(), e);
                }
                RocksSnapshot snapshot = openSnapshot(id, dir);
                snapshots.put(id, snapshot);
                log.info("Created snapshot {} in {}", id, dir);
                return snapshot;
            }
        } finally {
            gate.exit();
        }
    }

    @Override
    public Optional<StorageSnapshot> snapshot(String id) {
        if (!SNAPSHOT_ID.matcher(id).matches()) {
            return Optional.empty();
        }
        RocksSnapshot open = snapshots.get(id);
        if (open != null) {
            return Optional.of(open);
        }
        gate.enter();
        try {
            synchronized (snapshotLock) {
                open = snapshots.get(id);
                if (open != null) {
                    return Optional.of(open);
                }
                Path dir = dataDir.resolve(SNAPSHOTS_DIR).resolve(id);
                if (!Files.isRegularFile(dir.resolve(SNAPSHOT_STAMP))) {
                    return Optional.empty();
                }
                RocksSnapshot snapshot = openSnapshot(id, dir);
                snapshots.put(id, snapshot);
                return Optional.of(snapshot);
            }
        } finally {
            gate.exit();
        }
    }

    @Override
    public List<String> snapshotIds() {
        Path root = dataDir.resolve(SNAPSHOTS_DIR);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                if (!name.endsWith(INCOMPLETE_SUFFIX) && Files.isRegularFile(d.resolve(SNAPSHOT_STAMP))) {
                    ids.add(name);
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot list the snapshots in " + root + ": " + e.getMessage(), e);
        }
        ids.sort(Comparator.naturalOrder());
        return ids;
    }

    @Override
    public void dropSnapshot(String id) {
        if (!SNAPSHOT_ID.matcher(id).matches()) {
            return;
        }
        gate.enter();
        try {
            synchronized (snapshotLock) {
                RocksSnapshot open = snapshots.remove(id);
                if (open != null) {
                    open.close();
                }
                Path dir = dataDir.resolve(SNAPSHOTS_DIR).resolve(id);
                if (Files.exists(dir)) {
                    try {
                        // the stamp goes first: a crash half-way leaves a directory that is no longer a snapshot
                        Files.deleteIfExists(dir.resolve(SNAPSHOT_STAMP));
                        deleteTree(dir);
                    } catch (IOException e) {
                        throw new StorageException("cannot delete snapshot " + id + " in " + dataDir + ": "
                                + e.getMessage(), e);
                    }
                    log.info("Dropped snapshot {} from {}", id, dataDir);
                }
            }
        } finally {
            gate.exit();
        }
    }

    /** Guarded by snapshotLock. */
    private RocksSnapshot openSnapshot(String id, Path dir) {
        long createdAt;
        try {
            createdAt = Long.parseLong(Files.readString(dir.resolve(SNAPSHOT_STAMP)).trim());
        } catch (IOException | NumberFormatException e) {
            throw new StorageException("snapshot " + id + " in " + dataDir + " is unreadable: " + e.getMessage(), e);
        }
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
        for (String family : List.of(CF_META, CF_ROWS, CF_LOG, CF_LOG_TRIM)) {
            descriptors.add(new ColumnFamilyDescriptor(family.getBytes(StandardCharsets.UTF_8), cfOptions));
        }
        List<ColumnFamilyHandle> snapshotHandles = new ArrayList<>();
        try {
            RocksDB readOnly = RocksDB.openReadOnly(dbOptions, dir.toString(), descriptors, snapshotHandles);
            return new RocksSnapshot(id, createdAt, dir, readOnly, snapshotHandles);
        } catch (RocksDBException e) {
            snapshotHandles.forEach(ColumnFamilyHandle::close);
            throw new StorageException("cannot open snapshot " + id + " in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static void checkSnapshotId(String id) {
        if (id == null || !SNAPSHOT_ID.matcher(id).matches() || id.endsWith(INCOMPLETE_SUFFIX)) {
            throw new IllegalArgumentException("bad snapshot id (letters, digits, . _ -; 1 to 128 chars): " + id);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void deleteTreeQuietly(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            log.warn("Could not delete {}", dir, e);
        }
    }

    // ---------------------------------------------------------------- commit path

    private record LogAppend(long tableId, long shardId, byte[] payload) {}

    private record Submitted(CompletableFuture<Void> done, long sequence, long commitTimeMicros) {}

    /**
     * Numbers and queues a commit. Taking the commit time and the sequence and queueing happen under one lock, so
     * the committer (which writes in queue order) keeps each shard's commit order equal to its sequence order and
     * commit times non-decreasing along it.
     */
    private Submitted submit(WriteOps ops, LogAppend append) {
        synchronized (sequenceLock) {
            committer.checkHealthy();
            long commitTime = nextCommitTimeMicros();
            if (append == null) {
                return new Submitted(committer.enqueue(ops, null), -1, commitTime);
            }
            ShardCounter counter = counterOf(append.tableId(), append.shardId());
            long sequence = counter.lastSequence + 1;
            ops.put(logCf, KeyLayout.logKey(append.tableId(), append.shardId(), sequence),
                    KeyLayout.logValue(commitTime, append.payload()));
            CompletableFuture<Void> done = committer.enqueue(ops,
                    new GroupCommitter.AppendedRecord(append.tableId(), append.shardId(), sequence));
            counter.lastSequence = sequence;
            return new Submitted(done, sequence, commitTime);
        }
    }

    /**
     * Writes row commits that append no log record from the calling thread ({@code db.write} with the engine's sync
     * option, so durable on return when syncWrites), bypassing the committer: they need no order beyond their row
     * locks, and RocksDB's write group merges concurrent callers into one WAL sync.
     *
     * @return the commit time of the write
     */
    private long writeDirect(WriteOps ops) {
        committer.checkHealthy();
        long commitTime = nextCommitTimeMicros();
        try (WriteBatch batch = new WriteBatch()) {
            ops.applyTo(batch);
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw wrap("write rows", e);
        }
        return commitTime;
    }

    /** Guarded by sequenceLock. Loads the shard's counter from disk the first time it is used after open. */
    private ShardCounter counterOf(long tableId, long shardId) {
        ShardId id = new ShardId(tableId, shardId);
        ShardCounter counter = shardCounters.get(id);
        if (counter == null) {
            counter = new ShardCounter();
            counter.lastSequence = droppedTables.contains(tableId) ? 0 : recoverLastSequence(tableId, shardId);
            shardCounters.put(id, counter);
        }
        return counter;
    }

    private long recoverLastSequence(long tableId, long shardId) {
        byte[] shardPrefix = KeyLayout.shardPrefix(tableId, shardId);
        long last = 0;
        try (RocksIterator it = db.newIterator(logCf, readOptions)) {
            it.seekForPrev(KeyLayout.logKey(tableId, shardId, Long.MAX_VALUE));
            if (it.isValid() && KeyLayout.startsWith(it.key(), shardPrefix)) {
                last = KeyLayout.logKeySequence(it.key());
            }
            checkStatus(it, "recover sequence of table " + tableId + " shard " + shardId);
        }
        try {
            byte[] watermark = db.get(logTrimCf, readOptions, shardPrefix);
            if (watermark != null) {
                last = Math.max(last, KeyLayout.getLong(watermark, 0));
            }
        } catch (RocksDBException e) {
            throw wrap("read trim watermark of table " + tableId + " shard " + shardId, e);
        }
        return last;
    }

    /** Clock time in microseconds, never below the previous commit time. */
    private long nextCommitTimeMicros() {
        synchronized (sequenceLock) {
            Instant now = options.clock().instant();
            long micros = Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000);
            lastCommitTimeMicros = Math.max(lastCommitTimeMicros, micros);
            return lastCommitTimeMicros;
        }
    }

    /** Waits (uninterruptibly: the write cannot be recalled) for a commit, unwrapping its failure. */
    private static void await(CompletableFuture<Void> done) {
        try {
            done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StorageException storage) {
                throw new StorageException(storage.getMessage(), storage);
            }
            throw new StorageException("commit failed", e.getCause());
        }
    }

    private StorageException wrap(String action, RocksDBException e) {
        return new StorageException("cannot " + action + " in " + dataDir + ": " + e.getMessage(), e);
    }

    private void checkStatus(RocksIterator it, String action) {
        try {
            it.status();
        } catch (RocksDBException e) {
            throw wrap(action, e);
        }
    }

    /** Rows locked right now (tests of this package: every lock is released). */
    int rowLocksHeld() {
        return rowLocks.lockedRows();
    }

    /** The group committer, exposed to tests of this package to observe grouping. */
    GroupCommitter committer() {
        return committer;
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Waits for running calls and in-flight commits, aborts open scanners (their next {@code hasNext} throws), stops
     * the committer, closes every native handle and releases the directory lock. Idempotent; calls after it throw
     * {@link StorageException}.
     */
    @Override
    public synchronized void close() {
        if (!gate.close()) {
            return;
        }
        for (RocksRowScanner scanner : List.copyOf(openScanners)) {
            scanner.abort();
        }
        synchronized (snapshotLock) {
            snapshots.values().forEach(RocksSnapshot::close);
            snapshots.clear();
        }
        committer.close();
        try {
            if (!options.syncWrites()) {
                db.flushWal(/* sync= */ true);
            }
        } catch (RocksDBException e) {
            log.warn("Could not sync the WAL of {} while closing", dataDir, e);
        } finally {
            readOptions.close();
            writeOptions.close();
            handles.forEach(ColumnFamilyHandle::close);
            try {
                db.closeE();
            } catch (RocksDBException e) {
                log.warn("RocksDB reported an error while closing {}", dataDir, e);
            }
            cfOptions.close();
            dbOptions.close();
            dirLock.close();
        }
        log.info("Closed storage engine in {}", dataDir);
    }
}
