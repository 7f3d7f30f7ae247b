package io.tunnelstore.server.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.pb.FilterProtos;
import io.tunnelstore.protocol.pb.TableProtos.BatchGetRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.BatchWriteRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.CapacityUnit;
import io.tunnelstore.protocol.pb.TableProtos.Condition;
import io.tunnelstore.protocol.pb.TableProtos.CreateTableRequest;
import io.tunnelstore.protocol.pb.TableProtos.GetRangeRequest;
import io.tunnelstore.protocol.pb.TableProtos.GetRangeResponse;
import io.tunnelstore.protocol.pb.TableProtos.GetRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.OperationType;
import io.tunnelstore.protocol.pb.TableProtos.PrimaryKeySchema;
import io.tunnelstore.protocol.pb.TableProtos.PrimaryKeyType;
import io.tunnelstore.protocol.pb.TableProtos.PutRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.ReservedThroughput;
import io.tunnelstore.protocol.pb.TableProtos.RowExistenceExpectation;
import io.tunnelstore.protocol.pb.TableProtos.RowInBatchWriteRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.TableInBatchGetRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.TableInBatchWriteRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.TableMeta;
import io.tunnelstore.protocol.pb.TableProtos.TableOptions;
import io.tunnelstore.protocol.pb.TableProtos.UpdateTableRequest;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.StoredCell;
import io.tunnelstore.storage.rocksdb.RocksDbStorageEngine;
import io.tunnelstore.testsupport.ManualClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Limits of PROTOCOL.md §7, version trimming and unsupported features, on the services directly. */
class RowServiceLimitsTest {

    private static final String INSTANCE = "inst";
    private static final long NOW = 1_800_000_000_000L;

    @TempDir
    Path dir;

    private final ManualClock clock = ManualClock.startingAt(Instant.ofEpochMilli(NOW));
    private StorageEngine storage;
    private TableAdminService admin;
    private RowService rows;

