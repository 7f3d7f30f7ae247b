package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.ClientConfiguration;
import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.model.RetryStrategy;
import com.alicloud.openservices.tablestore.model.Column;
import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.CreateTableRequest;
import com.alicloud.openservices.tablestore.model.PrimaryKey;
import com.alicloud.openservices.tablestore.model.PrimaryKeyBuilder;
import com.alicloud.openservices.tablestore.model.PrimaryKeySchema;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.Row;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.SingleRowQueryCriteria;
import com.alicloud.openservices.tablestore.model.StreamSpecification;
import com.alicloud.openservices.tablestore.model.TableMeta;
import com.alicloud.openservices.tablestore.model.TableOptions;
import io.tunnelstore.server.table.ChangeRecord;
import io.tunnelstore.server.table.ChangeRecordCodec;
import io.tunnelstore.server.table.KeyCodec;
import io.tunnelstore.server.table.Partition;
import io.tunnelstore.server.table.TableCatalog;
import io.tunnelstore.server.table.TableDescriptor;
import io.tunnelstore.storage.LogRecord;
import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.rocksdb.RocksDbStorageEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability promise, end to end: a server process killed with SIGKILL during a write load from the official SDK
 * loses no acknowledged row, and reopens consistent (every row it holds has exactly one change-log record, and the
 * change log of each shard is gap-free).
 */
class ServerCrashIT {
    private static final String INSTANCE = "tunnelstore";
    private static final String TABLE = "crash";
    private static final int WRITERS = 4;
    private static final int ACKS_BEFORE_KILL = 600;

    @Test
    void acknowledgedWritesSurviveKill9AndTheStoreReopensConsistent(@TempDir Path dataDir) throws Exception {
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        try (ServerProcess server = ServerProcess.start(dataDir)) {
            SyncClient client = client(server.awaitEndpoint(Duration.ofSeconds(60)));
            try {
                createTable(client);
                CountDownLatch enoughAcks = new CountDownLatch(ACKS_BEFORE_KILL);
                AtomicBoolean stop = new AtomicBoolean();
                ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
                for (int w = 0; w < WRITERS; w++) {
                    long base = w * 1_000_000L;
                    writers.execute(() -> {
                        for (long i = 0; !stop.get(); i++) {
                            long key = base + i;
                            try {
                                client.putRow(new PutRowRequest(put(key)));
                            } catch (RuntimeException e) {
                                return; // the server is gone: this write was never acknowledged
                            }
                            acknowledged.add(key);
                            enoughAcks.countDown();
                        }
                    });
                }
                assertThat(enoughAcks.await(120, TimeUnit.SECONDS)).as("writes acknowledged before the kill").isTrue();
                server.kill9(); // while the writers are still writing
                stop.set(true);
                writers.shutdown();
                assertThat(writers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            } finally {
                client.shutdown();
            }
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);

        // Restart on the same directory: every acknowledged row is there, with its exact value.
        try (ServerProcess server = ServerProcess.start(dataDir)) {
            SyncClient client = client(server.awaitEndpoint(Duration.ofSeconds(60)));
            try {
                for (long key : acknowledged) {
                    Row row = client.getRow(new com.alicloud.openservices.tablestore.model.GetRowRequest(
                            criteria(key))).getRow();
                    assertThat(row).as("acknowledged row %d", key).isNotNull();
                    assertThat(row.getLatestColumn("value").getValue().asString()).isEqualTo("v" + key);
                }
            } finally {
                client.shutdown();
            }
            server.terminate();
            assertThat(server.awaitExit(Duration.ofSeconds(60))).as("exit code after SIGTERM").isEqualTo(143);
        }

        // Consistency, read straight from the engine: each stored row has exactly one PUT record in its shard's
        // change log, and sequences run 1..n without a gap.
        try (RocksDbStorageEngine engine = RocksDbStorageEngine.open(dataDir, StorageOptions.builder().build())) {
            TableDescriptor table = new TableCatalog(engine).find(INSTANCE, TABLE).orElseThrow();
            Set<Long> logged = new HashSet<>();
            for (Partition partition : table.partitions()) {
                long expectedSeq = 1;
                List<LogRecord> batch;
                while (!(batch = engine.readLog(table.tableId(), partition.shardId(), expectedSeq, 1000,
                        Long.MAX_VALUE)).isEmpty()) {
                    for (LogRecord record : batch) {
                        assertThat(record.sequence()).isEqualTo(expectedSeq++);
                        ChangeRecord change = ChangeRecordCodec.decode(record.payload());
                        long key = change.row().primaryKey().get(0).value().asLong();
                        assertThat(logged.add(key)).as("one record per row, key %d", key).isTrue();
                        assertThat(engine.readRow(table.tableId(),
                                KeyCodec.encode(change.row().primaryKey()), ReadSpec.latest()))
                                .as("row of log record %d", key).isPresent();
                    }
                }
            }
            assertThat(logged).containsAll(acknowledged);
            long storedRows = 0;
            try (var scanner = engine.scan(table.tableId(), io.tunnelstore.storage.ScanRange.all(), ReadSpec.latest())) {
                while (scanner.hasNext()) {
                    scanner.next();
                    storedRows++;
                }
            }
            assertThat(storedRows).as("rows stored == records logged").isEqualTo(logged.size());
        }
    }

    private static SyncClient client(String endpoint) {
        ClientConfiguration conf = new ClientConfiguration();
        conf.setRetryStrategy(new NoRetry()); // a failed write must count as unacknowledged
        conf.setConnectionTimeoutInMillisecond(2000);
        conf.setSocketTimeoutInMillisecond(10_000);
        return new SyncClient(endpoint, ServerProcess.ACCESS_KEY_ID, ServerProcess.ACCESS_KEY_SECRET, INSTANCE, conf);
    }

    private static void createTable(SyncClient client) {
        TableMeta meta = new TableMeta(TABLE);
        meta.addPrimaryKeyColumn(new PrimaryKeySchema("id", PrimaryKeyType.INTEGER));
        CreateTableRequest request = new CreateTableRequest(meta, new TableOptions(-1, 1));
        request.setStreamSpecification(new StreamSpecification(true, 24));
        client.createTable(request);
    }

    private static PrimaryKey pk(long key) {
        return PrimaryKeyBuilder.createPrimaryKeyBuilder()
                .addPrimaryKeyColumn("id", PrimaryKeyValue.fromLong(key)).build();
    }

    private static RowPutChange put(long key) {
        RowPutChange change = new RowPutChange(TABLE, pk(key));
        change.addColumn(new Column("value", ColumnValue.fromString("v" + key)));
        return change;
    }

    private static SingleRowQueryCriteria criteria(long key) {
        SingleRowQueryCriteria criteria = new SingleRowQueryCriteria(TABLE, pk(key));
        criteria.setMaxVersions(1);
        return criteria;
    }

    /** The official SDK's retry hook: a pause of 0 means "do not retry". */
    private static final class NoRetry implements RetryStrategy {
        @Override
        public RetryStrategy clone() {
            return new NoRetry();
        }

        @Override
        public int getRetries() {
            return 0;
        }

        @Override
        public long nextPause(String action, Exception e) {
            return 0;
        }
    }
}
