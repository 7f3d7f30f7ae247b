package io.tunnelstore.storage.rocksdb;

import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.contract.RowRewriteContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Rows rewritten the server's way, then read, on RocksDB. */
class RowRewriteTest extends RowRewriteContract {
    @TempDir
    Path dataDir;

    @Override
    protected StorageEngine openEngine(StorageOptions options) {
        return RocksDbStorageEngine.open(dataDir, options);
    }
}
