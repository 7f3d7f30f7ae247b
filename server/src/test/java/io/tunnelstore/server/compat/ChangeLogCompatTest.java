package io.tunnelstore.server.compat;

import static io.tunnelstore.server.compat.CompatServer.meta;
import static io.tunnelstore.server.compat.CompatServer.pk;
import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.model.BatchWriteRowRequest;
import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.CreateTableRequestEx;
import com.alicloud.openservices.tablestore.model.DeleteRowRequest;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.RowDeleteChange;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.RowUpdateChange;
import com.alicloud.openservices.tablestore.model.StreamSpecification;
import com.alicloud.openservices.tablestore.model.TableOptions;
import com.alicloud.openservices.tablestore.model.UpdateRowRequest;
import com.alicloud.openservices.tablestore.model.UpdateTableRequest;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.pb.TableProtos.ActionType;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.server.table.ChangeRecord;
import io.tunnelstore.server.table.ChangeRecordCodec;
import io.tunnelstore.server.table.TableDescriptor;
import io.tunnelstore.storage.LogRecord;
import io.tunnelstore.storage.StorageEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The change log written by SDK row operations: one record per committed change, in the shard of the row's
 * partition, in commit order, in stream-record form; trimmed after the stream expiration.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChangeLogCompatTest {

    private CompatServer ots;
    private StorageEngine storage;

    @BeforeAll
    void start(@TempDir Path dir) {
        ots = new CompatServer(dir);
        storage = ots.server.context().storage();
    }

    @AfterAll
    void stop() {
        ots.close();
    }

    private TableDescriptor createStreamTable(String name, String... originColumns) {
        CreateTableRequestEx create = new CreateTableRequestEx(meta(name, "pk", PrimaryKeyType.INTEGER),
                new TableOptions(-1, 2));
        create.setSplitPoints(List.of(PrimaryKeyValue.fromLong(100)));
        StreamSpecification spec = new StreamSpecification(true, 24);
        for (String c : originColumns) {
            spec.addOriginColumnsToGet(c);
        }
        create.setStreamSpecification(spec);
        ots.createTableEx(create);
        return ots.module().catalog().require(CompatServer.INSTANCE, name);
    }

    private List<LogRecord> log(TableDescriptor t, long shard) {
        return storage.readLog(t.tableId(), shard, 1, 1000, Long.MAX_VALUE);
    }

    private static PrimaryKey key(long pk) {
        return PrimaryKey.of(PrimaryKeyColumn.of("pk", io.tunnelstore.protocol.model.ColumnValue.ofLong(pk)));
    }

    @Test
    void everyCommittedChangeIsLoggedInItsShardInCommitOrder() {
        TableDescriptor t = createStreamTable("logged");
        long ts = ots.clock.millis() - 1000;
        RowPutChange put1 = new RowPutChange("logged", pk("pk", 1));
        put1.addColumn("a", ColumnValue.fromString("x"), ts);
        ots.client.putRow(new PutRowRequest(put1));
        RowUpdateChange upd = new RowUpdateChange("logged", pk("pk", 150));
        upd.put("a", ColumnValue.fromLong(5), ts);
        upd.deleteColumn("b", ts - 1);
        upd.deleteColumns("c");
        ots.client.updateRow(new UpdateRowRequest(upd));
        ots.client.deleteRow(new DeleteRowRequest(new RowDeleteChange("logged", pk("pk", 1))));
        BatchWriteRowRequest batch = new BatchWriteRowRequest();
        RowPutChange put2 = new RowPutChange("logged", pk("pk", 2));
        put2.addColumn("a", ColumnValue.fromBoolean(true));
        RowPutChange put200 = new RowPutChange("logged", pk("pk", 200));
        put200.addColumn("a", ColumnValue.fromDouble(1.5), ts);
        batch.addRowChange(put2);
        batch.addRowChange(put200);
        ots.client.batchWriteRow(batch);

        List<LogRecord> shard1 = log(t, 1);
        assertThat(shard1).extracting(LogRecord::sequence).containsExactly(1L, 2L, 3L);
        List<ChangeRecord> r1 = shard1.stream().map(r -> ChangeRecordCodec.decode(r.payload())).toList();
        assertThat(r1.get(0)).isEqualTo(new ChangeRecord(ActionType.PUT_ROW,
                PlainRow.of(key(1), List.of(Cell.put("a", io.tunnelstore.protocol.model.ColumnValue.ofString("x"),
                        ts))), null, r1.get(0).commitTimeMicros()));
        assertThat(r1.get(1).actionType()).isEqualTo(ActionType.DELETE_ROW);
        assertThat(r1.get(1).row()).isEqualTo(PlainRow.ofPrimaryKey(key(1)));
        assertThat(r1.get(2).actionType()).isEqualTo(ActionType.PUT_ROW);
        // no timestamp in the request: the record carries the one the server assigned
        assertThat(r1.get(2).row().cells()).containsExactly(
                Cell.put("a", io.tunnelstore.protocol.model.ColumnValue.ofBoolean(true), ots.clock.millis()));

        List<LogRecord> shard2 = log(t, 2);
        assertThat(shard2).extracting(LogRecord::sequence).containsExactly(1L, 2L);
        ChangeRecord update = ChangeRecordCodec.decode(shard2.get(0).payload());
        assertThat(update.actionType()).isEqualTo(ActionType.UPDATE_ROW);
        assertThat(update.row()).isEqualTo(PlainRow.of(key(150), List.of(
                Cell.put("a", io.tunnelstore.protocol.model.ColumnValue.ofLong(5), ts),
                Cell.deleteOneVersion("b", ts - 1),
                Cell.deleteAllVersions("c"))));
        assertThat(ChangeRecordCodec.decode(shard2.get(1).payload()).row().primaryKey()).isEqualTo(key(200));

        // the wire form carries the sequence info with the storage commit time
        PlainRow wire = PlainBufferCodec.decodeSingleRow(ChangeRecordCodec.wireRecord(shard2.get(0)));
        assertThat(wire.sequenceInfo().timestamp()).isEqualTo(shard2.get(0).commitTimeMicros());
        assertThat(wire.primaryKey()).isEqualTo(key(150));
    }

    @Test
    void originColumnsCarryThePreviousValues() {
        TableDescriptor t = createStreamTable("with_origin", "a");
        long ts = ots.clock.millis() - 1000;
        RowPutChange first = new RowPutChange("with_origin", pk("pk", 5));
        first.addColumn("a", ColumnValue.fromLong(1), ts);
        first.addColumn("b", ColumnValue.fromLong(2), ts);
        ots.client.putRow(new PutRowRequest(first));
        RowUpdateChange second = new RowUpdateChange("with_origin", pk("pk", 5));
        second.put("a", ColumnValue.fromLong(10), ts + 1);
        ots.client.updateRow(new UpdateRowRequest(second));

        List<ChangeRecord> records = log(t, 1).stream().map(r -> ChangeRecordCodec.decode(r.payload())).toList();
        assertThat(records).hasSize(2);
        assertThat(records.get(0).originRow()).isNull();
        assertThat(records.get(1).originRow()).isEqualTo(PlainRow.of(key(5),
                List.of(Cell.put("a", io.tunnelstore.protocol.model.ColumnValue.ofLong(1), ts))));
    }

    @Test
    void incrementsAreLoggedAsPutsOfTheResult() {
        TableDescriptor t = createStreamTable("incremented");
        for (int i = 0; i < 2; i++) {
            RowUpdateChange inc = new RowUpdateChange("incremented", pk("pk", 7));
            inc.increment(new com.alicloud.openservices.tablestore.model.Column("n", ColumnValue.fromLong(10)));
            ots.client.updateRow(new UpdateRowRequest(inc));
        }
        List<ChangeRecord> records = log(t, 1).stream().map(r -> ChangeRecordCodec.decode(r.payload())).toList();
        assertThat(records).extracting(ChangeRecord::actionType)
                .containsExactly(ActionType.UPDATE_ROW, ActionType.UPDATE_ROW);
        // the server clock stands still here: the second write of the row gets the version after the first's
        assertThat(records.get(1).row().cells()).containsExactly(
                Cell.put("n", io.tunnelstore.protocol.model.ColumnValue.ofLong(20), ots.clock.millis() + 1));
    }

    @Test
    void noRecordsWithoutStreamAndFailedWritesLogNothing() {
        TableDescriptor t = createStreamTable("toggled");
        UpdateTableRequest off = new UpdateTableRequest("toggled");
        off.setStreamSpecification(new StreamSpecification(false));
        ots.client.updateTable(off);
        RowPutChange put = new RowPutChange("toggled", pk("pk", 1));
        put.addColumn("a", ColumnValue.fromLong(1));
        ots.client.putRow(new PutRowRequest(put));
        assertThat(log(t, 1)).isEmpty();

        UpdateTableRequest on = new UpdateTableRequest("toggled");
        on.setStreamSpecification(new StreamSpecification(true, 24));
        ots.client.updateTable(on);
        put.setCondition(new com.alicloud.openservices.tablestore.model.Condition(
                com.alicloud.openservices.tablestore.model.RowExistenceExpectation.EXPECT_NOT_EXIST));
        CompatServer.assertOtsError(() -> ots.client.putRow(new PutRowRequest(put)), "OTSConditionCheckFail", 403);
        assertThat(log(t, 1)).isEmpty();
    }

    @Test
    void recordsOlderThanTheExpirationAreTrimmed(@TempDir Path ownDir) {
        // a server of its own: trimming covers every table, and the counts below are exact
        try (CompatServer own = new CompatServer(ownDir)) {
            CreateTableRequestEx create = new CreateTableRequestEx(meta("trimmed", "pk", PrimaryKeyType.INTEGER),
                    new TableOptions(-1, 1));
            create.setSplitPoints(List.of(PrimaryKeyValue.fromLong(100)));
            create.setStreamSpecification(new StreamSpecification(true, 24));
            own.createTableEx(create);
            TableDescriptor t = own.module().catalog().require(CompatServer.INSTANCE, "trimmed");
            StorageEngine ownStorage = own.server.context().storage();
            RowPutChange put = new RowPutChange("trimmed", pk("pk", 1));
            put.addColumn("a", ColumnValue.fromLong(1));
            own.client.putRow(new PutRowRequest(put));
            RowPutChange other = new RowPutChange("trimmed", pk("pk", 101));
            other.addColumn("a", ColumnValue.fromLong(1));
            own.client.putRow(new PutRowRequest(other));

            long now = own.clock.millis();
            assertThat(own.module().trimExpired(now + Duration.ofHours(23).toMillis())).isZero();
            assertThat(ownStorage.readLog(t.tableId(), 1, 1, 100, Long.MAX_VALUE)).hasSize(1);

            own.clock.advance(Duration.ofHours(1)); // a newer record that must survive the trim below
            RowPutChange later = new RowPutChange("trimmed", pk("pk", 2));
            later.addColumn("a", ColumnValue.fromLong(2));
            own.client.putRow(new PutRowRequest(later));

            assertThat(own.module().trimExpired(now + Duration.ofMinutes(24 * 60 + 1).toMillis())).isEqualTo(2);
            assertThat(ownStorage.readLog(t.tableId(), 1, 1, 100, Long.MAX_VALUE))
                    .extracting(LogRecord::sequence).containsExactly(2L);
            assertThat(ownStorage.readLog(t.tableId(), 2, 1, 100, Long.MAX_VALUE)).isEmpty();
        }
    }
}
