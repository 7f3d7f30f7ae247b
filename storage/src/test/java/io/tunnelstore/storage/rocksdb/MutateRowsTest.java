package io.tunnelstore.storage.rocksdb;

import static io.tunnelstore.storage.contract.TestRows.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.contract.MutateRowsContract;
import java.nio.file.Path;
import io.tunnelstore.storage.RowBatchEntry;
import io.tunnelstore.storage.RowDecider;
import io.tunnelstore.storage.RowMutation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mutateRows contract on RocksDB, and its batching into shared writes. */
class MutateRowsTest extends MutateRowsContract {
    @TempDir
    Path dataDir;

    @Override
    protected StorageEngine openEngine(StorageOptions options) {
        return RocksDbStorageEngine.open(dataDir, options);
    }

    @Test
    void aBatchOfRowsSharesFewerDurableWritesThanRows() {
        RocksDbStorageEngine rocks = (RocksDbStorageEngine) engine;
        List<RowBatchEntry<Void>> batch = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            batch.add(new RowBatchEntry<>(bytes(String.format("row-%03d", i)), (current, versionMillis) ->
                    new RowDecider.Decision<>(new RowMutation().put("v", 1, bytes("x")), 1, bytes("log"), null)));
        }
        long writesBefore = rocks.committer().batchesWritten();
        assertThat(engine.mutateRows(7, batch)).hasSize(200).allSatisfy(o -> assertThat(o.succeeded()).isTrue());
        // all 200 commits were queued back to back: the committer merged them (one write per row would be 200)
        assertThat(rocks.committer().batchesWritten() - writesBefore).isLessThan(100);
    }
}
