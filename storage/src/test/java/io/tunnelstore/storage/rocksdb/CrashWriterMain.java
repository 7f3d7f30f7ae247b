package io.tunnelstore.storage.rocksdb;

import io.tunnelstore.storage.MutationResult;
import io.tunnelstore.storage.RowDecider;
import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.StorageOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child process of {@link CrashRecoveryIT}: writes rows forever, each with a log record, and prints
 * {@code ack <row> <shard> <sequence>} once a write is acknowledged (durable). It is killed with SIGKILL.
 */
public final class CrashWriterMain {
    static final long TABLE = 77;
    static final int SHARDS = 3;

    private CrashWriterMain() {}

    public static void main(String[] args) {
        RocksDbStorageEngine engine = RocksDbStorageEngine.open(Path.of(args[0]), StorageOptions.defaults());
        for (long n = 0; ; n++) {
            long i = n;
            String row = "row-" + i;
            long shard = i % SHARDS;
            byte[] payload = row.getBytes(StandardCharsets.UTF_8);
            MutationResult<Void> result = engine.mutateRow(TABLE, payload, (current, versionMillis) -> new RowDecider.Decision<>(
                    new RowMutation().put("v", i, payload), shard, payload, null));
            System.out.println("ack " + row + " " + shard + " " + result.sequence());
            System.out.flush();
        }
    }
}
