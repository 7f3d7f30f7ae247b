package io.tunnelstore.storage.hbase;

import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.contract.RowRewriteContract;

/** Rows rewritten the server's way, then read, on HBase. */
class HBaseRowRewriteTest extends RowRewriteContract {
    private final MiniHBase.TestTable store = new MiniHBase.TestTable();

    @Override
    protected StorageEngine openEngine(StorageOptions options) {
        return store.open(options);
    }
}
