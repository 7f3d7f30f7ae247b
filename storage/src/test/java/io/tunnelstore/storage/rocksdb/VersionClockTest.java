package io.tunnelstore.storage.rocksdb;


import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.contract.VersionClockContract;
import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/** The row version time contract on RocksDB. */
class VersionClockTest extends VersionClockContract {
    @TempDir
    Path dataDir;

    @Override
    protected StorageEngine openEngine(StorageOptions options) {
        return RocksDbStorageEngine.open(dataDir, options);
    }
}
