package io.tunnelstore.storage.rocksdb;


import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.contract.ChangeLogContract;
import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/** The change-log contract on RocksDB. */
class ChangeLogTest extends ChangeLogContract {
    @TempDir
    Path dataDir;

    @Override
    protected StorageEngine openEngine(StorageOptions options) {
        return RocksDbStorageEngine.open(dataDir, options);
    }
}
