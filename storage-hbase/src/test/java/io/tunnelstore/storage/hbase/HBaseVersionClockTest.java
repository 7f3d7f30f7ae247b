package io.tunnelstore.storage.hbase;

import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.contract.VersionClockContract;

/** The row version time contract on HBase. */
class HBaseVersionClockTest extends VersionClockContract {
    private final MiniHBase.TestTable store = new MiniHBase.TestTable();

    @Override
    protected StorageEngine openEngine(StorageOptions options) {
        return store.open(options);
    }
}
