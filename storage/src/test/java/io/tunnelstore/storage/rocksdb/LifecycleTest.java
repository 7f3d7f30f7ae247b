package io.tunnelstore.storage.rocksdb;

import io.tunnelstore.storage.contract.TestRows;

import static io.tunnelstore.storage.contract.TestRows.apply;
import static io.tunnelstore.storage.contract.TestRows.applyLogged;
import static io.tunnelstore.storage.contract.TestRows.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.storage.LogBounds;
import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.ScanRange;
import io.tunnelstore.storage.StorageException;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.testsupport.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening, the directory lock, reopening with data and counters, and closing. */
class LifecycleTest extends EngineTestBase {

    @Test
    void rowsLogAndSequenceCountersSurviveReopen() {
        apply(engine, 1, bytes("a"), new RowMutation().put("c", 3, bytes("v3")).put("c", 4, bytes("v4")));
        for (int i = 0; i < 3; i++) {
            applyLogged(engine, 1, bytes("b"), new RowMutation().put("c", i, bytes("x")), 0, bytes("p" + i));
        }
        applyLogged(engine, 1, bytes("b"), new RowMutation(), 9, bytes("q"));

        reopen();

        assertThat(engine.readRow(1, bytes("a"), ReadSpec.allVersions()).map(TestRows::describe).orElseThrow())
                .containsExactly("c@4=v4", "c@3=v3");
        assertThat(engine.logBounds(1, 0)).isEqualTo(new LogBounds(1, 3));
        assertThat(applyLogged(engine, 1, bytes("b"), new RowMutation(), 0, bytes("p3")).sequence()).isEqualTo(4);
        assertThat(applyLogged(engine, 1, bytes("b"), new RowMutation(), 9, bytes("q2")).sequence()).isEqualTo(2);
    }

    @Test
    void secondOpenOfTheSameDirectoryFailsClearly() {
        assertThatThrownBy(() -> RocksDbStorageEngine.open(dataDir, options()))
                .isInstanceOf(StorageException.class)
                .hasMessage("data directory " + dataDir.toAbsolutePath()
                        + " is in use by another Tunnelstore process (or by another engine in this process)");
        // the failed attempt must not have disturbed the open engine
        apply(engine, 1, bytes("a"), new RowMutation().put("c", 1, bytes("still works")));
        assertThat(engine.readRow(1, bytes("a"), ReadSpec.latest())).isPresent();
    }

    @Test
    void directoryCanBeOpenedAgainAfterClose() {
        engine.close();
        engine = RocksDbStorageEngine.open(dataDir, options());
        assertThat(engine.dataDir()).isEqualTo(dataDir.toAbsolutePath());
    }

    @Test
    void openCreatesMissingDirectories(@TempDir Path other) {
        Path nested = other.resolve("a/b/c");
        try (RocksDbStorageEngine second = RocksDbStorageEngine.open(nested, StorageOptions.defaults())) {
            second.writeMeta(new MetaBatch().put("k", bytes("v")));
        }
        assertThat(Files.isRegularFile(nested.resolve(DataDirLock.FILE_NAME))).isTrue();
    }

    @Test
    void openFailsClearlyWhenTheDirectoryCannotBeCreated() throws Exception {
        Path file = Files.writeString(dataDir.resolve("plain-file"), "x");
        assertThatThrownBy(() -> RocksDbStorageEngine.open(file.resolve("sub"), options()))
                .isInstanceOf(StorageException.class)
                .hasMessageStartingWith("cannot create data directory " + file.resolve("sub"));
    }

    @Test
    void closeIsIdempotentAndLaterCallsFail() {
        engine.close();
        engine.close();
        String closed = "storage engine " + dataDir.toAbsolutePath() + " is closed";
        assertThatThrownBy(() -> engine.readRow(1, bytes("a"), ReadSpec.latest()))
                .isInstanceOf(StorageException.class).hasMessage(closed);
        assertThatThrownBy(() -> apply(engine, 1, bytes("a"), new RowMutation().put("c", 1, bytes("x"))))
                .isInstanceOf(StorageException.class).hasMessage(closed);
        assertThatThrownBy(() -> engine.scan(1, ScanRange.all(), ReadSpec.latest()))
                .isInstanceOf(StorageException.class).hasMessage(closed);
        assertThatThrownBy(() -> engine.writeMeta(new MetaBatch().put("k", bytes("v"))))
                .isInstanceOf(StorageException.class).hasMessage(closed);
        assertThatThrownBy(() -> engine.readLog(1, 0, 1, 1, 1))
                .isInstanceOf(StorageException.class).hasMessage(closed);
        engine = null;
    }

    @Test
    void unsyncedWritesSurviveACleanClose() {
        engine.close();
        StorageOptions unsynced = options().toBuilder().syncWrites(false).build();
        engine = RocksDbStorageEngine.open(dataDir, unsynced);
        applyLogged(engine, 1, bytes("a"), new RowMutation().put("c", 1, bytes("x")), 0, bytes("p"));
        engine.close();
        engine = RocksDbStorageEngine.open(dataDir, unsynced);
        assertThat(engine.readRow(1, bytes("a"), ReadSpec.latest())).isPresent();
        assertThat(engine.logBounds(1, 0)).isEqualTo(new LogBounds(1, 1));
    }

    @Test
    void closeWaitsForInFlightCommits() throws Exception {
        CountDownLatch parked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        engine.addLogListener((table, shard, sequence) -> {
            parked.countDown(); // the commit is durable; keep the committer busy until the test says so
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CompletableFuture<Long> write = CompletableFuture.supplyAsync(
                () -> applyLogged(engine, 1, bytes("a"), new RowMutation().put("c", 1, bytes("x")), 0, bytes("p"))
                        .sequence());
        assertThat(parked.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> close = CompletableFuture.runAsync(engine::close);

        // close has shut the gate and is now waiting for the write
        Await.until("close started", Duration.ofSeconds(30), this::refusesCalls);
        assertThat(close).isNotDone();
        assertThat(write).isNotDone();

        release.countDown();
        assertThat(write.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        close.get(30, TimeUnit.SECONDS);
        engine = RocksDbStorageEngine.open(dataDir, options());
        assertThat(engine.readRow(1, bytes("a"), ReadSpec.latest())).isPresent();
    }

    private boolean refusesCalls() {
        try {
            engine.getMeta("probe");
            return false;
        } catch (StorageException e) {
            return true;
        }
    }
}
