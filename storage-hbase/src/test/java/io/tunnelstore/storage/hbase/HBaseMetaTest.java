package io.tunnelstore.storage.hbase;

import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.contract.MetaContract;

/** The metadata contract on HBase. */
class HBaseMetaTest extends MetaContract {
    private final MiniHBase.TestTable store = new MiniHBase.TestTable();

    @Override
    protected StorageEngine openEngine(StorageOptions options) {
        return store.open(options);
    }
}
