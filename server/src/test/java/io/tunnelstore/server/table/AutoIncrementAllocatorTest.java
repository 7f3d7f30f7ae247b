package io.tunnelstore.server.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.rocksdb.RocksDbStorageEngine;
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
            assertThat(a.next(1, 5_000)).isEqualTo(5_000);
            assertThat(a.next(1, 5_000)).isEqualTo(5_001);
            assertThat(a.next(1, 4_000)).isEqualTo(5_002); // the clock went back: still increasing
            assertThat(a.next(2, 4_000)).isEqualTo(4_000); // tables are independent
            assertThat(a.next(1, 9_000)).isEqualTo(9_000);
        }
    }

    @Test
    void valuesNeverRepeatAfterARestartEvenIfTheClockWentBack() {
        long last;
        try (StorageEngine storage = open()) {
            AutoIncrementAllocator a = new AutoIncrementAllocator(storage);
            a.next(7, 10_000);
            last = a.next(7, 10_000);
        }
        try (StorageEngine storage = open()) {
            long next = new AutoIncrementAllocator(storage).next(7, 1);
            assertThat(next).isGreaterThan(last).isEqualTo(10_000 + AutoIncrementAllocator.RESERVE + 1);
        }
    }
}