    @BeforeEach
    void open() {
        storage = RocksDbStorageEngine.open(dir, StorageOptions.builder().clock(clock).syncWrites(false).build());
        TableCatalog catalog = new TableCatalog(storage);
        admin = new TableAdminService(catalog, clock::millis);
        rows = new RowService(catalog, storage, clock::millis);
        admin.createTable(INSTANCE, CreateTableRequest.newBuilder()
                .setTableMeta(TableMeta.newBuilder().setTableName("t")
                        .addPrimaryKey(PrimaryKeySchema.newBuilder().setName("pk").setType(PrimaryKeyType.INTEGER)))
                .setReservedThroughput(ReservedThroughput.newBuilder().setCapacityUnit(CapacityUnit.getDefaultInstance()))
                .setTableOptions(TableOptions.newBuilder().setTimeToLive(-1).setMaxVersions(2))
                .build());
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private static PrimaryKey key(long pk) {
        return PrimaryKey.of(PrimaryKeyColumn.of("pk", ColumnValue.ofLong(pk)));
    }

    private static ByteString bytes(PlainRow row) {
        return ByteString.copyFrom(PlainBufferCodec.encodeRow(row));
    }

    private static Condition ignore() {
        return Condition.newBuilder().setRowExistence(RowExistenceExpectation.IGNORE).build();
    }

    private void put(long pk, Cell... cells) {
        rows.putRow(INSTANCE, PutRowRequest.newBuilder().setTableName("t").setRow(bytes(PlainRow.of(key(pk),
                List.of(cells)))).setCondition(ignore()).build());
    }

    private static void assertInvalid(ThrowingCallable call, String messagePart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(OtsException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.PARAMETER_INVALID);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }

    private GetRangeRequest.Builder fullRange() {
        return GetRangeRequest.newBuilder().setTableName("t")
                .setDirection(io.tunnelstore.protocol.pb.TableProtos.Direction.FORWARD)
                .setMaxVersions(1)
                .setInclusiveStartPrimaryKey(ByteString.copyFrom(PlainBufferCodec.encodePrimaryKey(
                        PrimaryKey.of(PrimaryKeyColumn.of("pk", ColumnValue.INF_MIN)))))
                .setExclusiveEndPrimaryKey(ByteString.copyFrom(PlainBufferCodec.encodePrimaryKey(
                        PrimaryKey.of(PrimaryKeyColumn.of("pk", ColumnValue.INF_MAX)))));
    }

    @Test
    void getRangeReturnsAtMost5000Rows() {
        for (int batch = 0; batch < 26; batch++) {
            TableInBatchWriteRowRequest.Builder t = TableInBatchWriteRowRequest.newBuilder().setTableName("t");
            for (int i = 0; i < 200 && batch * 200 + i < 5001; i++) {
                t.addRows(RowInBatchWriteRowRequest.newBuilder().setType(OperationType.PUT).setCondition(ignore())
                        .setRowChange(bytes(PlainRow.of(key(batch * 200 + i),
                                List.of(Cell.put("c", ColumnValue.ofLong(i), NOW))))));
            }
            rows.batchWriteRow(INSTANCE, BatchWriteRowRequest.newBuilder().addTables(t).build());
        }
        GetRangeResponse first = rows.getRange(INSTANCE, fullRange().build());
        assertThat(PlainBufferCodec.decodeRows(first.getRows().toByteArray())).hasSize(5000);
        assertThat(PlainBufferCodec.decodeSingleRow(first.getNextStartPrimaryKey().toByteArray()).primaryKey())
                .isEqualTo(key(5000));
        GetRangeResponse limited = rows.getRange(INSTANCE, fullRange().setLimit(10_000).build());
        assertThat(PlainBufferCodec.decodeRows(limited.getRows().toByteArray())).hasSize(5000);
    }

    @Test
    void getRangeStopsAfterFourMegabytes() {
        byte[] megabyte = new byte[1024 * 1024];
        for (int i = 0; i < 6; i++) {
            put(i, Cell.put("blob", ColumnValue.ofBinary(megabyte), NOW));
        }
        GetRangeResponse first = rows.getRange(INSTANCE, fullRange().build());
        assertThat(PlainBufferCodec.decodeRows(first.getRows().toByteArray())).hasSize(4);
        assertThat(PlainBufferCodec.decodeSingleRow(first.getNextStartPrimaryKey().toByteArray()).primaryKey())
                .isEqualTo(key(4));
        assertThat(first.getConsumed().getCapacityUnit().getRead()).isEqualTo(1025);
        assertThat(first.getConsumed().getCapacityUnit().getWrite()).isZero();
    }

    @Test
    void batchGetRowAcceptsAtMost100Rows() {
        TableInBatchGetRowRequest.Builder t = TableInBatchGetRowRequest.newBuilder().setTableName("t").setMaxVersions(1);
        for (int i = 0; i < 101; i++) {
            t.addPrimaryKey(ByteString.copyFrom(PlainBufferCodec.encodePrimaryKey(key(i))));
        }
        assertInvalid(() -> rows.batchGetRow(INSTANCE, BatchGetRowRequest.newBuilder().addTables(t).build()),
                "Rows count exceeds the upper limit:100.");
    }

    @Test
    void columnsToGetAreLimitedTo128() {
        GetRowRequest.Builder req = GetRowRequest.newBuilder().setTableName("t").setMaxVersions(1)
                .setPrimaryKey(ByteString.copyFrom(PlainBufferCodec.encodePrimaryKey(key(1))));
        for (int i = 0; i < 129; i++) {
            req.addColumnsToGet("c" + i);
        }
        assertInvalid(() -> rows.getRow(INSTANCE, req.build()), "exceeds the limit of 128");
    }

    @Test
    void versionsBeyondMaxVersionsAreDroppedOnWrite() {
        for (int i = 1; i <= 3; i++) {
            rows.updateRow(INSTANCE, io.tunnelstore.protocol.pb.TableProtos.UpdateRowRequest.newBuilder()
                    .setTableName("t").setCondition(ignore())
                    .setRowChange(bytes(PlainRow.of(key(1), List.of(Cell.put("c", ColumnValue.ofLong(i), NOW + i)))))
                    .build());
        }
        TableDescriptor t = new TableCatalog(storage).require(INSTANCE, "t");
        List<StoredCell> stored = RowMarker.attributes(storage.readRow(t.tableId(), KeyCodec.encode(key(1)),
                ReadSpec.allVersions()).orElseThrow().cells());
        assertThat(stored).extracting(StoredCell::timestamp).containsExactly(NOW + 3, NOW + 2);

        // lowering max versions hides the older version on reads right away
        admin.updateTable(INSTANCE, UpdateTableRequest.newBuilder().setTableName("t")
                .setTableOptions(TableOptions.newBuilder().setMaxVersions(1)).build());
        var row = rows.getRow(INSTANCE, GetRowRequest.newBuilder().setTableName("t").setMaxVersions(5)
                .setPrimaryKey(ByteString.copyFrom(PlainBufferCodec.encodePrimaryKey(key(1)))).build());
        assertThat(PlainBufferCodec.decodeSingleRow(row.getRow().toByteArray()).cells())
                .containsExactly(Cell.put("c", ColumnValue.ofLong(3), NOW + 3));
    }

    @Test
    void writesTooFarFromNowAreRejected() {
        assertInvalid(() -> put(1, Cell.put("c", ColumnValue.ofLong(1), NOW - 86_400_001L)), "seconds away");
        put(1, Cell.put("c", ColumnValue.ofLong(1), NOW - 86_400_000L));
    }

    @Test
    void invalidColumnsAreRejected() {
        assertInvalid(() -> put(1, Cell.put("pk", ColumnValue.ofLong(1), NOW)),
                "Duplicated attribute column name with primary key column: pk.");
        assertInvalid(() -> put(1, Cell.put("bad-name", ColumnValue.ofLong(1), NOW)), "Invalid column name");
        byte[] big = new byte[2 * 1024 * 1024 + 1];
        assertInvalid(() -> put(1, Cell.put("c", ColumnValue.ofBinary(big), NOW)), "exceeds the limit");
        Cell[] many = new Cell[1025];
        Arrays.setAll(many, i -> Cell.put("c" + i, ColumnValue.ofLong(i), NOW));
        assertInvalid(() -> put(1, many),
                "The number of attribute columns exceeds the limit, limit count:1024, column count: 1025.");
    }

    @Test
    void badOrUnsupportedFiltersAreRejected() throws Exception {
        GetRowRequest.Builder get = GetRowRequest.newBuilder().setTableName("t").setMaxVersions(1)
                .setPrimaryKey(ByteString.copyFrom(PlainBufferCodec.encodePrimaryKey(key(1))));
        assertInvalid(() -> rows.getRow(INSTANCE, get.clone().setFilter(ByteString.copyFromUtf8("x")).build()),
                "Deserialize filter failed.");
        assertInvalid(() -> rows.getRow(INSTANCE, get.clone().setToken(ByteString.copyFromUtf8("t")).build()),
                "Unknown column paging token");
        assertInvalid(() -> rows.getRow(INSTANCE, get.clone().setStartColumn("b").setEndColumn("a").build()),
                "must be less than");
        ByteString pagination = FilterProtos.Filter.newBuilder().setType(FilterProtos.FilterType.FT_COLUMN_PAGINATION)
                .setFilter(FilterProtos.ColumnPaginationFilter.newBuilder().setOffset(0).setLimit(1).build()
                        .toByteString())
                .build().toByteString();
        assertInvalid(() -> rows.putRow(INSTANCE, PutRowRequest.newBuilder().setTableName("t")
                .setRow(bytes(PlainRow.of(key(1), List.of(Cell.put("c", ColumnValue.ofLong(1))))))
                .setCondition(Condition.newBuilder().setRowExistence(RowExistenceExpectation.IGNORE)
                        .setColumnCondition(pagination)).build()), "only allowed as the filter of a read");
        ByteString lonelyAnd = FilterProtos.Filter.newBuilder().setType(FilterProtos.FilterType.FT_COMPOSITE_COLUMN_VALUE)
                .setFilter(FilterProtos.CompositeColumnValueFilter.newBuilder()
                        .setCombinator(FilterProtos.LogicalOperator.LO_AND).addSubFilters(
                                FilterProtos.Filter.parseFrom(pagination)).build().toByteString())
                .build().toByteString();
        assertInvalid(() -> rows.getRow(INSTANCE, get.clone().setFilter(lonelyAnd).build()),
                "only allowed as the filter of a read");
    }
}
