package io.tunnelstore.server.table;

import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.pb.TableProtos.PrimaryKeySchema;
import io.tunnelstore.protocol.pb.TableProtos.TableMeta;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the server knows about one table. Immutable; changes produce a new descriptor through the
 * {@code with*} methods and are persisted by {@link TableCatalog}.
 *
 * @param instanceName        instance the table belongs to
 * @param tableId             numeric id, unique across instances; the storage keyspace and change-log id
 * @param meta                name, primary-key schema (1–4 columns) and defined columns, as sent in CreateTable
 * @param timeToLiveSeconds   data time to live in seconds, -1 = forever
 * @param maxVersions         versions kept per column
 * @param deviationSeconds    how far a written timestamp may be from now, in seconds
 * @param reservedRead        reserved read throughput (accepted and reported, not enforced)
 * @param reservedWrite       reserved write throughput (accepted and reported, not enforced)
 * @param throughputChangedAtSeconds last change of the reserved throughput (seconds since the epoch)
 * @param creationTimeMillis  when the table was created
 * @param partitions          partitions in key order covering the whole key space, each with its (open) shard
 * @param stream              stream (change log) settings
 * @param closedShards        shards of partitions that were split, oldest first: no more appends, still readable
 */
public record TableDescriptor(
        String instanceName,
        long tableId,
        TableMeta meta,
        int timeToLiveSeconds,
        int maxVersions,
        long deviationSeconds,
        int reservedRead,
        int reservedWrite,
        long throughputChangedAtSeconds,
        long creationTimeMillis,
        List<Partition> partitions,
        StreamSettings stream,
        List<ClosedShard> closedShards) {

    /** TTL value meaning "keep forever". */
    public static final int TTL_FOREVER = -1;

    public TableDescriptor {
        Objects.requireNonNull(instanceName, "instanceName");
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(stream, "stream");
        partitions = List.copyOf(partitions);
        closedShards = List.copyOf(closedShards);
        if (partitions.isEmpty()) {
            throw new IllegalArgumentException("a table has at least one partition");
        }
    }

    /** A table none of whose partitions was ever split. */
    public TableDescriptor(String instanceName, long tableId, TableMeta meta, int timeToLiveSeconds, int maxVersions,
                           long deviationSeconds, int reservedRead, int reservedWrite, long throughputChangedAtSeconds,
                           long creationTimeMillis, List<Partition> partitions, StreamSettings stream) {
        this(instanceName, tableId, meta, timeToLiveSeconds, maxVersions, deviationSeconds, reservedRead,
                reservedWrite, throughputChangedAtSeconds, creationTimeMillis, partitions, stream, List.of());
    }

    public String tableName() {
        return meta.getTableName();
    }

    public List<PrimaryKeySchema> primaryKeySchema() {
        return meta.getPrimaryKeyList();
    }

    /** The partition holding rows whose first primary-key column is {@code partitionKey}. */
    public Partition partitionFor(ColumnValue partitionKey) {
        // Partitions are few (split points given at creation), so a linear scan is fine.
        for (Partition p : partitions) {
            if (p.contains(partitionKey)) {
                return p;
            }
        }
        throw new IllegalStateException("partitions of table " + tableName() + " do not cover " + partitionKey);
    }

    /**
     * The partition whose shard is {@code shardId}: a live partition, or the partition of a closed shard (as it was
     * when it was split). Empty for an unknown shard.
     */
    public Optional<Partition> partitionByShard(long shardId) {
        return shards().stream().filter(p -> p.shardId() == shardId).findFirst();
    }

    /**
     * Every change-log shard of the table, closed or open, as partitions ordered by shard id: a parent always comes
     * before its children (children get higher ids).
     */
    public List<Partition> shards() {
        List<Partition> all = new ArrayList<>(closedShards.size() + partitions.size());
        closedShards.forEach(c -> all.add(c.partition()));
        all.addAll(partitions);
        all.sort(Comparator.comparingLong(Partition::shardId));
        return List.copyOf(all);
    }

    /** The closed shard {@code shardId}, empty when it is open or unknown. */
    public Optional<ClosedShard> closedShard(long shardId) {
        return closedShards.stream().filter(c -> c.shardId() == shardId).findFirst();
    }

    /** Whether shard {@code shardId} is closed (its partition was split; nothing is appended any more). */
    public boolean isShardClosed(long shardId) {
        return closedShard(shardId).isPresent();
    }

    /** The id the next new shard gets: above every shard the table has (ids are never reused). */
    long nextShardId() {
        return shards().stream().mapToLong(Partition::shardId).max().orElse(0) + 1;
    }

    /**
     * Lowest version timestamp (ms) still visible at {@code nowMillis} under the TTL; 0 when data never expires.
     */
    public long minVisibleTimestamp(long nowMillis) {
        return timeToLiveSeconds == TTL_FOREVER ? 0 : Math.max(0, nowMillis - timeToLiveSeconds * 1000L);
    }

    public TableDescriptor withTableId(long id) {
        return new TableDescriptor(instanceName, id, meta, timeToLiveSeconds, maxVersions, deviationSeconds,
                reservedRead, reservedWrite, throughputChangedAtSeconds, creationTimeMillis, partitions, stream,
                closedShards);
    }

    public TableDescriptor withOptions(int ttlSeconds, int versions, long deviation) {
        return new TableDescriptor(instanceName, tableId, meta, ttlSeconds, versions, deviation,
                reservedRead, reservedWrite, throughputChangedAtSeconds, creationTimeMillis, partitions, stream,
                closedShards);
    }

    public TableDescriptor withReservedThroughput(int read, int write, long changedAtSeconds) {
        return new TableDescriptor(instanceName, tableId, meta, timeToLiveSeconds, maxVersions, deviationSeconds,
                read, write, changedAtSeconds, creationTimeMillis, partitions, stream, closedShards);
    }

    public TableDescriptor withStream(StreamSettings settings) {
        return new TableDescriptor(instanceName, tableId, meta, timeToLiveSeconds, maxVersions, deviationSeconds,
                reservedRead, reservedWrite, throughputChangedAtSeconds, creationTimeMillis, partitions, settings,
                closedShards);
    }

    /** The table after a split: {@code newPartitions} replace the partitions, {@code closed} joins the closed shards. */
    TableDescriptor withSplit(List<Partition> newPartitions, ClosedShard closed) {
        List<ClosedShard> allClosed = new ArrayList<>(closedShards);
        allClosed.add(closed);
        return new TableDescriptor(instanceName, tableId, meta, timeToLiveSeconds, maxVersions, deviationSeconds,
                reservedRead, reservedWrite, throughputChangedAtSeconds, creationTimeMillis, newPartitions, stream,
                allClosed);
    }
}
