package io.tunnelstore.storage.hbase;

import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.contract.ConcurrencyContract;

/** The concurrency contract on HBase. */
class HBaseConcurrencyTest extends ConcurrencyContract {
    private final MiniHBase.TestTable store = new MiniHBase.TestTable();

    @Override
    protected StorageEngine openEngine(StorageOptions options) {
        return store.open(options);
    }
}
