package io.tunnelstore.storage.hbase;

import static io.tunnelstore.storage.hbase.HBaseKeys.FAMILY_META;
import static io.tunnelstore.storage.hbase.HBaseKeys.QUALIFIER_META;

import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.RowScanner;
import io.tunnelstore.storage.ScanRange;
import io.tunnelstore.storage.StorageException;
import io.tunnelstore.storage.StorageSnapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.TableNotFoundException;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.SnapshotDescription;
import org.apache.hadoop.hbase.client.Table;

/**
 * Durable snapshots of the engine's HBase table, as HBase table snapshots.
 *
 * <p>{@code createSnapshot(id)} takes an HBase snapshot of the whole table ({@code SnapshotType.FLUSH}: every region
 * flushes its memstore and the snapshot references the region's files as of that flush) and clones it to a table
 * (the clone links the snapshot's files, it copies no data) that reads go to. An HBase snapshot is consistent per
 * region: a region's flush sees each atomic {@code MultiRowMutationEndpoint} call wholly or not at all. A shard's log
 * and the rows of its table share a region (the split restriction), so in the snapshot every change of a shard with
 * a sequence up to {@link StorageSnapshot#logPosition} is in the rows and no later one is — the contract, exact.
 * Across regions (different Tunnelstore tables) the snapshot is not one instant; no reader needs that.
 *
 * <p>Names (HBase snapshot and clone table): {@code <table>__snapshot__<id>}, in the engine table's namespace. A crash
 * between the snapshot and its clone leaves a snapshot without clone: {@link #find} clones it then. Dropping deletes
 * the clone first, then the snapshot, so a half-finished drop leaves a snapshot that is still found and can be
 * dropped again.
 */
final class HBaseSnapshots {
    static final String MARKER = "__snapshot__";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    /** Row of the clone that keeps the engine-clock creation time (no Tunnelstore key starts with 'S'). */
    private static final byte[] CREATED_ROW = {'S'};

    private final HBaseStorageEngine engine;
    private final TableName source;
    private final String prefix;
    private final Map<String, Snapshot> known = new ConcurrentHashMap<>();
    /** Creation and drop run one at a time (HBase snapshots of one table do too). */
    private final Object changeLock = new Object();

    HBaseSnapshots(HBaseStorageEngine engine, TableName source) {
        this.engine = engine;
        this.source = source;
        this.prefix = (source.getNamespaceAsString().equals("default") ? "" : source.getNamespaceAsString() + "-")
                + source.getQualifierAsString() + MARKER;
    }

    private String snapshotName(String id) {
        return prefix + id;
    }

    private TableName cloneName(String id) {
        return TableName.valueOf(source.getNamespaceAsString(), source.getQualifierAsString() + MARKER + id);
    }

