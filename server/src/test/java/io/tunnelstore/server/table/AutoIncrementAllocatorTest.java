package io.tunnelstore.server.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.server.cluster.ScriptedPlacement;
import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.rocksdb.RocksDbStorageEngine;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoIncrementAllocatorTest {

    @TempDir
    Path dir;

    private StorageEngine open() {
        return RocksDbStorageEngine.open(dir, StorageOptions.builder().syncWrites(false).build());
    }

    @Test
    void valuesIncreasePerTableAndFollowTheClock() {
        try (StorageEngine storage = open()) {
            AutoIncrementAllocator a = new AutoIncrementAllocator(storage);
            assertThat(a.next(1, 0, 5_000)).isEqualTo(5_000);
            assertThat(a.next(1, 0, 5_000)).isEqualTo(5_001);
            assertThat(a.next(1, 0, 4_000)).isEqualTo(5_002); // the clock went back: still increasing
            assertThat(a.next(2, 0, 4_000)).isEqualTo(4_000); // tables are independent
            assertThat(a.next(1, 0, 9_000)).isEqualTo(9_000);
        }
    }

    @Test
    void aNewPartitionStartsAboveEveryCeilingOfItsTable() {
        try (StorageEngine storage = open()) {
            // an earlier version's per-table ceiling (autoinc/<table>) counts too
            storage.writeMeta(new MetaBatch().put("autoinc/3", ByteBuffer.allocate(8).putLong(50_000).array()));
            AutoIncrementAllocator a = new AutoIncrementAllocator(storage);
            assertThat(a.next(3, 0, 10)).isEqualTo(50_001);
            // a child of a split: above the parent's ceiling
            assertThat(a.next(3, 1, 10)).isEqualTo(50_001 + AutoIncrementAllocator.RESERVE + 1);
            // table 30's keys (autoinc/30/...) are not table 3's
            assertThat(a.next(30, 0, 10)).isEqualTo(10);
            assertThat(AutoIncrementAllocator.keysOf(storage, 3)).containsExactly("autoinc/3", "autoinc/3/0",
                    "autoinc/3/1");
        }
    }

    /** Two "nodes" on one storage: clustered (so an allocator checks its reservation), every resource local. */
    @Test
    void inAClusterValuesKeepIncreasingWhenAPartitionMovesBetweenNodesWithDifferentClocks() {
        try (StorageEngine storage = open()) {
            AutoIncrementAllocator nodeA = new AutoIncrementAllocator(storage, new ScriptedPlacement("node", storage));
            AutoIncrementAllocator nodeB = new AutoIncrementAllocator(storage, new ScriptedPlacement("node", storage));
            long clockA = 5_000_000;
            long clockB = 10; // far behind node A's
            assertThat(nodeA.next(1, 0, clockA)).isEqualTo(5_000_000);
            assertThat(nodeA.next(1, 0, clockA)).isEqualTo(5_000_001);

            // partition 0 moves to node B: above everything node A reserved, whatever B's clock says
            assertThat(nodeB.next(1, 0, clockB)).isEqualTo(5_000_000 + AutoIncrementAllocator.RESERVE + 1);
            assertThat(nodeB.next(1, 0, clockB)).isEqualTo(5_000_000 + AutoIncrementAllocator.RESERVE + 2);

            // and back to node A, whose cached reservation is stale: above node B's
            long bCeiling = 5_000_000 + 2 * AutoIncrementAllocator.RESERVE + 1;
            assertThat(nodeA.next(1, 0, clockA)).isEqualTo(bCeiling + 1);

            // node B also owns partition 1 of the table: its values start above every ceiling of the table too
            long aCeiling = bCeiling + 1 + AutoIncrementAllocator.RESERVE;
            assertThat(nodeB.next(1, 1, clockB)).isEqualTo(aCeiling + 1);
            // while node A goes on in partition 0 from its own (still current) reservation
            assertThat(nodeA.next(1, 0, clockA)).isEqualTo(bCeiling + 2);
        }
    }

    @Test
    void valuesNeverRepeatAfterARestartEvenIfTheClockWentBack() {
        long last;
        try (StorageEngine storage = open()) {
            AutoIncrementAllocator a = new AutoIncrementAllocator(storage);
            a.next(7, 0, 10_000);
            last = a.next(7, 0, 10_000);
        }
        try (StorageEngine storage = open()) {
            long next = new AutoIncrementAllocator(storage).next(7, 0, 1);
            assertThat(next).isGreaterThan(last).isEqualTo(10_000 + AutoIncrementAllocator.RESERVE + 1);
        }
    }
}
