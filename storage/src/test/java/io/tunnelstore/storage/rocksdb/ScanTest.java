package io.tunnelstore.storage.rocksdb;


import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.contract.ScanContract;
import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/** The scan contract on RocksDB. */
class ScanTest extends ScanContract {
    @TempDir
    Path dataDir;

    @Override
    protected StorageEngine openEngine(StorageOptions options) {
        return RocksDbStorageEngine.open(dataDir, options);
    }
}
