package io.tunnelstore.storage.hbase;

import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.contract.RowMutationContract;

/** The row mutation and read contract on HBase. */
class HBaseRowMutationTest extends RowMutationContract {
    private final MiniHBase.TestTable store = new MiniHBase.TestTable();

    @Override
    protected StorageEngine openEngine(StorageOptions options) {
        return store.open(options);
    }
}
