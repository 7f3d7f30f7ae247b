package io.tunnelstore.server.table;

import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.ValueType;
import io.tunnelstore.protocol.pb.TableProtos.PrimaryKeyType;
import io.tunnelstore.storage.LogBounds;
import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.RowScanner;
import io.tunnelstore.storage.ScanRange;
import io.tunnelstore.storage.StorageEngine;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits a partition in two at a value of the first primary-key column: the parent's change-log shard is closed
 * (nothing is appended to it any more; its final sequence is recorded) and each half gets a new shard whose parent is
 * the closed one, so stream and tunnel readers read the parent to its end before the children (PROTOCOL.md §4.2).
 *
 * <p><b>No change lost or duplicated.</b> Row writes hold the table's {@link TableCatalog#splitLock split lock}
 * shared from picking their shard until their record is durable; the split takes it exclusively, so it waits for
 * every write already routed to the parent, reads the parent's last sequence, and stores the new layout in one
 * atomic meta write ({@link TableCatalog#update}) before any later write picks a shard. A write is therefore
 * recorded exactly once: in the parent (before the close) or in a child (after it).
 *
 * <p>Automatic splits: {@link #splitOversized()} splits every partition larger than
 * {@link PartitionSplitConfig#maxPartitionBytes()} near the middle of its data, at a real row's partition key
 * ({@link StorageEngine#splitKeys}), so neither half is empty and rows sharing a partition key stay together.
 *
 * <p>Thread-safe; blocks on storage I/O and, briefly, on in-flight writes of the table.
 */
final class PartitionSplitter {

    private static final Logger log = LoggerFactory.getLogger(PartitionSplitter.class);
    /** Candidate split keys per partition: the one closest to the middle that is usable wins. */
    private static final int CANDIDATES = 8;

    private final TableCatalog catalog;
    private final StorageEngine storage;
    private final LongSupplier clockMillis;
    private final PartitionSplitConfig config;
    /** Recorded as the closer of a split parent's ownership epoch (this node's id). */
    private final String nodeId;

    PartitionSplitter(TableCatalog catalog, StorageEngine storage, LongSupplier clockMillis,
                      PartitionSplitConfig config, String nodeId) {
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Splits partition {@code partitionIndex} (position in key order, from 0) of the table at {@code splitPoint},
     * or, when empty, near the middle of its data.
     *
     * @throws OtsException OTSObjectNotExist for an unknown table; OTSParameterInvalid for an index out of range, a
     *     split point of the wrong type or not strictly inside the partition, or a partition without a usable
     *     split point (fewer than two distinct partition keys)
     */
    PartitionSplit split(String instance, String tableName, int partitionIndex, Optional<ColumnValue> splitPoint) {
        TableDescriptor table = catalog.require(instance, tableName);
        if (partitionIndex < 0 || partitionIndex >= table.partitions().size()) {
            throw TableErrors.invalid("Table %s has no partition %d (it has %d).", tableName, partitionIndex,
                    table.partitions().size());
        }
        Partition parent = table.partitions().get(partitionIndex);
        ColumnValue point = splitPoint.isPresent() ? requireValidPoint(table, parent, splitPoint.get())
                : middlePoint(table, parent).orElseThrow(() -> TableErrors.invalid(
                        "Partition %d of table %s cannot be split: it holds fewer than two partition keys.",
                        partitionIndex, tableName));
        return commit(table, parent, point);
    }

    /**
     * Splits every partition of every table whose data exceeds the configured size (each at most once per call).
     * A partition that cannot be split (one partition key only) is left as it is.
     *
     * @return the splits made
     */
    List<PartitionSplit> splitOversized() {
        List<PartitionSplit> done = new ArrayList<>();
        for (TableDescriptor table : catalog.all()) {
            for (Partition p : table.partitions()) {
                long size = storage.approximateSize(table.tableId(),
                        new ScanRange(p.startKeyInclusive(), p.endKeyExclusive(), false));
                if (size <= config.maxPartitionBytes()) {
                    continue;
                }
                Optional<ColumnValue> point = middlePoint(table, p);
                if (point.isEmpty()) {
                    log.debug("Partition {} of {}/{} has {} bytes but a single partition key: not split",
                            p.index(), table.instanceName(), table.tableName(), size);
                    continue;
                }
                try {
                    done.add(commit(table, p, point.get()));
                } catch (OtsException e) {
                    // dropped or split concurrently: the next check looks again
                    log.debug("Split of partition {} of {}/{} skipped: {}", p.index(), table.instanceName(),
                            table.tableName(), e.getMessage());
                }
            }
        }
        return done;
    }

    /** Closes the parent's shard and stores the two children, under the table's split lock (exclusive). */
    private PartitionSplit commit(TableDescriptor seen, Partition parent, ColumnValue point) {
        Lock exclusive = catalog.splitLock(seen.tableId()).writeLock();
        exclusive.lock();
        try {
            PartitionSplit[] result = new PartitionSplit[1];
            catalog.update(seen.instanceName(), seen.tableName(), current -> {
                if (current.tableId() != seen.tableId()) {
                    throw TableErrors.tableNotFound(seen.tableName());
                }
                Partition live = current.partitions().stream().filter(p -> p.shardId() == parent.shardId())
                        .findFirst()
                        .orElseThrow(() -> TableErrors.invalid("Partition with shard %d of table %s was split "
                                + "concurrently.", parent.shardId(), seen.tableName()));
                // every write routed to the parent on this node has committed (we hold the lock exclusively); on
                // an engine shared by several nodes, close the parent's ownership epoch first, so that its owner
                // (maybe another node, whose layout still shows the parent) can never commit to it again: then this
                // is its end on every node
                storage.fencing().ifPresent(f -> f.close(current.tableId(), live.shardId(), nodeId));
                LogBounds bounds = storage.logBounds(current.tableId(), live.shardId());
                long finalSequence = Math.max(bounds.lastSequence(),
                        storage.trimmedThrough(current.tableId(), live.shardId()));
                long leftId = current.nextShardId();
                Partition left = new Partition(0, live.lowerInclusive(), point, leftId, live.shardId(),
                        Partition.NO_SHARD);
                Partition right = new Partition(0, point, live.upperExclusive(), leftId + 1, live.shardId(),
                        Partition.NO_SHARD);
                List<Partition> layout = new ArrayList<>();
                for (Partition p : current.partitions()) {
                    if (p.shardId() == live.shardId()) {
                        layout.add(left);
                        layout.add(right);
                    } else {
                        layout.add(p);
                    }
                }
                List<Partition> indexed = new ArrayList<>(layout.size());
                for (int i = 0; i < layout.size(); i++) {
                    indexed.add(layout.get(i).withIndex(i));
                }
                Partition leftIndexed = indexed.get(layout.indexOf(left));
                Partition rightIndexed = indexed.get(layout.indexOf(right));
                result[0] = new PartitionSplit(current.instanceName(), current.tableName(), live, point,
                        leftIndexed, rightIndexed, finalSequence);
                return current.withSplit(indexed, new ClosedShard(live, finalSequence, clockMillis.getAsLong()));
            });
            PartitionSplit s = result[0];
            log.info("Split partition {} (shard {}) of {}/{} at {}: shard {} closed at sequence {}, new shards {} "
                            + "and {}", s.parent().index(), s.parent().shardId(), s.instanceName(), s.tableName(),
                    s.splitPoint(), s.parent().shardId(), s.parentFinalSequence(), s.left().shardId(),
                    s.right().shardId());
            return s;
        } finally {
            exclusive.unlock();
        }
    }

    private static ColumnValue requireValidPoint(TableDescriptor table, Partition parent, ColumnValue point) {
        PrimaryKeyType type = table.primaryKeySchema().get(0).getType();
        ValueType expected = switch (type) {
            case INTEGER -> ValueType.INTEGER;
            case STRING -> ValueType.STRING;
            case BINARY -> ValueType.BINARY;
        };
        if (point.type() != expected) {
            throw TableErrors.invalid("Split point %s is not a %s value of primary-key column %s.", point, type,
                    table.primaryKeySchema().get(0).getName());
        }
        if (!parent.strictlyInside(point)) {
            throw TableErrors.invalid("Split point %s is not strictly inside partition %d of table %s.", point,
                    parent.index(), table.tableName());
        }
        return point;
    }

    /**
     * A partition key near the middle of the partition's data that leaves rows on both sides: the first
     * primary-key column of a real row key ({@link StorageEngine#splitKeys}) that is above the partition's first
     * row's. Empty when the partition holds fewer than two distinct partition keys.
     */
    private Optional<ColumnValue> middlePoint(TableDescriptor table, Partition p) {
        ScanRange range = new ScanRange(p.startKeyInclusive(), p.endKeyExclusive(), false);
        long size = storage.approximateSize(table.tableId(), range);
        if (size == 0) {
            return Optional.empty();
        }
        Optional<ColumnValue> first = firstPartitionKey(table, range);
        if (first.isEmpty()) {
            return Optional.empty();
        }
        List<byte[]> keys = storage.splitKeys(table.tableId(), range, Math.max(1, size / CANDIDATES));
        int middle = keys.size() / 2;
        List<Integer> byDistance = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            byDistance.add(i);
        }
        byDistance.sort(Comparator.comparingInt(i -> Math.abs(i - middle)));
        for (int i : byDistance) {
            ColumnValue candidate = KeyCodec.decode(keys.get(i), table.primaryKeySchema()).get(0).value();
            if (candidate.compareTo(first.get()) > 0 && p.strictlyInside(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private Optional<ColumnValue> firstPartitionKey(TableDescriptor table, ScanRange range) {
        try (RowScanner rows = storage.scan(table.tableId(), range, ReadSpec.latest())) {
            if (!rows.hasNext()) {
                return Optional.empty();
            }
            return Optional.of(KeyCodec.decode(rows.next().rowKey(), table.primaryKeySchema()).get(0).value());
        }
    }
}
