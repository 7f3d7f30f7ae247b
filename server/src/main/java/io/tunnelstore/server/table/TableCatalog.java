package io.tunnelstore.server.table;

import io.tunnelstore.server.cluster.ClusterPlacement;
import io.tunnelstore.server.cluster.ClusterResources;
import io.tunnelstore.server.cluster.SingleNodePlacement;
import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.MetaEntry;
import io.tunnelstore.storage.StorageEngine;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tables of every instance, persisted in the storage engine's metadata and cached in memory.
 *
 * <p>Layout: {@code table/<instance>/<name>} holds the {@link TableDescriptorCodec encoded descriptor};
 * {@code counter/table-id} holds the last table id handed out (8 bytes big-endian). A table id is never reused,
 * so the rows and change log of a dropped table can never leak into a new table of the same name.
 *
 * <p>Thread-safety: reads ({@link #find}, {@link #list}, …) are lock-free on the in-memory cache; creates, updates
 * and deletes are serialized on the catalog and written durably before the cache changes, so a reader never sees
 * a table that is not persisted.
 */
public final class TableCatalog {

    private static final Logger log = LoggerFactory.getLogger(TableCatalog.class);

    static final String TABLE_PREFIX = "table/";
    static final String TABLE_ID_COUNTER = "counter/table-id";

    private final StorageEngine storage;
    private final ClusterPlacement placement;
    /** Key: instance + '/' + table name. */
    private final Map<String, TableDescriptor> tables = new ConcurrentHashMap<>();
    /** Per table id: row writes hold it shared, a partition split exclusively (see {@link #splitLock}). */
    private final Map<Long, ReadWriteLock> splitLocks = new ConcurrentHashMap<>();

    /**
     * Loads every table descriptor from {@code storage}. A server creates exactly one per engine (see
     * {@code ServerContext#catalog()}): two catalogs over one engine would not see each other's changes.
     */
    public TableCatalog(StorageEngine storage) {
        this(storage, new SingleNodePlacement(storage));
    }

    /**
     * Loads every table descriptor from {@code storage}; catalog changes are written through {@code placement}
     * (fenced by the catalog's ownership epoch in a cluster, where only the catalog owner changes the catalog).
     */
    public TableCatalog(StorageEngine storage, ClusterPlacement placement) {
        this.storage = storage;
        this.placement = placement;
        reload();
        log.info("Loaded {} table(s) from storage", tables.size());
    }

    /**
     * Re-reads every table descriptor from storage, for a node of a cluster whose catalog another node changed (the
     * catalog owner announces each change; docs/scale-out.md). Tables gone from storage are forgotten.
     */
    public synchronized void reload() {
        Map<String, TableDescriptor> loaded = new java.util.HashMap<>();
        for (MetaEntry entry : storage.scanMeta(TABLE_PREFIX)) {
            TableDescriptor d = TableDescriptorCodec.decode(entry.value());
            loaded.put(key(d.instanceName(), d.tableName()), d);
        }
        tables.putAll(loaded);
        tables.keySet().retainAll(loaded.keySet());
    }

    private void writeMeta(MetaBatch batch) {
        placement.writeMeta(ClusterResources.catalog(), batch);
    }

    /**
     * Persists a new table: assigns the next table id to {@code draft} (its own id is ignored) and returns the
     * stored descriptor.
     *
     * @throws io.tunnelstore.protocol.errors.OtsException OTSObjectAlreadyExist when the instance already has a
     *     table of that name
     */
    public synchronized TableDescriptor create(TableDescriptor draft) {
        String key = key(draft.instanceName(), draft.tableName());
        if (tables.containsKey(key)) {
            throw TableErrors.tableExists(draft.tableName());
        }
        long id = storage.getMeta(TABLE_ID_COUNTER).map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L) + 1;
        TableDescriptor created = draft.withTableId(id);
        writeMeta(new MetaBatch()
                .put(TABLE_ID_COUNTER, ByteBuffer.allocate(8).putLong(id).array())
                .put(metaKey(created), TableDescriptorCodec.encode(created)));
        tables.put(key, created);
        log.info("Created table {}/{} with id {} and {} partition(s)",
                created.instanceName(), created.tableName(), id, created.partitions().size());
        return created;
    }

    /** The table, if it exists. */
    public Optional<TableDescriptor> find(String instance, String tableName) {
        TableDescriptor found = tables.get(key(instance, tableName));
        if (found == null && placement.clustered()) {
            // another node may have created it a moment ago, before its announcement reached this node
            reload();
            found = tables.get(key(instance, tableName));
        }
        return Optional.ofNullable(found);
    }

    /**
     * The table. Every request that names a table reaches it through here, so a name no table can have is answered
     * as the public service answers it, before any lookup.
     *
     * @throws io.tunnelstore.protocol.errors.OtsException OTSParameterInvalid {@code Invalid table name: '…'.} for a
     *     name that breaks the naming rule ({@link ObjectNames}); OTSObjectNotExist when the table does not exist
     */
    public TableDescriptor require(String instance, String tableName) {
        ObjectNames.requireTableName(tableName);
        // through find: in a cluster a miss re-reads the catalog (the table may have been created on another node
        // a moment ago, before its announcement arrived here)
        return find(instance, tableName).orElseThrow(() -> TableErrors.tableNotFound(tableName));
    }

    /** The table with this numeric id (any instance). */
    public Optional<TableDescriptor> findById(long tableId) {
        return tables.values().stream().filter(d -> d.tableId() == tableId).findFirst();
    }

    /** The table whose current stream has this id (enabled or not). */
    public Optional<TableDescriptor> findByStreamId(String streamId) {
        return tables.values().stream().filter(d -> streamId.equals(d.stream().streamId())).findFirst();
    }

    /**
     * Tables of one instance, by name. In a cluster the catalog is re-read first, so a listing (ListTable, ListStream,
     * the console) shows a table created through another node as soon as its CreateTable returned, not only after
     * the owner's announcement reached this node; listings are rare, the catalog small.
     */
    public List<TableDescriptor> list(String instance) {
        if (placement.clustered()) {
            reload();
        }
        return tables.values().stream()
                .filter(d -> d.instanceName().equals(instance))
                .sorted(Comparator.comparing(TableDescriptor::tableName))
                .toList();
    }

    /** Every table of every instance. */
    public List<TableDescriptor> all() {
        return new ArrayList<>(tables.values());
    }

    /**
     * Applies {@code change} to the table atomically (with respect to other catalog writes) and persists the result.
     *
     * @throws io.tunnelstore.protocol.errors.OtsException OTSObjectNotExist when the table does not exist; any
     *     exception thrown by {@code change} propagates and nothing is written
     */
    public synchronized TableDescriptor update(String instance, String tableName, UnaryOperator<TableDescriptor> change) {
        TableDescriptor current = require(instance, tableName);
        TableDescriptor updated = change.apply(current);
        if (updated.tableId() != current.tableId() || !updated.tableName().equals(current.tableName())
                || !updated.instanceName().equals(current.instanceName())) {
            throw new IllegalArgumentException("an update cannot change the table's identity");
        }
        writeMeta(new MetaBatch().put(metaKey(updated), TableDescriptorCodec.encode(updated)));
        tables.put(key(instance, tableName), updated);
        return updated;
    }

    /**
     * Removes the table from the catalog, then drops its rows and change log.
     *
     * @throws io.tunnelstore.protocol.errors.OtsException OTSObjectNotExist when the table does not exist
     */
    public synchronized TableDescriptor delete(String instance, String tableName) {
        TableDescriptor current = require(instance, tableName);
        // Catalog first: once the descriptor is gone no new request can reach the data being dropped.
        MetaBatch drop = new MetaBatch().delete(metaKey(current));
        AutoIncrementAllocator.keysOf(storage, current.tableId()).forEach(drop::delete);
        writeMeta(drop);
        tables.remove(key(instance, tableName));
        storage.dropTable(current.tableId());
        log.info("Deleted table {}/{} (id {})", instance, tableName, current.tableId());
        return current;
    }

    /**
     * The partition-split lock of a table. A row write holds the read lock from choosing its partition's shard until
     * its change record is durable; a split holds the write lock while it closes the parent shard and stores the new
     * partitions. So every write lands wholly before the split (in the parent shard) or wholly after it (in a child
     * shard), and the parent's last record is known when it is closed.
     */
    ReadWriteLock splitLock(long tableId) {
        return splitLocks.computeIfAbsent(tableId, id -> new ReentrantReadWriteLock());
    }

    private static String metaKey(TableDescriptor d) {
        return TABLE_PREFIX + key(d.instanceName(), d.tableName());
    }

    private static String key(String instance, String tableName) {
        return instance + "/" + tableName;
    }
}
