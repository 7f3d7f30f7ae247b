package io.tunnelstore.server.table;

import io.tunnelstore.storage.LogBounds;
import io.tunnelstore.storage.LogListener;
import io.tunnelstore.storage.LogRecord;
import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.MetaEntry;
import io.tunnelstore.storage.MutationResult;
import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.RowDecider;
import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.RowScanner;
import io.tunnelstore.storage.ScanRange;
import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StoredCell;
import io.tunnelstore.storage.StoredRow;
import io.tunnelstore.storage.VersionClock;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A second, in-memory implementation of the row and metadata part of {@link StorageEngine}, for the Lincheck model
 * checker: it runs entirely on the calling thread (the RocksDB engine commits on its own committer thread, which a
 * model checker cannot schedule). It keeps the engine contract the row service relies on — one row's
 * read-decide-write is atomic under that row's lock, readers see whole committed rows, and the decider gets the row
 * version time from the shared {@link VersionClock} rule — so it also shows that a second engine gets the time rule
 * by reusing that class. Change logs, scans and splits are not part of it (they throw).
 */
final class InMemoryRowEngine implements StorageEngine {

    private record RowId(long tableId, ByteBuffer key) {}

    private final VersionClock versionClock;
    private final Map<String, byte[]> meta = new TreeMap<>(); // guarded by itself
    private final ConcurrentHashMap<RowId, List<StoredCell>> rows = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<RowId, ReentrantLock> locks = new ConcurrentHashMap<>();

    /**
     * Test-only mutant: take the version time before the row lock (the original bug), so that a request that read
     * the clock earlier but got the lock later writes an older version. Only the Lincheck mutant test sets it.
     */
    private final boolean takesVersionTimeBeforeLock;

    InMemoryRowEngine(Clock clock) {
        this(clock, false);
    }

    InMemoryRowEngine(Clock clock, boolean takesVersionTimeBeforeLock) {
        this.versionClock = new VersionClock(clock);
        this.takesVersionTimeBeforeLock = takesVersionTimeBeforeLock;
    }

    @Override
    public Optional<byte[]> getMeta(String key) {
        synchronized (meta) {
            return Optional.ofNullable(meta.get(key)).map(byte[]::clone);
        }
    }

    @Override
    public List<MetaEntry> scanMeta(String prefix) {
        synchronized (meta) {
            List<MetaEntry> out = new ArrayList<>();
            meta.forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    out.add(new MetaEntry(k, v.clone()));
                }
            });
            return out;
        }
    }

    @Override
    public void writeMeta(MetaBatch batch) {
        synchronized (meta) {
            for (MetaBatch.Op op : batch.ops()) {
                if (op.value() == null) {
                    meta.remove(op.key());
                } else {
                    meta.put(op.key(), op.value().clone());
                }
            }
        }
    }

    @Override
    public Optional<StoredRow> readRow(long tableId, byte[] rowKey, ReadSpec spec) {
        List<StoredCell> cells = rows.get(new RowId(tableId, ByteBuffer.wrap(rowKey.clone())));
        if (cells == null) {
            return Optional.empty();
        }
        List<StoredCell> visible = new ArrayList<>();
        String column = null;
        int versions = 0;
        for (StoredCell c : cells) { // by column, newest first
            if (!c.column().equals(column)) {
                column = c.column();
                versions = 0;
            }
            if ((spec.columns().isEmpty() || spec.columns().contains(c.column()))
                    && c.timestamp() >= spec.minTimestamp() && c.timestamp() < spec.maxTimestampExclusive()
                    && versions < spec.maxVersions()) {
                visible.add(c);
                versions++;
            }
        }
        return visible.isEmpty() ? Optional.empty() : Optional.of(new StoredRow(rowKey.clone(), visible));
    }

    @Override
    public <T> MutationResult<T> mutateRow(long tableId, byte[] rowKey, RowDecider<T> decider) {
        RowId id = new RowId(tableId, ByteBuffer.wrap(rowKey.clone()));
        ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
        long early = takesVersionTimeBeforeLock ? versionClock.versionMillis(Optional.empty()) : 0;
        lock.lock();
        try {
            List<StoredCell> cells = rows.getOrDefault(id, List.of());
            Optional<StoredRow> current = cells.isEmpty() ? Optional.empty()
                    : Optional.of(new StoredRow(rowKey.clone(), cells));
            RowDecider.Decision<T> decision = decider.decide(current,
                    takesVersionTimeBeforeLock ? early : versionClock.versionMillis(current));
            if (decision.logRecord() != null) {
                throw new UnsupportedOperationException("the in-memory engine keeps no change log");
            }
            List<StoredCell> after = apply(cells, decision.mutation());
            if (after.isEmpty()) {
                rows.remove(id);
            } else {
                rows.put(id, after);
            }
            return new MutationResult<>(decision.result(), -1, 0);
        } finally {
            lock.unlock();
        }
    }

    private static List<StoredCell> apply(List<StoredCell> cells, RowMutation mutation) {
        List<StoredCell> out = new ArrayList<>(cells);
        if (mutation == null) {
            return out;
        }
        for (RowMutation.Op op : mutation.ops()) {
            switch (op.kind()) {
                case PUT -> {
                    out.removeIf(c -> c.column().equals(op.column()) && c.timestamp() == op.timestamp());
                    out.add(new StoredCell(op.column(), op.timestamp(), op.value().clone()));
                }
                case DELETE_VERSION -> out.removeIf(c -> c.column().equals(op.column())
                        && c.timestamp() == op.timestamp());
                case DELETE_COLUMN -> out.removeIf(c -> c.column().equals(op.column()));
                case DELETE_ROW -> out.clear();
            }
        }
        out.sort(Comparator.comparing(StoredCell::column)
                .thenComparing(Comparator.comparingLong(StoredCell::timestamp).reversed()));
        return List.copyOf(out);
    }

    @Override
    public RowScanner scan(long tableId, ScanRange range, ReadSpec spec) {
        throw new UnsupportedOperationException("no scans in the in-memory engine");
    }

    @Override
    public void dropTable(long tableId) {
        rows.keySet().removeIf(id -> id.tableId() == tableId);
    }

    @Override
    public long approximateSize(long tableId, ScanRange range) {
        return 0;
    }

    @Override
    public List<byte[]> splitKeys(long tableId, ScanRange range, long targetBytes) {
        return List.of();
    }

    @Override
    public List<LogRecord> readLog(long tableId, long shardId, long fromSeq, int maxRecords, long maxBytes) {
        return List.of();
    }

    @Override
    public LogBounds logBounds(long tableId, long shardId) {
        return new LogBounds(0, 0);
    }

    @Override
    public long trimmedThrough(long tableId, long shardId) {
        return 0;
    }

    @Override
    public long trimLog(long tableId, long shardId, long commitTimeMicros) {
        return 0;
    }

    @Override
    public void addLogListener(LogListener listener) {
        // no change log, so no record to announce
    }

    @Override
    public void close() {
        rows.clear();
    }
}