    private static void checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("snapshot id must be 1-128 letters, digits, '.', '_' or '-': " + id);
        }
    }

    StorageSnapshot create(String id, long createdAtMillis) {
        checkId(id);
        synchronized (changeLock) {
            try (Admin admin = engine.connection().getAdmin()) {
                if (snapshotExists(admin, id) || admin.tableExists(cloneName(id))) {
                    throw new IllegalArgumentException("snapshot " + id + " already exists");
                }
                admin.snapshot(snapshotName(id), source);
                admin.cloneSnapshot(snapshotName(id), cloneName(id));
                try (Table clone = engine.connection().getTable(cloneName(id))) {
                    clone.put(new Put(CREATED_ROW).addColumn(FAMILY_META, QUALIFIER_META,
                            HBaseKeys.longBytes(createdAtMillis)));
                }
                Snapshot snapshot = new Snapshot(id, cloneName(id), createdAtMillis);
                known.put(id, snapshot);
                return snapshot;
            } catch (IOException e) {
                throw engine.failure("create snapshot " + id, e);
            }
        }
    }

    Optional<StorageSnapshot> find(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        Snapshot cached = known.get(id);
        if (cached != null) {
            return Optional.of(cached);
        }
        synchronized (changeLock) {
            try (Admin admin = engine.connection().getAdmin()) {
                List<SnapshotDescription> found = admin.listSnapshots(Pattern.compile(Pattern.quote(snapshotName(id))));
                if (found.isEmpty()) {
                    return Optional.empty();
                }
                if (!admin.tableExists(cloneName(id))) {
                    admin.cloneSnapshot(snapshotName(id), cloneName(id)); // created, then the node crashed
                }
                long created = found.get(0).getCreationTime();
                try (Table clone = engine.connection().getTable(cloneName(id))) {
                    byte[] value = clone.get(new Get(CREATED_ROW).addColumn(FAMILY_META, QUALIFIER_META))
                            .getValue(FAMILY_META, QUALIFIER_META);
                    if (value != null) {
                        created = HBaseKeys.longOf(value);
                    }
                }
                Snapshot snapshot = new Snapshot(id, cloneName(id), created);
                known.put(id, snapshot);
                return Optional.of(snapshot);
            } catch (IOException e) {
                throw engine.failure("open snapshot " + id, e);
            }
        }
    }

    List<String> ids() {
        try (Admin admin = engine.connection().getAdmin()) {
            List<String> ids = new ArrayList<>();
            for (SnapshotDescription d : admin.listSnapshots(Pattern.compile(Pattern.quote(prefix) + ".*"))) {
                if (d.getTableName().equals(source)) {
                    ids.add(d.getName().substring(prefix.length()));
                }
            }
            ids.sort(null);
            return ids;
        } catch (IOException e) {
            throw engine.failure("list snapshots", e);
        }
    }

    void drop(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return;
        }
        synchronized (changeLock) {
            Snapshot snapshot = known.remove(id);
            if (snapshot != null) {
                snapshot.dropped();
            }
            try (Admin admin = engine.connection().getAdmin()) {
                TableName clone = cloneName(id);
                try {
                    if (admin.isTableEnabled(clone)) {
                        admin.disableTable(clone);
                    }
                    admin.deleteTable(clone);
                } catch (TableNotFoundException gone) {
                    // never cloned, or dropped half-way before
                }
                if (snapshotExists(admin, id)) {
                    admin.deleteSnapshot(snapshotName(id));
                }
            } catch (IOException e) {
                throw engine.failure("drop snapshot " + id, e);
            }
        }
    }

    private boolean snapshotExists(Admin admin, String id) throws IOException {
        return !admin.listSnapshots(Pattern.compile(Pattern.quote(snapshotName(id)))).isEmpty();
    }

    /** One snapshot: reads go to its clone table. */
    private final class Snapshot implements StorageSnapshot {
        private final String id;
        private final TableName clone;
        private final long createdAtMillis;
        private final Set<HBaseRowScanner> scanners = ConcurrentHashMap.newKeySet();
        private volatile boolean dropped;

        Snapshot(String id, TableName clone, long createdAtMillis) {
            this.id = id;
            this.clone = clone;
            this.createdAtMillis = createdAtMillis;
        }

        void dropped() {
            dropped = true;
            for (HBaseRowScanner scanner : scanners) {
                scanner.abort("snapshot " + id + " was dropped");
            }
            scanners.clear();
        }

        private void checkLive() {
            if (dropped) {
                throw new StorageException("snapshot " + id + " was dropped (" + engine.name() + ")");
            }
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public long createdAtMillis() {
            return createdAtMillis;
        }

        @Override
        public RowScanner scan(long tableId, ScanRange range, ReadSpec spec) {
            checkLive();
            return engine.scan(clone, tableId, range, spec, scanners);
        }

        @Override
        public long logPosition(long tableId, long shardId) {
            checkLive();
            engine.enter();
            try (Table table = engine.connection().getTable(clone)) {
                return HBaseStorageEngine.logPosition(table, tableId, shardId);
            } catch (IOException e) {
                throw engine.failure("log position of table " + tableId + " shard " + shardId + " in snapshot "
                        + id, e);
            } finally {
                engine.exit();
            }
        }
    }
}
