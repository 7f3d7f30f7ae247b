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
import io.tunnelstore.protocol.pb.TableProtos.DeleteTableRequest;
import io.tunnelstore.protocol.pb.TableProtos.GetRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.PrimaryKeySchema;
import io.tunnelstore.protocol.pb.TableProtos.PrimaryKeyType;
import io.tunnelstore.protocol.pb.TableProtos.PutRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.ReservedThroughput;
import io.tunnelstore.protocol.pb.TableProtos.RowExistenceExpectation;
import io.tunnelstore.protocol.pb.TableProtos.StreamSpecification;
import io.tunnelstore.protocol.pb.TableProtos.TableMeta;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.rocksdb.RocksDbStorageEngine;
import io.tunnelstore.testsupport.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The module's lifecycle: the periodic trim task (captured, then run by hand) and DeleteTable dropping data. */
class TableModuleTest {

    /** Records the periodic task instead of running it on a timer. */
    static final class CapturingScheduler extends ScheduledThreadPoolExecutor {
        Runnable task;
        long delayMillis;
        ScheduledFuture<?> future;

        CapturingScheduler() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
                                                         TimeUnit unit) {
            task = command;
            delayMillis = unit.toMillis(delay);
            future = super.scheduleWithFixedDelay(() -> { }, 1, 1, TimeUnit.DAYS);
            return future;
        }
    }

    @TempDir
    Path dir;

    private final ManualClock clock = ManualClock.startingAt(Instant.ofEpochMilli(1_800_000_000_000L));
    private final CapturingScheduler scheduler = new CapturingScheduler();
    private StorageEngine storage;
    private TableModule module;
    private RowService rows;

    @BeforeEach
    void open() {
        storage = RocksDbStorageEngine.open(dir, StorageOptions.builder().clock(clock).syncWrites(false).build());
        module = new TableModule(new TableCatalog(storage), storage, clock, scheduler);
        rows = new RowService(module.catalog(), storage, clock::millis);
        new TableAdminService(module.catalog(), clock::millis).createTable("i", createRequest());
    }

    @AfterEach
    void close() {
        module.close();
        scheduler.shutdownNow();
        storage.close();
    }

    private static CreateTableRequest createRequest() {
        return CreateTableRequest.newBuilder()
                .setTableMeta(TableMeta.newBuilder().setTableName("t").addPrimaryKey(
                        PrimaryKeySchema.newBuilder().setName("pk").setType(PrimaryKeyType.INTEGER)))
                .setReservedThroughput(ReservedThroughput.newBuilder().setCapacityUnit(CapacityUnit.getDefaultInstance()))
                .setStreamSpec(StreamSpecification.newBuilder().setEnableStream(true).setExpirationTime(1))
                .build();
    }

    private void put(long pk) {
        rows.putRow("i", PutRowRequest.newBuilder().setTableName("t")
                .setCondition(Condition.newBuilder().setRowExistence(RowExistenceExpectation.IGNORE))
                .setRow(ByteString.copyFrom(PlainBufferCodec.encodeRow(PlainRow.of(
                        PrimaryKey.of(PrimaryKeyColumn.of("pk", ColumnValue.ofLong(pk))),
                        List.of(Cell.put("c", ColumnValue.ofLong(pk)))))))
                .build());
    }

    @Test
    void theScheduledTaskTrimsWithTheInjectedClock() {
        TableDescriptor t = module.catalog().require("i", "t");
        put(1);
        assertThat(scheduler.delayMillis).isEqualTo(TableModule.TRIM_INTERVAL.toMillis());

        clock.advance(Duration.ofMinutes(59));
        scheduler.task.run();
        assertThat(storage.readLog(t.tableId(), 1, 1, 10, Long.MAX_VALUE)).hasSize(1);

        clock.advance(Duration.ofMinutes(2));
        scheduler.task.run();
        assertThat(storage.readLog(t.tableId(), 1, 1, 10, Long.MAX_VALUE)).isEmpty();

        module.close();
        assertThat(scheduler.future.isCancelled()).isTrue();
    }

    @Test
    void deleteTableDropsRowsAndLogAndANewTableStartsEmpty() {
        TableDescriptor old = module.catalog().require("i", "t");
        put(1);
        assertThat(storage.readLog(old.tableId(), 1, 1, 10, Long.MAX_VALUE)).hasSize(1);
        new TableAdminService(module.catalog(), clock::millis)
                .deleteTable("i", DeleteTableRequest.newBuilder().setTableName("t").build());
        assertThat(storage.readLog(old.tableId(), 1, 1, 10, Long.MAX_VALUE)).isEmpty();

        new TableAdminService(module.catalog(), clock::millis).createTable("i", createRequest());
        TableDescriptor fresh = module.catalog().require("i", "t");
        assertThat(fresh.tableId()).isNotEqualTo(old.tableId());
        var got = rows.getRow("i", GetRowRequest.newBuilder().setTableName("t").setMaxVersions(1)
                .setPrimaryKey(ByteString.copyFrom(PlainBufferCodec.encodePrimaryKey(
                        PrimaryKey.of(PrimaryKeyColumn.of("pk", ColumnValue.ofLong(1)))))).build());
        assertThat(got.getRow().isEmpty()).isTrue();
        assertThat(storage.logBounds(fresh.tableId(), 1).isEmpty()).isTrue();
    }
}
