package io.tunnelstore.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.contract.SnapshotContract;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot contract on RocksDB (checkpoints in DATA_DIR/snapshots). */
class SnapshotTest extends SnapshotContract {
    @TempDir
    Path dataDir;

    @Override
    protected StorageEngine openEngine(StorageOptions options) {
        return RocksDbStorageEngine.open(dataDir, options);
    }

    @Override
    protected void assertSnapshotStorageFreed(String id) {
        assertThat(Files.exists(dataDir.resolve("snapshots").resolve(id))).isFalse();
    }
}
