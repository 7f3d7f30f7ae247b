package io.tunnelstore.server.table;

import io.tunnelstore.server.cluster.ClusterPlacement;
import io.tunnelstore.server.cluster.ClusterResources;
import io.tunnelstore.server.cluster.SingleNodePlacement;
import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.MetaEntry;
import io.tunnelstore.storage.StorageEngine;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Values for auto-increment primary-key columns: strictly increasing per partition, as the protocol promises (in
 * practice also per table on a single node), close to the commit time in microseconds like the public service's
 * values.
 *
 * <p>Durability without a metadata write per row: the allocator persists, per partition, a ceiling
 * ({@code autoinc/<tableId>/<shardId>}) {@link #RESERVE} above the value it hands out and raises it before handing
 * out anything beyond it. A partition's first reservation in a process starts above every ceiling of the table (its
 * own, the other partitions', the split parent's, the per-table ceiling of earlier versions), so a value is never
 * handed out twice in a partition, even after a restart, a split, or with the clock gone back.
 *
 * <p>In a cluster (docs/scale-out.md) a partition's values are allocated on its owner (requests are forwarded
 * there) and the ceiling is written through {@link ClusterPlacement#writeMeta}, fenced by the partition's ownership:
 * a deposed owner cannot reserve. A reservation carries a random id; before handing out a value from its cached
 * reservation, a clustered allocator checks that the stored ceiling still carries that id, i.e. that no other node
 * reserved for the partition since (it owned it meanwhile); otherwise it reserves anew above every stored ceiling.
 * So when ownership moves between nodes whose clocks disagree, and back, values keep increasing.
 *
 * <p>Thread-safe (one lock; allocation is rare compared to the row write that follows; in a cluster it costs one
 * metadata read).
 */
final class AutoIncrementAllocator {

    static final String KEY_PREFIX = "autoinc/";
    /** How far ahead of the last value the persisted ceiling is kept (one second of microseconds). */
    static final long RESERVE = 1_000_000;

    private record Partition(long tableId, long shardId) {}

    /** Values up to {@code last} handed out; up to {@code ceiling} reserved in storage under reservation {@code id}. */
    private record Reservation(long last, long ceiling, long id) {}

    private final StorageEngine storage;
    private final ClusterPlacement placement;
    private final Random ids = new SecureRandom();
    private final Map<Partition, Reservation> reservations = new HashMap<>();

    AutoIncrementAllocator(StorageEngine storage) {
        this(storage, new SingleNodePlacement(storage));
    }

    AutoIncrementAllocator(StorageEngine storage, ClusterPlacement placement) {
        this.storage = storage;
        this.placement = placement;
    }

    /**
     * The next value for partition {@code shardId} of {@code tableId}: greater than every value handed out in the
     * partition before (on any node), at least {@code nowMicros}.
     *
     * @throws RuntimeException what {@link ClusterPlacement#writeMeta} throws when this node does not own the
     *     partition (nothing is handed out)
     */
    synchronized long next(long tableId, long shardId, long nowMicros) {
        Partition p = new Partition(tableId, shardId);
        Reservation r = reservations.get(p);
        if (r != null && placement.clustered() && !stillHeld(p, r)) {
            r = null; // another node reserved for this partition since: go above it
        }
        if (r == null) {
            long floor = tableCeiling(tableId);
            r = new Reservation(floor, floor, ids.nextLong());
        }
        long value = Math.max(r.last() + 1, nowMicros);
        long ceiling = r.ceiling();
        if (value > ceiling) {
            ceiling = value + RESERVE;
            placement.writeMeta(ClusterResources.partition(tableId, shardId),
                    new MetaBatch().put(key(tableId, shardId), encode(ceiling, r.id())));
        }
        reservations.put(p, new Reservation(value, ceiling, r.id()));
        return value;
    }

    private boolean stillHeld(Partition p, Reservation r) {
        Optional<byte[]> stored = storage.getMeta(key(p.tableId(), p.shardId()));
        return stored.isPresent() && stored.get().length == 16 && ByteBuffer.wrap(stored.get()).getLong(8) == r.id();
    }

    /** The highest ceiling stored for any partition of the table (or the table, by an earlier version); 0 if none. */
    private long tableCeiling(long tableId) {
        long max = 0;
        for (MetaEntry e : entriesOf(storage, tableId)) {
            max = Math.max(max, ByteBuffer.wrap(e.value()).getLong());
        }
        return max;
    }

    private static byte[] encode(long ceiling, long reservationId) {
        return ByteBuffer.allocate(16).putLong(ceiling).putLong(reservationId).array();
    }

    /** The per-partition key. */
    static String key(long tableId, long shardId) {
        return KEY_PREFIX + tableId + "/" + shardId;
    }

    /** Every allocator key of the table (per partition, and the per-table key of earlier versions): for a drop. */
    static List<String> keysOf(StorageEngine storage, long tableId) {
        List<String> keys = new ArrayList<>();
        entriesOf(storage, tableId).forEach(e -> keys.add(e.key()));
        return keys;
    }

    private static List<MetaEntry> entriesOf(StorageEngine storage, long tableId) {
        String table = KEY_PREFIX + tableId;
        return storage.scanMeta(table).stream()
                .filter(e -> e.key().equals(table) || e.key().startsWith(table + "/"))
                .toList();
    }
}
