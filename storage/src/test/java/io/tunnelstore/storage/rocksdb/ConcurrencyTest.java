package io.tunnelstore.storage.rocksdb;

import static io.tunnelstore.storage.contract.TestRows.bytes;
import static io.tunnelstore.storage.contract.TestRows.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.contract.ConcurrencyContract;
import io.tunnelstore.testsupport.Await;
import java.nio.file.Path;
import io.tunnelstore.storage.LogRecord;
import io.tunnelstore.storage.MutationResult;
import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.contract.TestRows;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The concurrency contract on RocksDB, and its group committer merging queued commits. */
class ConcurrencyTest extends ConcurrencyContract {
    private static final long TABLE = 5;

    @TempDir
    Path dataDir;

    @Override
    protected StorageEngine openEngine(StorageOptions options) {
        return RocksDbStorageEngine.open(dataDir, options);
    }

    private RocksDbStorageEngine rocks() {
        return (RocksDbStorageEngine) engine;
    }

    @Test
    void commitsQueuedWhileTheCommitterIsBusyShareOneWrite() throws Exception {
        CountDownLatch firstCommitDurable = new CountDownLatch(1);
        CountDownLatch releaseCommitter = new CountDownLatch(1);
        engine.addLogListener((table, shard, sequence) -> {
            if (shard == 99) { // park the committer inside the first commit's notification
                firstCommitDurable.countDown();
                await(releaseCommitter);
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            Future<MutationResult<Void>> first = pool.submit(() -> TestRows.applyLogged(engine, TABLE,
                    bytes("first"), new RowMutation().put("c", 1, bytes("x")), 99, bytes("first")));
            assertThat(firstCommitDurable.await(30, TimeUnit.SECONDS)).isTrue();
            long batchesBefore = rocks().committer().batchesWritten();

            List<Future<MutationResult<Void>>> queued = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String row = "queued-" + i;
                queued.add(pool.submit(() -> TestRows.applyLogged(engine, TABLE, bytes(row),
                        new RowMutation().put("c", 1, bytes(row)), 0, bytes(row))));
            }
            // the four callers are about to queue; there is nothing to wait on but the queue itself
            Await.until("four commits queued", Duration.ofSeconds(30), () -> rocks().committer().queuedCommits() >= 4);
            releaseCommitter.countDown();

            assertThat(first.get(30, TimeUnit.SECONDS).sequence()).isEqualTo(1);
            Map<Long, String> bySequence = new HashMap<>();
            for (Future<MutationResult<Void>> future : queued) {
                future.get(30, TimeUnit.SECONDS);
            }
            for (LogRecord record : engine.readLog(TABLE, 0, 1, 10, Long.MAX_VALUE)) {
                bySequence.put(record.sequence(), text(record.payload()));
            }
            assertThat(bySequence).hasSize(4).containsKeys(1L, 2L, 3L, 4L);
            // the four commits that waited were merged into a single WriteBatch (one fsync)
            assertThat(rocks().committer().batchesWritten() - batchesBefore).isEqualTo(1);
        } finally {
            releaseCommitter.countDown();
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test latch not released in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
