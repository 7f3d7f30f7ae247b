package io.tunnelstore.server.table;

import io.tunnelstore.protocol.pb.TableProtos.CapacityUnit;
import io.tunnelstore.protocol.pb.TableProtos.ConsumedCapacity;

/** Consumed capacity units: 1 per started 4 KB, at least 1 (PROTOCOL.md §7). Stateless. */
final class Capacity {

    private static final int UNIT_BYTES = 4096;

    private Capacity() {}

    static int units(long bytes) {
        return (int) Math.max(1, (bytes + UNIT_BYTES - 1) / UNIT_BYTES);
    }

    /** A ConsumedCapacity with both read and write set (Go dereferences both). */
    static ConsumedCapacity of(int read, int write) {
        return ConsumedCapacity.newBuilder()
                .setCapacityUnit(CapacityUnit.newBuilder().setRead(read).setWrite(write))
                .build();
    }
}
