package io.tunnelstore.storage.rocksdb;


import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.contract.RowMutationContract;
import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/** The row mutation and read contract on RocksDB. */
class RowMutationTest extends RowMutationContract {
    @TempDir
    Path dataDir;

    @Override
    protected StorageEngine openEngine(StorageOptions options) {
        return RocksDbStorageEngine.open(dataDir, options);
    }
}
