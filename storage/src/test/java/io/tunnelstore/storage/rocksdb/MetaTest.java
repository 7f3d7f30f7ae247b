package io.tunnelstore.storage.rocksdb;


import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.contract.MetaContract;
import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/** The metadata contract on RocksDB. */
class MetaTest extends MetaContract {
    @TempDir
    Path dataDir;

    @Override
    protected StorageEngine openEngine(StorageOptions options) {
        return RocksDbStorageEngine.open(dataDir, options);
    }
}
