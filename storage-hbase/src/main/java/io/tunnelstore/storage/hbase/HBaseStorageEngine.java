package io.tunnelstore.storage.hbase;

import static io.tunnelstore.storage.hbase.HBaseKeys.FAMILY_LOG;
import static io.tunnelstore.storage.hbase.HBaseKeys.FAMILY_META;
import static io.tunnelstore.storage.hbase.HBaseKeys.FAMILY_ROWS;
import static io.tunnelstore.storage.hbase.HBaseKeys.QUALIFIER_CLOSED;
import static io.tunnelstore.storage.hbase.HBaseKeys.QUALIFIER_EPOCH;
import static io.tunnelstore.storage.hbase.HBaseKeys.QUALIFIER_LOG;
import static io.tunnelstore.storage.hbase.HBaseKeys.QUALIFIER_META;
import static io.tunnelstore.storage.hbase.HBaseKeys.QUALIFIER_OWNER;
import static io.tunnelstore.storage.hbase.HBaseKeys.QUALIFIER_TRIMMED;

import com.google.protobuf.ServiceException;
import io.tunnelstore.storage.FencedException;
import io.tunnelstore.storage.LogBounds;
import io.tunnelstore.storage.LogListener;
import io.tunnelstore.storage.LogRecord;
import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.MetaEntry;
import io.tunnelstore.storage.MutationResult;
import io.tunnelstore.storage.OwnershipFencing;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.Cell;
import org.apache.hadoop.hbase.CellUtil;
import org.apache.hadoop.hbase.CompareOperator;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.CheckAndMutate;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Delete;
import org.apache.hadoop.hbase.client.Durability;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Mutation;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.client.TableDescriptor;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.apache.hadoop.hbase.filter.KeyOnlyFilter;
import org.apache.hadoop.hbase.io.TimeRange;
import org.apache.hadoop.hbase.ipc.CoprocessorRpcChannel;
import org.apache.hadoop.hbase.protobuf.ProtobufUtil;
import org.apache.hadoop.hbase.protobuf.generated.ClientProtos.MutationProto.MutationType;
import org.apache.hadoop.hbase.protobuf.generated.MultiRowMutationProtos.MultiRowMutationService;
import org.apache.hadoop.hbase.protobuf.generated.MultiRowMutationProtos.MutateRowsRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage engine on Apache HBase: every table, change log and metadata entry of a Tunnelstore instance lives in
 * one HBase table (layout in {@link HBaseKeys} and docs/storage-hbase.md).
 *
 * <p>Atomicity: a row mutation and its change-log record are written by one call of HBase's bundled
 * {@code MultiRowMutationEndpoint}, which applies mutations of several rows of one region atomically (one WAL
 * entry); the table's split restriction keeps each Tunnelstore table, rows and log, inside one region. The call is
 * conditioned on the new log rows not existing yet, so a sequence number is never written twice.
 *
 * <p>Single writer: row locks, sequence numbers and listener notification are held in this process, as on RocksDB.
 * At most one engine (one Tunnelstore node) may write to a given HBase table at a time; several nodes need the
 * ownership and fencing of issue 12 item 2.
 *
 * <p>Durability: a call returns once HBase acknowledged it, i.e. once its WAL entry is written (synced per HBase's
 * WAL settings; {@link StorageOptions#syncWrites()} selects {@link Durability#FSYNC_WAL} or
 * {@link Durability#SYNC_WAL}).
 */
public final class HBaseStorageEngine implements StorageEngine {
    private static final Logger log = LoggerFactory.getLogger(HBaseStorageEngine.class);

    /** The coprocessor the table must carry (bundled with HBase). */
    public static final String MULTI_ROW_MUTATION_ENDPOINT =
            "org.apache.hadoop.hbase.coprocessor.MultiRowMutationEndpoint";
    private static final int DELETE_CHUNK = 1000;
    private static final String LISTENER_WRITE = "a LogListener must not write to the storage engine";

    private final Connection connection;
    private final boolean ownsConnection;
    private final TableName tableName;
    private final String name;
    private final StorageOptions options;
    private final Durability durability;
    private final VersionClock versionClock;
    private final RowLocks rowLocks = new RowLocks();
    private final Map<ShardId, Shard> shards = new ConcurrentHashMap<>();
    private final List<LogListener> listeners = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Boolean> inListener = ThreadLocal.withInitial(() -> false);
    /** Operations hold the read lock; close takes the write lock to wait for them. */
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final Set<HBaseRowScanner> openScanners = ConcurrentHashMap.newKeySet();
    private final ReentrantLock trimLock = new ReentrantLock();
    private final Object commitTimeLock = new Object();
    /** Guarded by commitTimeLock. */
    private long lastCommitTimeMicros;
    private volatile boolean closed;
    private final HBaseSnapshots snapshots;

    private record ShardId(long tableId, long shardId) implements Comparable<ShardId> {
        @Override
        public int compareTo(ShardId o) {
            int c = Long.compare(tableId, o.tableId);
            return c != 0 ? c : Long.compare(shardId, o.shardId);
        }
    }

    /** A shard's sequence counter; loaded from the table on first use. Guarded by its lock. */
    private static final class Shard {
        final ReentrantLock lock = new ReentrantLock();
        long lastSequence = -1;
    }

    private HBaseStorageEngine(Connection connection, boolean ownsConnection, TableName tableName,
            StorageOptions options) {
        this.connection = connection;
        this.ownsConnection = ownsConnection;
        this.tableName = tableName;
        this.name = "hbase:" + tableName.getNameAsString();
        this.options = options;
        this.durability = options.syncWrites() ? Durability.FSYNC_WAL : Durability.SYNC_WAL;
        this.versionClock = new VersionClock(options.clock());
        this.snapshots = new HBaseSnapshots(this, tableName);
    }

    /**
     * Connects with {@code hbaseConf} (at least {@code hbase.zookeeper.quorum}) and opens the instance stored in
     * HBase table {@code table}, creating the table when it does not exist. The engine owns the connection.
     * An unreachable ZooKeeper quorum fails within 10 s by default (setting
     * {@code tunnelstore.hbase.zookeeper.probe.timeout.ms}) instead of the HBase client's minutes of retries.
     */
    public static HBaseStorageEngine open(Configuration hbaseConf, String table, StorageOptions options) {
        ZooKeeperProbe.check(hbaseConf);
        Connection connection;
        try {
            connection = ConnectionFactory.createConnection(hbaseConf);
        } catch (IOException e) {
            throw new StorageException("cannot connect to HBase (" + hbaseConf.get("hbase.zookeeper.quorum") + "): "
                    + e.getMessage(), e);
        }
        try {
            return open(connection, true, table, options);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    /** As {@link #open(Configuration, String, StorageOptions)} on a connection the caller keeps owning. */
    public static HBaseStorageEngine open(Connection connection, String table, StorageOptions options) {
        return open(connection, false, table, options);
    }

    private static HBaseStorageEngine open(Connection connection, boolean owns, String table,
            StorageOptions options) {
        Objects.requireNonNull(options, "options");
        TableName tableName = TableName.valueOf(table);
        try (Admin admin = connection.getAdmin()) {
            if (!admin.tableExists(tableName)) {
                try {
                    admin.createTable(descriptor(tableName));
                    log.info("Created HBase table {} for Tunnelstore", tableName);
                } catch (org.apache.hadoop.hbase.TableExistsException raced) {
                    // another node created it first
                }
            } else {
                TableDescriptor existing = admin.getDescriptor(tableName);
                if (!existing.hasCoprocessor(MULTI_ROW_MUTATION_ENDPOINT)) {
                    throw new StorageException("HBase table " + tableName + " lacks the coprocessor "
                            + MULTI_ROW_MUTATION_ENDPOINT + ": it is not a Tunnelstore table");
                }
                if (!LAYOUT_VERSION.equals(existing.getValue(LAYOUT_KEY))) {
                    throw new StorageException("HBase table " + tableName + " was written by an earlier Tunnelstore"
                            + " (column layout " + Objects.requireNonNullElse(existing.getValue(LAYOUT_KEY), "1")
                            + ", this version needs " + LAYOUT_VERSION + ": the empty column is stored under another"
                            + " qualifier); use another HBase table or drop this one");
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot open HBase table " + tableName + ": " + e.getMessage(), e);
        }
        return new HBaseStorageEngine(connection, owns, tableName, options);
    }

    /**
     * Table descriptor value naming the key layout the table was written with: "2" since column qualifiers never are
     * empty ({@link HBaseKeys#qualifier}); tables without it (layout 1) are refused at open.
     */
    static final String LAYOUT_KEY = "tunnelstore.layout";
    static final String LAYOUT_VERSION = "2";

    /** The table: three families with every version kept, the endpoint, and splits only between key prefixes. */
    static TableDescriptor descriptor(TableName tableName) throws IOException {
        return TableDescriptorBuilder.newBuilder(tableName)
                .setColumnFamily(family(FAMILY_ROWS, Integer.MAX_VALUE))
                .setColumnFamily(family(FAMILY_LOG, 1))
                .setColumnFamily(family(FAMILY_META, 1))
                .setCoprocessor(MULTI_ROW_MUTATION_ENDPOINT)
                .setValue(LAYOUT_KEY, LAYOUT_VERSION)
                // never split inside a 9-byte prefix: a Tunnelstore table (rows + log) and the metadata each stay
                // in one region (the restriction binds every split, the policy picks its split points)
                .setValue("hbase.regionserver.region.split_restriction.type", "KeyPrefix")
                .setValue("hbase.regionserver.region.split_restriction.prefix_length",
                        Integer.toString(HBaseKeys.PREFIX_LENGTH))
                .setRegionSplitPolicyClassName("org.apache.hadoop.hbase.regionserver.KeyPrefixRegionSplitPolicy")
                .setValue("KeyPrefixRegionSplitPolicy.prefix_length", Integer.toString(HBaseKeys.PREFIX_LENGTH))
                .build();
    }

    private static org.apache.hadoop.hbase.client.ColumnFamilyDescriptor family(byte[] family, int versions) {
        // NEW_VERSION_BEHAVIOR: a delete masks only what was written before it, so a cell deleted and then put
        // again at the same (or an older) timestamp is visible, as on RocksDB
        return ColumnFamilyDescriptorBuilder.newBuilder(family).setMaxVersions(versions).setNewVersionBehavior(true)
                .build();
    }

    /** The HBase table name. */
    public TableName tableName() {
        return tableName;
    }

    // ---------------------------------------------------------------- lifecycle helpers

    void enter() {
        gate.readLock().lock();
        if (closed) {
            gate.readLock().unlock();
            throw new StorageException("storage engine " + name + " is closed");
        }
    }

    void exit() {
        gate.readLock().unlock();
    }

    private void checkNotInListener() {
        if (inListener.get()) {
            throw new IllegalStateException(LISTENER_WRITE);
        }
    }

    StorageException failure(String what, Throwable cause) {
        return new StorageException(what + " failed on " + name + ": " + cause.getMessage(), cause);
    }

    // ---------------------------------------------------------------- metadata

    @Override
    public Optional<byte[]> getMeta(String key) {
        enter();
        try (Table table = connection.getTable(tableName)) {
            Result r = table.get(new Get(HBaseKeys.metaKey(key)).addColumn(FAMILY_META, QUALIFIER_META));
            return Optional.ofNullable(r.getValue(FAMILY_META, QUALIFIER_META));
        } catch (IOException e) {
            throw failure("read meta " + key, e);
        } finally {
            exit();
        }
    }

    @Override
    public List<MetaEntry> scanMeta(String prefix) {
        enter();
        byte[] start = HBaseKeys.metaKey(prefix);
        Scan scan = new Scan().withStartRow(start, true).addColumn(FAMILY_META, QUALIFIER_META).setCaching(1000)
                .setReadType(Scan.ReadType.PREAD); // rewritten entries keep versions too: see scan(...)
        byte[] end = HBaseKeys.successor(start);
        if (end != null) {
            scan.withStopRow(end, false);
        }
        try (Table table = connection.getTable(tableName); ResultScanner results = table.getScanner(scan)) {
            List<MetaEntry> entries = new ArrayList<>();
            for (Result r : results) {
                entries.add(new MetaEntry(HBaseKeys.metaKeyOf(r.getRow()), r.getValue(FAMILY_META, QUALIFIER_META)));
            }
            return entries;
        } catch (IOException e) {
            throw failure("scan meta " + prefix, e);
        } finally {
            exit();
        }
    }

    @Override
    public void writeMeta(MetaBatch batch) {
        checkNotInListener();
        List<Mutation> mutations = metaMutations(batch);
        if (mutations.isEmpty()) {
            return;
        }
        enter();
        try {
            if (!mutateAtomically(mutations, List.of())) {
                throw new StorageException("meta write was not applied on " + name);
            }
        } catch (IOException e) {
            throw failure("write meta", e);
        } finally {
            exit();
        }
    }

    /** The net puts and deletes of a batch (the last operation on a key wins). */
    private static List<Mutation> metaMutations(MetaBatch batch) {
        Map<String, byte[]> last = new LinkedHashMap<>();
        for (MetaBatch.Op op : batch.ops()) {
            last.remove(op.key());
            last.put(op.key(), op.value());
        }
        List<Mutation> mutations = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : last.entrySet()) {
            byte[] row = HBaseKeys.metaKey(e.getKey());
            mutations.add(e.getValue() == null
                    ? new Delete(row).addColumns(FAMILY_META, QUALIFIER_META)
                    : new Put(row).addColumn(FAMILY_META, QUALIFIER_META, e.getValue()));
        }
        return mutations;
    }

    // ---------------------------------------------------------------- rows

    @Override
    public Optional<StoredRow> readRow(long tableId, byte[] rowKey, ReadSpec spec) {
        Get get = applySpec(new Get(HBaseKeys.dataKey(tableId, rowKey)), spec);
        enter();
        try (Table table = connection.getTable(tableName)) {
            Result r = table.get(get);
            return r.isEmpty() ? Optional.empty() : Optional.of(toStoredRow(r));
        } catch (IOException e) {
            throw failure("read row of table " + tableId, e);
        } finally {
            exit();
        }
    }

    private static Get applySpec(Get get, ReadSpec spec) {
        validate(spec);
        get.addFamily(FAMILY_ROWS);
        for (String column : spec.columns()) {
            get.addColumn(FAMILY_ROWS, HBaseKeys.qualifier(column));
        }
        try {
            get.setTimeRange(Math.max(0, spec.minTimestamp()), Math.max(0, spec.maxTimestampExclusive()));
            get.readVersions(spec.maxVersions());
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return get;
    }

    private static Scan applySpec(Scan scan, ReadSpec spec) {
        validate(spec);
        scan.addFamily(FAMILY_ROWS);
        for (String column : spec.columns()) {
            scan.addColumn(FAMILY_ROWS, HBaseKeys.qualifier(column));
        }
        try {
            scan.setTimeRange(Math.max(0, spec.minTimestamp()), Math.max(0, spec.maxTimestampExclusive()));
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        scan.readVersions(spec.maxVersions());
        return scan;
    }

    private static void validate(ReadSpec spec) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(spec.columns(), "spec.columns");
        if (spec.maxVersions() < 1) {
            throw new IllegalArgumentException("maxVersions must be at least 1: " + spec.maxVersions());
        }
        if (spec.minTimestamp() > spec.maxTimestampExclusive()) {
            throw new IllegalArgumentException("time range is inverted: [" + spec.minTimestamp() + ", "
                    + spec.maxTimestampExclusive() + ")");
        }
    }

    static StoredRow toStoredRow(Result result) {
        List<StoredCell> cells = new ArrayList<>(result.size());
        for (Cell cell : result.rawCells()) {
            cells.add(new StoredCell(
                    HBaseKeys.column(cell.getQualifierArray(), cell.getQualifierOffset(), cell.getQualifierLength()),
                    cell.getTimestamp(), CellUtil.cloneValue(cell)));
        }
        return new StoredRow(HBaseKeys.rowKeyOf(result.getRow()), cells);
    }

    @Override
    public RowScanner scan(long tableId, ScanRange range, ReadSpec spec) {
        return scan(tableName, tableId, range, spec, openScanners);
    }

    /** A scan of the data rows of {@code tableId} in HBase table {@code hbaseTable}, registered in {@code registry}. */
    RowScanner scan(TableName hbaseTable, long tableId, ScanRange range, ReadSpec spec,
            Set<HBaseRowScanner> registry) {
        byte[] start = HBaseKeys.dataStart(tableId, range.startInclusive());
        byte[] end = HBaseKeys.dataEnd(tableId, range.endExclusive());
        // PREAD, not DEFAULT: a DEFAULT scan that has read 4 blocks ends its RPC and switches to stream reads,
        // re-seeking its store files; in the middle of a column's many same-timestamp versions HBase then returned
        // a version out of order (docs/storage-hbase.md, "Scans and same-timestamp versions")
        Scan scan = applySpec(new Scan(), spec).setCaching(256).setReadType(Scan.ReadType.PREAD);
        if (range.reverse()) {
            scan.setReversed(true).withStartRow(end, false).withStopRow(start, true);
        } else {
            scan.withStartRow(start, true).withStopRow(end, false);
        }
        enter();
        try (Table table = connection.getTable(hbaseTable)) {
            if (Arrays.compareUnsigned(start, end) >= 0) {
                return new HBaseRowScanner(EMPTY, s -> { });
            }
            ResultScanner results = table.getScanner(scan);
            HBaseRowScanner scanner = new HBaseRowScanner(results, sc -> {
                registry.remove(sc);
                openScanners.remove(sc);
            });
            registry.add(scanner);
            openScanners.add(scanner); // closing the engine aborts snapshot scans too
            return scanner;
        } catch (IOException e) {
            throw failure("scan table " + tableId, e);
        } finally {
            exit();
        }
    }

    private static final ResultScanner EMPTY = new ResultScanner() {
        @Override
        public Result next() {
            return null;
        }

        @Override
        public void close() {
        }

        @Override
        public boolean renewLease() {
            return true;
        }

        @Override
        public org.apache.hadoop.hbase.client.metrics.ScanMetrics getScanMetrics() {
            return null;
        }
    };

    /** The row with every version of every column, as deciders see it. */
    private Optional<StoredRow> readCurrent(Table table, long tableId, byte[] rowKey) throws IOException {
        Result r = table.get(new Get(HBaseKeys.dataKey(tableId, rowKey)).addFamily(FAMILY_ROWS).readAllVersions());
        return r.isEmpty() ? Optional.empty() : Optional.of(toStoredRow(r));
    }

    @Override
    public <T> MutationResult<T> mutateRow(long tableId, byte[] rowKey, RowDecider<T> decider) {
        return mutateRow(tableId, rowKey, decider, null);
    }

    private <T> MutationResult<T> mutateRow(long tableId, byte[] rowKey, RowDecider<T> decider,
            Map<Long, Long> fence) {
        List<RowBatchOutcome<T>> outcomes = mutate(tableId, List.of(new RowBatchEntry<>(rowKey, decider)), true,
                fence);
        RowBatchOutcome<T> outcome = outcomes.get(0);
        if (!outcome.succeeded()) {
            throw outcome.failure();
        }
        return outcome.result();
    }

    @Override
    public <T> List<RowBatchOutcome<T>> mutateRows(long tableId, List<RowBatchEntry<T>> entries) {
        return mutate(tableId, entries, false, null);
    }

    /** One decided entry of a batch: its result, and its log record (shard, payload) if any. */
    private record Decided<T>(int index, T result, long shardId, byte[] logRecord) {}

    /**
     * Locks the rows of the batch (exact row locks, {@link RowLocks}: concurrent batches of different rows never wait
     * for each other; taken in ascending key order, so no deadlock between batches), reads them, runs the
     * deciders in list order against an in-memory copy (so repeated keys see the earlier entries), and commits the
     * net cell changes of every row plus every log record in one MultiRowMutationEndpoint call.
     *
     * @param fence partition id to owner epoch that the call is conditioned on, or null for an unfenced write
     */
    private <T> List<RowBatchOutcome<T>> mutate(long tableId, List<RowBatchEntry<T>> entries, boolean single,
            Map<Long, Long> fence) {
        checkNotInListener();
        enter();
        List<byte[]> keys = new ArrayList<>(entries.size());
        Map<ByteKey, byte[]> distinct = new LinkedHashMap<>(); // a key may repeat in a batch; it is locked once
        for (RowBatchEntry<T> e : entries) {
            byte[] key = e.rowKey();
            keys.add(key);
            distinct.putIfAbsent(new ByteKey(key), key);
        }
        RowLocks.Held held = null;
        try (Table table = connection.getTable(tableName)) {
            held = rowLocks.lockAll(tableId, new ArrayList<>(distinct.values()));
            Map<ByteKey, RowPlan> original = new LinkedHashMap<>();
            Map<ByteKey, RowPlan> current = new LinkedHashMap<>();
            Object[] outcomes = new Object[entries.size()];
            List<Decided<T>> decided = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                byte[] key = keys.get(i);
                ByteKey k = new ByteKey(key);
                RowPlan plan = current.get(k);
                if (plan == null) {
                    plan = RowPlan.of(readCurrent(table, tableId, key));
                    original.put(k, plan);
                    plan = plan.copy();
                    current.put(k, plan);
                }
                Optional<StoredRow> row = plan.toRow(key);
                try {
                    RowDecider.Decision<T> d = entries.get(i).decider().decide(row, versionClock.versionMillis(row));
                    RowPlan next = plan.copy();
                    if (d.mutation() != null) {
                        next.apply(d.mutation());
                    }
                    current.put(k, next);
                    decided.add(new Decided<>(i, d.result(), d.shardId(), d.logRecord()));
                } catch (StorageException fatal) {
                    throw fatal;
                } catch (RuntimeException rowFailure) {
                    if (single) {
                        throw rowFailure;
                    }
                    outcomes[i] = RowBatchOutcome.failed(rowFailure);
                }
            }
            List<Mutation> mutations = new ArrayList<>();
            for (Map.Entry<ByteKey, RowPlan> e : current.entrySet()) {
                byte[] dataKey = HBaseKeys.dataKey(tableId, e.getKey().bytes());
                Put put = null;
                Delete delete = null;
                for (RowPlan.CellChange c : e.getValue().changesSince(original.get(e.getKey()))) {
                    byte[] qualifier = HBaseKeys.qualifier(c.column());
                    if (c.isDelete()) {
                        delete = delete == null ? new Delete(dataKey) : delete;
                        delete.addColumn(FAMILY_ROWS, qualifier, c.timestamp());
                    } else {
                        put = put == null ? new Put(dataKey) : put;
                        put.addColumn(FAMILY_ROWS, qualifier, c.timestamp(), c.value());
                    }
                }
                if (delete != null) {
                    mutations.add(delete);
                }
                if (put != null) {
                    mutations.add(put);
                }
            }
            commit(table, tableId, mutations, decided, outcomes, fence);
            List<RowBatchOutcome<T>> result = new ArrayList<>(entries.size());
            for (Object o : outcomes) {
                @SuppressWarnings("unchecked")
                RowBatchOutcome<T> typed = (RowBatchOutcome<T>) o;
                result.add(typed);
            }
            return result;
        } catch (IOException e) {
            throw failure("mutate rows of table " + tableId, e);
        } finally {
            if (held != null) {
                held.close();
            }
            exit();
        }
    }

    /**
     * Assigns sequence numbers to the log records (their shards locked in ascending order, so that records of a shard
     * become visible and are announced in sequence order), writes everything atomically, then tells the listeners.
     */
    private <T> void commit(Table table, long tableId, List<Mutation> mutations, List<Decided<T>> decided,
            Object[] outcomes, Map<Long, Long> fence) throws IOException {
        TreeMap<ShardId, Shard> logShards = new TreeMap<>();
        for (Decided<T> d : decided) {
            if (d.logRecord() != null) {
                if (fence != null && !fence.containsKey(d.shardId())) {
                    throw new FencedException(tableId, d.shardId(), "partition " + d.shardId() + " of table "
                            + tableId + " is not held by this writer (it holds " + fence.keySet()
                            + "); nothing was written");
                }
                ShardId id = new ShardId(tableId, d.shardId());
                logShards.computeIfAbsent(id, k -> shards.computeIfAbsent(k, x -> new Shard()));
            }
        }
        if (mutations.isEmpty() && logShards.isEmpty()) {
            long now = nextCommitTimeMicros();
            for (Decided<T> d : decided) {
                outcomes[d.index()] = RowBatchOutcome.succeeded(new MutationResult<>(d.result(), -1, now));
            }
            return;
        }
        List<Shard> locked = new ArrayList<>();
        try {
            for (Map.Entry<ShardId, Shard> e : logShards.entrySet()) {
                e.getValue().lock.lock();
                locked.add(e.getValue());
                if (e.getValue().lastSequence < 0) {
                    e.getValue().lastSequence = loadLastSequence(table, e.getKey());
                }
            }
            long commitMicros = nextCommitTimeMicros();
            Map<ShardId, Long> next = new TreeMap<>();
            long[] sequences = new long[decided.size()];
            List<byte[]> logRows = new ArrayList<>();
            List<Mutation> all = new ArrayList<>(mutations);
            for (int i = 0; i < decided.size(); i++) {
                Decided<T> d = decided.get(i);
                if (d.logRecord() == null) {
                    sequences[i] = -1;
                    continue;
                }
                ShardId id = new ShardId(tableId, d.shardId());
                long seq = next.getOrDefault(id, logShards.get(id).lastSequence) + 1;
                next.put(id, seq);
                sequences[i] = seq;
                byte[] logRow = HBaseKeys.logKey(tableId, d.shardId(), seq);
                logRows.add(logRow);
                // the cell timestamp is the commit time, so that a column-family TTL retains by commit time
                all.add(new Put(logRow).addColumn(FAMILY_LOG, QUALIFIER_LOG, commitMicros / 1000,
                        HBaseKeys.logValue(commitMicros, d.logRecord())));
            }
            boolean processed;
            try {
                processed = mutateAtomically(all, logRows, fenceConditions(tableId, fence));
            } catch (IOException | RuntimeException e) {
                logShards.values().forEach(s -> s.lastSequence = -1); // outcome unknown: reload the counters
                throw e;
            }
            if (!processed) {
                logShards.values().forEach(s -> s.lastSequence = -1);
                if (fence != null) {
                    throwIfFenced(table, tableId, fence);
                }
                throw new StorageException("change-log sequence already taken on " + name
                        + ": another writer appended to table " + tableId + "; nothing was written");
            }
            next.forEach((id, seq) -> logShards.get(id).lastSequence = seq);
            for (int i = 0; i < decided.size(); i++) {
                Decided<T> d = decided.get(i);
                outcomes[d.index()] = RowBatchOutcome.succeeded(new MutationResult<>(d.result(), sequences[i],
                        commitMicros));
            }
            for (int i = 0; i < decided.size(); i++) {
                if (sequences[i] > 0) {
                    notifyListeners(tableId, decided.get(i).shardId(), sequences[i]);
                }
            }
        } finally {
            for (int i = locked.size() - 1; i >= 0; i--) {
                locked.get(i).lock.unlock();
            }
        }
    }

    /** The highest sequence the shard ever had: its last record, or its trim watermark when it has none. */
    private long loadLastSequence(Table table, ShardId id) throws IOException {
        long last = lastLogSequence(table, id.tableId(), id.shardId());
        return Math.max(last, trimmedThrough(table, id.tableId(), id.shardId()));
    }

    private void notifyListeners(long tableId, long shardId, long sequence) {
        inListener.set(true);
        try {
            for (LogListener listener : listeners) {
                try {
                    listener.appended(tableId, shardId, sequence);
                } catch (RuntimeException e) {
                    log.warn("LogListener failed for table {} shard {} sequence {}", tableId, shardId, sequence, e);
                }
            }
        } finally {
            inListener.set(false);
        }
    }

    /**
     * Applies the mutations (all rows in one region) in one atomic MultiRowMutationEndpoint call, on condition that
     * none of {@code absentLogRows} exists.
     *
     * @return false when a condition failed (then nothing was written)
     */
    private boolean mutateAtomically(List<Mutation> mutations, List<byte[]> absentLogRows) throws IOException {
        return mutateAtomically(mutations, absentLogRows, List.of());
    }

    /** As above, and on condition that every cell of {@code epochConditions} holds its epoch. */
    private boolean mutateAtomically(List<Mutation> mutations, List<byte[]> absentLogRows,
            List<EpochCondition> epochConditions) throws IOException {
        MutateRowsRequest.Builder request = MutateRowsRequest.newBuilder();
        for (EpochCondition c : epochConditions) {
            request.addCondition(ProtobufUtil.toCondition(c.row(), FAMILY_META, QUALIFIER_EPOCH,
                    CompareOperator.EQUAL, HBaseKeys.longBytes(c.epoch()), null, TimeRange.allTime()));
        }
        for (Mutation m : mutations) {
            m.setDurability(durability);
            request.addMutationRequest(ProtobufUtil.toMutation(
                    m instanceof Put ? MutationType.PUT : MutationType.DELETE, m));
        }
        for (byte[] row : absentLogRows) {
            // EQUAL to an empty value matches a missing cell (log values are never empty)
            request.addCondition(ProtobufUtil.toCondition(row, FAMILY_LOG, QUALIFIER_LOG, CompareOperator.EQUAL,
                    new byte[0], null, TimeRange.allTime()));
        }
        try (Table table = connection.getTable(tableName)) {
            CoprocessorRpcChannel channel = table.coprocessorService(mutations.get(0).getRow());
            MultiRowMutationService.BlockingInterface service = MultiRowMutationService.newBlockingStub(channel);
            return service.mutateRows(null, request.build()).getProcessed();
        } catch (ServiceException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
        }
    }

    private long nextCommitTimeMicros() {
        synchronized (commitTimeLock) {
            Instant now = options.clock().instant();
            long micros = Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000);
            lastCommitTimeMicros = Math.max(lastCommitTimeMicros, micros);
            return lastCommitTimeMicros;
        }
    }

    /** A byte[] usable as a map key. */
    private record ByteKey(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ByteKey other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    // ---------------------------------------------------------------- ownership fencing (docs/scale-out.md)

    /** "The epoch cell of this shard state row equals this epoch", one condition of a fenced commit. */
    private record EpochCondition(byte[] row, long epoch) {}

    private static List<EpochCondition> fenceConditions(long tableId, Map<Long, Long> fence) {
        if (fence == null) {
            return List.of();
        }
        List<EpochCondition> conditions = new ArrayList<>(fence.size());
        new TreeMap<>(fence).forEach((partition, epoch) ->
                conditions.add(new EpochCondition(HBaseKeys.shardStateKey(tableId, partition), epoch)));
        return conditions;
    }

    /** After a refused fenced commit: throws FencedException naming the first partition whose epoch moved. */
    private static void throwIfFenced(Table table, long tableId, Map<Long, Long> fence) throws IOException {
        for (Map.Entry<Long, Long> e : new TreeMap<>(fence).entrySet()) {
            Optional<OwnershipFencing.OwnerEpoch> now = currentEpoch(table, tableId, e.getKey());
            long held = e.getValue();
            if (now.map(OwnershipFencing.OwnerEpoch::epoch).orElse(0L) != held) {
                throw new FencedException(tableId, e.getKey(), "ownership of partition " + e.getKey() + " of table "
                        + tableId + " moved: epoch " + held + " is no longer current ("
                        + now.map(o -> "epoch " + o.epoch() + " taken by " + o.nodeId()).orElse("no epoch")
                        + "); nothing was written");
            }
        }
    }

    private static Optional<OwnershipFencing.OwnerEpoch> currentEpoch(Table table, long tableId, long partitionId)
            throws IOException {
        return currentEpoch(table, HBaseKeys.shardStateKey(tableId, partitionId));
    }

    /** The epoch cells of a named resource: a metadata row, so that fenced meta writes share its region. */
    private static byte[] resourceEpochRow(String resource) {
        if (resource.isEmpty() || resource.length() > 512) {
            throw new IllegalArgumentException("a resource name has 1 to 512 characters: '" + resource + "'");
        }
        return HBaseKeys.metaKey("tunnelstore.owner/" + resource);
    }

    private static Optional<OwnershipFencing.OwnerEpoch> currentEpoch(Table table, byte[] row) throws IOException {
        Result r = table.get(new Get(row).addColumn(FAMILY_META, QUALIFIER_EPOCH).addColumn(FAMILY_META,
                QUALIFIER_OWNER));
        byte[] epoch = r.getValue(FAMILY_META, QUALIFIER_EPOCH);
        if (epoch == null) {
            return Optional.empty();
        }
        byte[] owner = r.getValue(FAMILY_META, QUALIFIER_OWNER);
        return Optional.of(new OwnershipFencing.OwnerEpoch(HBaseKeys.longOf(epoch),
                owner == null ? "" : new String(owner, StandardCharsets.UTF_8)));
    }

    /**
     * Partition epochs in the shard state rows ({@code 'T' <table> 's' <shard>}, family m, qualifiers e and o), in the
     * table's region, so that a fenced commit's condition is checked in the same atomic call as its rows and log.
     */
    @Override
    public Optional<OwnershipFencing> fencing() {
        return Optional.of(fencing);
    }

    private final OwnershipFencing fencing = new OwnershipFencing() {
        /**
         * Raises the epoch in {@code row} by one with a compare-and-set, retried while concurrent takers win; with
         * {@code close} also marks the row closed. A closed row is never taken again ({@code onClosed} says how).
         */
        private long takeEpoch(byte[] row, String nodeId, boolean close,
                java.util.function.LongFunction<RuntimeException> onClosed) throws IOException {
            Objects.requireNonNull(nodeId, "nodeId");
            try (Table table = connection.getTable(tableName)) {
                while (true) {
                    Optional<OwnerEpoch> now = currentEpoch(table, row);
                    if (now.isPresent() && isClosed(table, row)) {
                        if (close) {
                            return now.get().epoch();
                        }
                        throw onClosed.apply(now.get().epoch());
                    }
                    long next = now.map(OwnerEpoch::epoch).orElse(0L) + 1;
                    Put put = new Put(row).addColumn(FAMILY_META, QUALIFIER_EPOCH, HBaseKeys.longBytes(next))
                            .addColumn(FAMILY_META, QUALIFIER_OWNER, nodeId.getBytes(StandardCharsets.UTF_8));
                    if (close) {
                        put.addColumn(FAMILY_META, QUALIFIER_CLOSED, HBaseKeys.longBytes(next));
                    }
                    put.setDurability(durability);
                    CheckAndMutate.Builder check = CheckAndMutate.newBuilder(row);
                    CheckAndMutate cas = now.isPresent()
                            ? check.ifEquals(FAMILY_META, QUALIFIER_EPOCH, HBaseKeys.longBytes(now.get().epoch()))
                                    .build(put)
                            : check.ifNotExists(FAMILY_META, QUALIFIER_EPOCH).build(put);
                    if (table.checkAndMutate(cas).isSuccess()) {
                        return next;
                    }
                    // a concurrent taker won this round: read its epoch and go above it
                }
            }
        }

        private boolean isClosed(Table table, byte[] row) throws IOException {
            return table.exists(new Get(row).addColumn(FAMILY_META, QUALIFIER_CLOSED));
        }

        @Override
        public long take(long tableId, long partitionId, String nodeId) {
            enter();
            try {
                long epoch = takeEpoch(HBaseKeys.shardStateKey(tableId, partitionId), nodeId, false,
                        closedAt -> new FencedException(tableId, partitionId, "partition " + partitionId + " of table "
                                + tableId + " was closed by a split (epoch " + closedAt + "): write to its children"));
                // another owner may have appended since this engine last wrote the shard: reload its counter
                shards.remove(new ShardId(tableId, partitionId));
                return epoch;
            } catch (IOException e) {
                throw failure("take partition " + partitionId + " of table " + tableId, e);
            } finally {
                exit();
            }
        }

        @Override
        public long takeResource(String resource, String nodeId) {
            byte[] row = resourceEpochRow(resource);
            enter();
            try {
                return takeEpoch(row, nodeId, false, closedAt -> new IllegalStateException(resource + " is closed"));
            } catch (IOException e) {
                throw failure("take " + resource, e);
            } finally {
                exit();
            }
        }

        @Override
        public Optional<OwnerEpoch> currentResource(String resource) {
            byte[] row = resourceEpochRow(resource);
            enter();
            try (Table table = connection.getTable(tableName)) {
                return currentEpoch(table, row);
            } catch (IOException e) {
                throw failure("read the epoch of " + resource, e);
            } finally {
                exit();
            }
        }

        @Override
        public void writeMeta(String resource, long epoch, MetaBatch batch) {
            checkNotInListener();
            byte[] row = resourceEpochRow(resource);
            List<Mutation> mutations = metaMutations(batch);
            if (mutations.isEmpty()) {
                return;
            }
            enter();
            try (Table table = connection.getTable(tableName)) {
                if (!mutateAtomically(mutations, List.of(), List.of(new EpochCondition(row, epoch)))) {
                    Optional<OwnerEpoch> now = currentEpoch(table, row);
                    throw new FencedException(resource, "ownership of " + resource + " moved: epoch " + epoch
                            + " is no longer current ("
                            + now.map(o -> "epoch " + o.epoch() + " taken by " + o.nodeId()).orElse("no epoch")
                            + "); nothing was written");
                }
            } catch (IOException e) {
                throw failure("write meta of " + resource, e);
            } finally {
                exit();
            }
        }

        @Override
        public long close(long tableId, long partitionId, String closedBy) {
            enter();
            try {
                long epoch = takeEpoch(HBaseKeys.shardStateKey(tableId, partitionId), closedBy, true, null);
                shards.remove(new ShardId(tableId, partitionId));
                return epoch;
            } catch (IOException e) {
                throw failure("close partition " + partitionId + " of table " + tableId, e);
            } finally {
                exit();
            }
        }

        @Override
        public boolean isClosed(long tableId, long partitionId) {
            enter();
            try (Table table = connection.getTable(tableName)) {
                return isClosed(table, HBaseKeys.shardStateKey(tableId, partitionId));
            } catch (IOException e) {
                throw failure("read the state of partition " + partitionId + " of table " + tableId, e);
            } finally {
                exit();
            }
        }

        @Override
        public Optional<OwnerEpoch> current(long tableId, long partitionId) {
            enter();
            try (Table table = connection.getTable(tableName)) {
                return currentEpoch(table, tableId, partitionId);
            } catch (IOException e) {
                throw failure("read the epoch of partition " + partitionId + " of table " + tableId, e);
            } finally {
                exit();
            }
        }

        @Override
        public FencedWrites writes(long tableId, Map<Long, Long> epochByPartition) {
            Map<Long, Long> fence = Map.copyOf(epochByPartition);
            if (fence.isEmpty()) {
                throw new IllegalArgumentException("a fenced writer needs at least one partition epoch");
            }
            return new FencedWrites() {
                @Override
                public <T> MutationResult<T> mutateRow(byte[] rowKey, RowDecider<T> decider) {
                    return HBaseStorageEngine.this.mutateRow(tableId, rowKey, decider, fence);
                }

                @Override
                public <T> List<RowBatchOutcome<T>> mutateRows(List<RowBatchEntry<T>> entries) {
                    return mutate(tableId, entries, false, fence);
                }
            };
        }
    };

    @Override
    public void dropTable(long tableId) {
        checkNotInListener();
        enter();
        byte[] start = HBaseKeys.tablePrefix(tableId);
        byte[] end = HBaseKeys.tableEnd(tableId);
        Scan scan = new Scan().withStartRow(start, true).setFilter(new KeyOnlyFilter()).setCaching(DELETE_CHUNK)
                .setReadType(Scan.ReadType.PREAD); // data rows: see scan(...)
        if (end != null) {
            scan.withStopRow(end, false);
        }
        try (Table table = connection.getTable(tableName); ResultScanner results = table.getScanner(scan)) {
            List<Mutation> chunk = new ArrayList<>();
            for (Result r : results) {
                chunk.add(new Delete(r.getRow()));
                if (chunk.size() == DELETE_CHUNK) {
                    mutateAtomically(chunk, List.of());
                    chunk = new ArrayList<>();
                }
            }
            if (!chunk.isEmpty()) {
                mutateAtomically(chunk, List.of());
            }
            shards.keySet().removeIf(id -> id.tableId() == tableId);
        } catch (IOException e) {
            throw failure("drop table " + tableId, e);
        } finally {
            exit();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>From region information (see {@link RegionSizes}): the bytes of the table's region, spread uniformly between
     * the table's first and last row key (found with two one-row scans, not a walk).
     */
    @Override
    public long approximateSize(long tableId, ScanRange range) {
        enter();
        try (Table table = connection.getTable(tableName)) {
            byte[][] span = dataSpan(table, tableId);
            if (span == null) {
                return 0;
            }
            long bytes = RegionSizes.regionBytes(connection, tableName, span[0], span[1]);
            return Math.round(bytes * RegionSizes.fraction(span[0], span[1],
                    HBaseKeys.dataStart(tableId, range.startInclusive()),
                    HBaseKeys.dataEnd(tableId, range.endExclusive())));
        } catch (IOException e) {
            throw failure("size of table " + tableId, e);
        } finally {
            exit();
        }
    }

    /** Keys interpolated (see {@link RegionSizes}) so that each piece holds about {@code targetBytes}. */
    @Override
    public List<byte[]> splitKeys(long tableId, ScanRange range, long targetBytes) {
        if (targetBytes <= 0) {
            throw new IllegalArgumentException("targetBytes must be positive: " + targetBytes);
        }
        enter();
        try (Table table = connection.getTable(tableName)) {
            byte[][] span = dataSpan(table, tableId);
            if (span == null) {
                return List.of();
            }
            byte[] from = HBaseKeys.dataStart(tableId, range.startInclusive());
            byte[] to = HBaseKeys.dataEnd(tableId, range.endExclusive());
            long bytes = Math.round(RegionSizes.regionBytes(connection, tableName, span[0], span[1])
                    * RegionSizes.fraction(span[0], span[1], from, to));
            if (bytes <= targetBytes) {
                return List.of();
            }
            byte[] low = Arrays.compareUnsigned(from, span[0]) > 0 ? from : span[0];
            byte[] high = Arrays.compareUnsigned(to, span[1]) < 0 ? to : span[1];
            int pieces = (int) Math.min(10_000, (bytes + targetBytes - 1) / targetBytes);
            List<byte[]> rowKeys = new ArrayList<>();
            for (byte[] k : RegionSizes.cuts(low, high, pieces - 1)) {
                if (Arrays.compareUnsigned(k, from) > 0 && Arrays.compareUnsigned(k, to) < 0) {
                    rowKeys.add(HBaseKeys.rowKeyOf(k));
                }
            }
            return rowKeys;
        } catch (IOException e) {
            throw failure("split keys of table " + tableId, e);
        } finally {
            exit();
        }
    }

    /** The table's first data key and the key just after its last one, or null when it has no row. */
    private byte[][] dataSpan(Table table, long tableId) throws IOException {
        byte[] start = HBaseKeys.dataStart(tableId, null);
        byte[] end = HBaseKeys.dataEnd(tableId, null);
        byte[] first = edgeKey(table, new Scan().withStartRow(start, true).withStopRow(end, false));
        if (first == null) {
            return null;
        }
        byte[] last = edgeKey(table, new Scan().setReversed(true).withStartRow(end, false).withStopRow(start, true));
        byte[] afterLast = Arrays.copyOf(last, last.length + 1);
        return new byte[][] {first, afterLast};
    }

    private static byte[] edgeKey(Table table, Scan scan) throws IOException {
        scan.addFamily(FAMILY_ROWS).setFilter(new KeyOnlyFilter()).setLimit(1).setCaching(1);
        try (ResultScanner results = table.getScanner(scan)) {
            Result r = results.next();
            return r == null ? null : r.getRow();
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
        Scan scan = new Scan()
                .withStartRow(HBaseKeys.logKey(tableId, shardId, Math.max(fromSeq, 0)), true)
                .withStopRow(shardEnd(tableId, shardId), false)
                .addColumn(FAMILY_LOG, QUALIFIER_LOG)
                .setCaching(Math.min(maxRecords, 1000));
        enter();
        try (Table table = connection.getTable(tableName); ResultScanner results = table.getScanner(scan)) {
            List<LogRecord> records = new ArrayList<>();
            long bytes = 0;
            for (Result r : results) {
                byte[] value = r.getValue(FAMILY_LOG, QUALIFIER_LOG);
                byte[] payload = HBaseKeys.logValuePayload(value);
                records.add(new LogRecord(tableId, shardId, HBaseKeys.logSequenceOf(r.getRow()),
                        HBaseKeys.logValueCommitTime(value), payload));
                bytes += payload.length;
                if (records.size() >= maxRecords || bytes >= maxBytes) {
                    break;
                }
            }
            return records;
        } catch (IOException e) {
            throw failure("read log of table " + tableId + " shard " + shardId, e);
        } finally {
            exit();
        }
    }

    private static byte[] shardEnd(long tableId, long shardId) {
        return HBaseKeys.successor(HBaseKeys.logShardPrefix(tableId, shardId));
    }

    @Override
    public LogBounds logBounds(long tableId, long shardId) {
        enter();
        try (Table table = connection.getTable(tableName)) {
            long last = lastLogSequence(table, tableId, shardId);
            if (last == 0) {
                return new LogBounds(0, 0);
            }
            Scan first = new Scan().withStartRow(HBaseKeys.logShardPrefix(tableId, shardId), true)
                    .withStopRow(shardEnd(tableId, shardId), false).addColumn(FAMILY_LOG, QUALIFIER_LOG)
                    .setFilter(new KeyOnlyFilter()).setLimit(1).setCaching(1);
            try (ResultScanner results = table.getScanner(first)) {
                Result r = results.next();
                return r == null ? new LogBounds(0, 0) : new LogBounds(HBaseKeys.logSequenceOf(r.getRow()), last);
            }
        } catch (IOException e) {
            throw failure("read log bounds of table " + tableId + " shard " + shardId, e);
        } finally {
            exit();
        }
    }

    /** The sequence of the shard's last stored record, 0 when it has none. */
    private long lastLogSequence(Table table, long tableId, long shardId) throws IOException {
        return lastLogSequenceOf(table, tableId, shardId);
    }

    private static long lastLogSequenceOf(Table table, long tableId, long shardId) throws IOException {
        Scan last = new Scan().setReversed(true).withStartRow(shardEnd(tableId, shardId), false)
                .withStopRow(HBaseKeys.logShardPrefix(tableId, shardId), true).addColumn(FAMILY_LOG, QUALIFIER_LOG)
                .setFilter(new KeyOnlyFilter()).setLimit(1).setCaching(1);
        try (ResultScanner results = table.getScanner(last)) {
            Result r = results.next();
            return r == null ? 0 : HBaseKeys.logSequenceOf(r.getRow());
        }
    }

    @Override
    public long trimmedThrough(long tableId, long shardId) {
        enter();
        try (Table table = connection.getTable(tableName)) {
            return trimmedThrough(table, tableId, shardId);
        } catch (IOException e) {
            throw failure("read trim watermark of table " + tableId + " shard " + shardId, e);
        } finally {
            exit();
        }
    }

    private static long trimmedThrough(Table table, long tableId, long shardId) throws IOException {
        byte[] value = table.get(new Get(HBaseKeys.shardStateKey(tableId, shardId))
                .addColumn(FAMILY_META, QUALIFIER_TRIMMED)).getValue(FAMILY_META, QUALIFIER_TRIMMED);
        return value == null ? 0 : HBaseKeys.longOf(value);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Deletes in chunks; each chunk and the raised trim watermark are one atomic write, so a failure half-way
     * leaves a consistent, partly trimmed shard.
     */
    @Override
    public long trimLog(long tableId, long shardId, long commitTimeMicros) {
        enter();
        trimLock.lock();
        Scan scan = new Scan().withStartRow(HBaseKeys.logShardPrefix(tableId, shardId), true)
                .withStopRow(shardEnd(tableId, shardId), false).addColumn(FAMILY_LOG, QUALIFIER_LOG)
                .setCaching(DELETE_CHUNK);
        try (Table table = connection.getTable(tableName); ResultScanner results = table.getScanner(scan)) {
            long watermark = trimmedThrough(table, tableId, shardId);
            long deleted = 0;
            List<Mutation> chunk = new ArrayList<>();
            long chunkLast = 0;
            for (Result r : results) {
                if (HBaseKeys.logValueCommitTime(r.getValue(FAMILY_LOG, QUALIFIER_LOG)) >= commitTimeMicros) {
                    break;
                }
                chunk.add(new Delete(r.getRow()));
                chunkLast = HBaseKeys.logSequenceOf(r.getRow());
                if (chunk.size() == DELETE_CHUNK) {
                    watermark = writeTrim(chunk, tableId, shardId, Math.max(watermark, chunkLast));
                    deleted += chunk.size();
                    chunk = new ArrayList<>();
                }
            }
            if (!chunk.isEmpty()) {
                writeTrim(chunk, tableId, shardId, Math.max(watermark, chunkLast));
                deleted += chunk.size();
            }
            return deleted;
        } catch (IOException e) {
            throw failure("trim log of table " + tableId + " shard " + shardId, e);
        } finally {
            trimLock.unlock();
            exit();
        }
    }

    private long writeTrim(List<Mutation> deletes, long tableId, long shardId, long watermark) throws IOException {
        List<Mutation> all = new ArrayList<>(deletes);
        all.add(new Put(HBaseKeys.shardStateKey(tableId, shardId))
                .addColumn(FAMILY_META, QUALIFIER_TRIMMED, HBaseKeys.longBytes(watermark)));
        mutateAtomically(all, List.of());
        return watermark;
    }

    /** The snapshot position of a shard in {@code table}: its last record, else its trim watermark, else 0. */
    static long logPosition(Table table, long tableId, long shardId) throws IOException {
        long last = lastLogSequenceOf(table, tableId, shardId);
        return last != 0 ? last : trimmedThrough(table, tableId, shardId);
    }

    // ---------------------------------------------------------------- durable snapshots

    /** HBase table snapshots, read through a clone (see {@link HBaseSnapshots}). */
    @Override
    public boolean supportsSnapshots() {
        return true;
    }

    @Override
    public StorageSnapshot createSnapshot(String id) {
        checkNotInListener();
        enter();
        try {
            return snapshots.create(id, options.clock().millis());
        } finally {
            exit();
        }
    }

    @Override
    public Optional<StorageSnapshot> snapshot(String id) {
        enter();
        try {
            return snapshots.find(id);
        } finally {
            exit();
        }
    }

    @Override
    public List<String> snapshotIds() {
        enter();
        try {
            return snapshots.ids();
        } finally {
            exit();
        }
    }

    @Override
    public void dropSnapshot(String id) {
        enter();
        try {
            snapshots.drop(id);
        } finally {
            exit();
        }
    }

    Connection connection() {
        return connection;
    }

    String name() {
        return name;
    }

    @Override
    public void addLogListener(LogListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Aborts open scans, waits for running calls, and closes the HBase connection if the engine opened it. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (HBaseRowScanner scanner : openScanners) {
            scanner.abort();
        }
        openScanners.clear();
        gate.writeLock().lock();
        try {
            if (ownsConnection) {
                closeQuietly(connection);
            }
        } finally {
            gate.writeLock().unlock();
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (IOException e) {
            log.warn("Closing the HBase connection failed", e);
        }
    }
}
