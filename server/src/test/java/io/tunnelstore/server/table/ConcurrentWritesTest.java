package io.tunnelstore.server.table;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.pb.TableProtos.CapacityUnit;
import io.tunnelstore.protocol.pb.TableProtos.Condition;
import io.tunnelstore.protocol.pb.TableProtos.CreateTableRequest;
import io.tunnelstore.protocol.pb.TableProtos.PrimaryKeySchema;
import io.tunnelstore.protocol.pb.TableProtos.PrimaryKeyType;
import io.tunnelstore.protocol.pb.TableProtos.ReservedThroughput;
import io.tunnelstore.protocol.pb.TableProtos.RowExistenceExpectation;
import io.tunnelstore.protocol.pb.TableProtos.StreamSpecification;
import io.tunnelstore.protocol.pb.TableProtos.TableMeta;
import io.tunnelstore.protocol.pb.TableProtos.UpdateRowRequest;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.storage.LogRecord;
import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.rocksdb.RocksDbStorageEngine;
import io.tunnelstore.testsupport.ManualClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Increments of one row from many threads: read-modify-write is atomic per row and the change log of the shard
 * holds one record per commit, in commit order (the logged results are 1, 2, 3, … without gaps or repeats).
 */
class ConcurrentWritesTest {

    private static final int THREADS = 8;
    private static final int INCREMENTS_PER_THREAD = 40;

    @Test
    void concurrentIncrementsAreAtomicAndLoggedInCommitOrder(@TempDir Path dir) throws Exception {
        ManualClock clock = ManualClock.startingAt(Instant.ofEpochMilli(1_800_000_000_000L));
        try (StorageEngine storage = RocksDbStorageEngine.open(dir,
                StorageOptions.builder().clock(clock).syncWrites(false).build())) {
            TableCatalog catalog = new TableCatalog(storage);
            new TableAdminService(catalog, clock::millis).createTable("i", CreateTableRequest.newBuilder()
                    .setTableMeta(TableMeta.newBuilder().setTableName("counters").addPrimaryKey(
                            PrimaryKeySchema.newBuilder().setName("pk").setType(PrimaryKeyType.STRING)))
                    .setReservedThroughput(ReservedThroughput.newBuilder()
                            .setCapacityUnit(CapacityUnit.getDefaultInstance()))
                    .setStreamSpec(StreamSpecification.newBuilder().setEnableStream(true).setExpirationTime(24))
                    .build());
            RowService rows = new RowService(catalog, storage, clock::millis);
            PrimaryKey key = PrimaryKey.of(PrimaryKeyColumn.of("pk", ColumnValue.ofString("hot")));
            UpdateRowRequest increment = UpdateRowRequest.newBuilder().setTableName("counters")
                    .setCondition(Condition.newBuilder().setRowExistence(RowExistenceExpectation.IGNORE))
                    .setRowChange(ByteString.copyFrom(PlainBufferCodec.encodeRow(
                            PlainRow.of(key, List.of(Cell.increment("n", 1))))))
                    .build();

            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < INCREMENTS_PER_THREAD; i++) {
                        rows.updateRow("i", increment);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();

            int total = THREADS * INCREMENTS_PER_THREAD;
            TableDescriptor table = catalog.require("i", "counters");
            List<LogRecord> log = storage.readLog(table.tableId(), 1, 1, total + 10, Long.MAX_VALUE);
            assertThat(log).hasSize(total);
            List<Long> logged = log.stream()
                    .map(r -> ChangeRecordCodec.decode(r.payload()).row().cells().get(0).value().asLong())
                    .toList();
            List<Long> expected = new ArrayList<>();
            for (long v = 1; v <= total; v++) {
                expected.add(v);
            }
            assertThat(logged).isEqualTo(expected);
        }
    }
}
