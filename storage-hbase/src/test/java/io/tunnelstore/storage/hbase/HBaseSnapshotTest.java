package io.tunnelstore.storage.hbase;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.contract.SnapshotContract;
import java.io.IOException;
import java.util.regex.Pattern;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;

/** The snapshot contract on HBase (HBase table snapshots read through clones, {@link HBaseSnapshots}). */
class HBaseSnapshotTest extends SnapshotContract {
    /** Its own HBase table: snapshots, clones and their file archiving stay away from the other tests' table. */
    private final MiniHBase.TestTable store = new MiniHBase.TestTable("tunnelstore_snapshots");
    private boolean cleaned;

    @Override
    protected StorageEngine openEngine(StorageOptions options) {
        HBaseStorageEngine engine = store.open(options);
        if (!cleaned) {
            cleaned = true; // snapshots other tests of the shared table left behind
            engine.snapshotIds().forEach(engine::dropSnapshot);
        }
        return engine;
    }

    @Override
    protected void assertSnapshotStorageFreed(String id) {
        String name = store.name() + HBaseSnapshots.MARKER + id;
        try (Admin admin = MiniHBase.connection().getAdmin()) {
            assertThat(admin.tableExists(TableName.valueOf(name))).isFalse();
            assertThat(admin.listSnapshots(Pattern.compile(Pattern.quote(name)))).isEmpty();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Each round is an HBase snapshot, a clone and a drop: about 3 s on the minicluster. */
    @Override
    protected int concurrentSnapshotRounds() {
        return 3;
    }
}
