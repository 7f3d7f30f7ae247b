package io.tunnelstore.server.table;

import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.StorageEngine;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Values for auto-increment primary-key columns: strictly increasing per table (so also per partition, as the
 * protocol requires), close to the commit time in microseconds like the public service's values.
 *
 * <p>Durability without a metadata write per row: the allocator persists a ceiling ({@code autoinc/<tableId>})
 * {@link #RESERVE} above the value it hands out and raises it before handing out anything beyond it; after a restart
 * it continues above the persisted ceiling, so a value is never handed out twice even if the clock went back.
 *
 * <p>Thread-safe (one lock; allocation is rare compared to the row write that follows).
 */
final class AutoIncrementAllocator {

    static final String KEY_PREFIX = "autoinc/";
    /** How far ahead of the last value the persisted ceiling is kept (one second of microseconds). */
    static final long RESERVE = 1_000_000;

    private record State(long last, long ceiling) {}

    private final StorageEngine storage;
    private final Map<Long, State> states = new HashMap<>();

    AutoIncrementAllocator(StorageEngine storage) {
        this.storage = storage;
    }

    /** The next value for {@code tableId}: greater than every value handed out before, at least {@code nowMicros}. */
    synchronized long next(long tableId, long nowMicros) {
        State s = states.computeIfAbsent(tableId, id -> {
            long persisted = storage.getMeta(key(id)).map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L);
            return new State(persisted, persisted);
        });
        long value = Math.max(s.last() + 1, nowMicros);
        long ceiling = s.ceiling();
        if (value > ceiling) {
            ceiling = value + RESERVE;
            storage.writeMeta(new MetaBatch().put(key(tableId), ByteBuffer.allocate(8).putLong(ceiling).array()));
        }
        states.put(tableId, new State(value, ceiling));
        return value;
    }

    static String key(long tableId) {
        return KEY_PREFIX + tableId;
    }
}
