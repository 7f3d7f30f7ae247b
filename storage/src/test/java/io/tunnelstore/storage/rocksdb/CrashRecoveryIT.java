package io.tunnelstore.storage.rocksdb;

import io.tunnelstore.storage.contract.TestRows;

import static io.tunnelstore.storage.contract.TestRows.bytes;
import static io.tunnelstore.storage.contract.TestRows.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.storage.LogRecord;
import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.ScanRange;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.StoredRow;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing child JVM with SIGKILL and checks that every acknowledged write, and its log record, survived,
 * and that each shard's sequences are gap-free and consistent with the rows.
 */
class CrashRecoveryIT {
    private static final int ACKS_BEFORE_KILL = 300;

    @TempDir
    Path tempRoot;

    private record Ack(String row, long shard, long sequence) {}

    @Test
    void acknowledgedWritesSurviveKillDashNine() throws Exception {
        Path dataDir = tempRoot.resolve("data");
        Process child = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                CrashWriterMain.class.getName(),
                dataDir.toString())
                .redirectError(tempRoot.resolve("child-stderr.txt").toFile())
                .start();
        List<Ack> acks;
        try {
            acks = CompletableFuture.supplyAsync(() -> readAcks(child)).get(120, TimeUnit.SECONDS);
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no close, mid-write
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(acks).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);

        try (RocksDbStorageEngine engine = RocksDbStorageEngine.open(dataDir, StorageOptions.defaults())) {
            for (Ack ack : acks) {
                StoredRow row = engine.readRow(CrashWriterMain.TABLE, bytes(ack.row()), ReadSpec.latest())
                        .orElseThrow(() -> new AssertionError("acknowledged row lost: " + ack));
                assertThat(text(row.cells().get(0).value())).isEqualTo(ack.row());
                List<LogRecord> record = engine.readLog(CrashWriterMain.TABLE, ack.shard(), ack.sequence(), 1,
                        Long.MAX_VALUE);
                assertThat(record).as("log record of %s", ack).hasSize(1);
                assertThat(record.get(0).sequence()).isEqualTo(ack.sequence());
                assertThat(text(record.get(0).payload())).isEqualTo(ack.row());
            }

            // rows written after the last ack may or may not be there, but never without their record
            Set<String> logged = new HashSet<>();
            for (long shard = 0; shard < CrashWriterMain.SHARDS; shard++) {
                List<LogRecord> log = engine.readLog(CrashWriterMain.TABLE, shard, 1, Integer.MAX_VALUE,
                        Long.MAX_VALUE);
                for (int i = 0; i < log.size(); i++) {
                    assertThat(log.get(i).sequence()).isEqualTo(i + 1L);
                    logged.add(text(log.get(i).payload()));
                }
            }
            Set<String> rows = new HashSet<>();
            TestRows.drain(engine.scan(CrashWriterMain.TABLE, ScanRange.all(), ReadSpec.latest()))
                    .forEach(row -> rows.add(text(row.rowKey())));
            assertThat(rows).isEqualTo(logged);

            // the recovered counters continue each shard without a gap
            long shard0Last = engine.logBounds(CrashWriterMain.TABLE, 0).lastSequence();
            assertThat(TestRows.applyLogged(engine, CrashWriterMain.TABLE, bytes("after"),
                    new RowMutation(), 0, bytes("after")).sequence()).isEqualTo(shard0Last + 1);
        }
    }

    private static List<Ack> readAcks(Process child) {
        List<Ack> acks = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (acks.size() < ACKS_BEFORE_KILL && (line = out.readLine()) != null) {
                String[] parts = line.split(" ");
                acks.add(new Ack(parts[1], Long.parseLong(parts[2]), Long.parseLong(parts[3])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (acks.size() < ACKS_BEFORE_KILL) {
            throw new AssertionError("child exited after " + acks.size() + " acks; see its stderr file");
        }
        return acks;
    }
}
