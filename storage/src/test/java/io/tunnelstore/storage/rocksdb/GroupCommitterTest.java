package io.tunnelstore.storage.rocksdb;

import io.tunnelstore.storage.contract.TestRows;

import static io.tunnelstore.storage.contract.TestRows.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.storage.StorageException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/** The group committer on a real database with a scripted writer: merging, ordering and the failure policy. */
class GroupCommitterTest {
    @TempDir
    Path dir;

    private Options options;
    private RocksDB db;
    private WriteOptions writeOptions;
    private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    private final List<Long> notified = new CopyOnWriteArrayList<>();
    private final AtomicBoolean failNextWrite = new AtomicBoolean();
    private volatile CountDownLatch writerEntered = new CountDownLatch(0);
    private volatile CountDownLatch writerRelease = new CountDownLatch(0);
    private GroupCommitter committer;

    @BeforeEach
    void open() throws RocksDBException {
        RocksDB.loadLibrary();
        options = new Options().setCreateIfMissing(true);
        db = RocksDB.open(options, dir.toString());
        writeOptions = new WriteOptions().setSync(true);
        committer = new GroupCommitter(batch -> {
            writerEntered.countDown();
            awaitLatch(writerRelease);
            if (failNextWrite.getAndSet(false)) {
                throw new RocksDBException("disk full");
            }
            batchSizes.add(batch.count());
            db.write(writeOptions, batch);
        }, commit -> notified.add(commit.appended() == null ? -1 : commit.appended().sequence()), "test-db");
    }

    @AfterEach
    void close() {
        writerRelease.countDown();
        committer.close();
        writeOptions.close();
        db.close();
        options.close();
    }

    private CompletableFuture<Void> put(String key, long sequence) {
        WriteOps ops = new WriteOps().put(db.getDefaultColumnFamily(), bytes(key), bytes("v"));
        return committer.enqueue(ops, new GroupCommitter.AppendedRecord(1, 0, sequence));
    }

    @Test
    void commitsQueuedBehindABusyWriteAreMergedIntoOneBatchInQueueOrder() throws Exception {
        writerEntered = new CountDownLatch(1);
        writerRelease = new CountDownLatch(1);
        CompletableFuture<Void> first = put("a", 1);
        assertThat(writerEntered.await(30, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<Void>> queued = new ArrayList<>();
        for (int i = 2; i <= 4; i++) {
            queued.add(put("k" + i, i));
        }
        assertThat(committer.queuedCommits()).isEqualTo(3);
        writerRelease.countDown();

        first.get(30, TimeUnit.SECONDS);
        for (CompletableFuture<Void> future : queued) {
            future.get(30, TimeUnit.SECONDS);
        }
        assertThat(batchSizes).containsExactly(1, 3);
        assertThat(committer.batchesWritten()).isEqualTo(2);
        assertThat(notified).containsExactly(1L, 2L, 3L, 4L);
        assertThat(db.get(bytes("k4"))).isEqualTo(bytes("v"));
    }

    @Test
    void failedWriteFailsItsGroupAndEveryLaterCommit() {
        failNextWrite.set(true);
        CompletableFuture<Void> failed = put("a", 1);
        assertThatThrownBy(failed::join)
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOf(StorageException.class)
                .hasMessage("write to test-db failed: disk full");
        assertThat(notified).isEmpty();

        assertThatThrownBy(() -> put("b", 2))
                .isInstanceOf(StorageException.class)
                .hasMessage("storage engine test-db failed earlier and must be reopened");
        assertThat(batchSizes).isEmpty();
    }

    @Test
    void closeWritesWhatIsQueuedBeforeStopping() throws Exception {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            futures.add(put("k" + i, i));
        }
        committer.close();
        for (CompletableFuture<Void> future : futures) {
            assertThat(future).isCompleted();
            future.get();
        }
        assertThat(batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(20);
        assertThat(notified).hasSize(20);
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("writer latch not released in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
