package io.tunnelstore.server.compat;

import static io.tunnelstore.server.compat.CompatServer.assertOtsError;
import static io.tunnelstore.server.compat.CompatServer.pk;
import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.model.BatchGetRowRequest;
import com.alicloud.openservices.tablestore.model.BatchGetRowResponse;
import com.alicloud.openservices.tablestore.model.BatchWriteRowRequest;
import com.alicloud.openservices.tablestore.model.BatchWriteRowResponse;
import com.alicloud.openservices.tablestore.model.Column;
import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.Condition;
import com.alicloud.openservices.tablestore.model.DeleteRowRequest;
import com.alicloud.openservices.tablestore.model.DeleteRowResponse;
import com.alicloud.openservices.tablestore.model.Direction;
import com.alicloud.openservices.tablestore.model.GetRangeRequest;
import com.alicloud.openservices.tablestore.model.GetRangeResponse;
import com.alicloud.openservices.tablestore.model.GetRowRequest;
import com.alicloud.openservices.tablestore.model.GetRowResponse;
import com.alicloud.openservices.tablestore.model.MultiRowQueryCriteria;
import com.alicloud.openservices.tablestore.model.PrimaryKey;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.PutRowResponse;
import com.alicloud.openservices.tablestore.model.RangeIteratorParameter;
import com.alicloud.openservices.tablestore.model.RangeRowQueryCriteria;
import com.alicloud.openservices.tablestore.model.ReturnType;
import com.alicloud.openservices.tablestore.model.Row;
import com.alicloud.openservices.tablestore.model.RowDeleteChange;
import com.alicloud.openservices.tablestore.model.RowExistenceExpectation;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.RowUpdateChange;
import com.alicloud.openservices.tablestore.model.SingleRowQueryCriteria;
import com.alicloud.openservices.tablestore.model.TableOptions;
import com.alicloud.openservices.tablestore.model.TimeRange;
import com.alicloud.openservices.tablestore.model.UpdateRowRequest;
import com.alicloud.openservices.tablestore.model.UpdateRowResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Row operations through the official Java SDK, with exact expected rows, versions and order. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RowOperationsCompatTest {

    private CompatServer ots;
    private long base;

    @BeforeAll
    void start(@TempDir Path dir) {
        ots = new CompatServer(dir);
        base = ots.clock.millis() - 60_000; // explicit versions a minute in the past, within the deviation
        ots.createTable("versions", new TableOptions(-1, 3), "pk", PrimaryKeyType.STRING);
        ots.createTable("ranged", new TableOptions(-1, 1), "a", PrimaryKeyType.INTEGER, "b", PrimaryKeyType.STRING);
        ots.createTable("other", new TableOptions(-1, 1), "id", PrimaryKeyType.INTEGER);
        // TTL one day, deviation three days: a version written two days ago is already expired
        TableOptions ttl = new TableOptions(86_400, 1, 3 * 86_400);
        ots.createTable("ttl", ttl, "pk", PrimaryKeyType.INTEGER);
        for (long a = 1; a <= 3; a++) {
            for (String b : List.of("x", "y", "z")) {
                RowPutChange put = new RowPutChange("ranged", pk("a", a, "b", b));
                put.addColumn("v", ColumnValue.fromString(a + b), base);
                ots.client.putRow(new PutRowRequest(put));
            }
        }
    }

    @AfterAll
    void stop() {
        ots.close();
    }

    private Row get(String table, PrimaryKey key, int maxVersions) {
        SingleRowQueryCriteria c = new SingleRowQueryCriteria(table, key);
        c.setMaxVersions(maxVersions);
        return ots.client.getRow(new GetRowRequest(c)).getRow();
    }

    private static List<Long> timestamps(Row row, String column) {
        return row.getColumn(column).stream().map(Column::getTimestamp).toList();
    }

    @Test
    void versionsAreKeptUpToMaxVersionsNewestFirst() {
        PrimaryKey key = pk("pk", "multi");
        for (int i = 1; i <= 4; i++) {
            RowUpdateChange u = new RowUpdateChange("versions", key);
            u.put("c", ColumnValue.fromLong(i), base + i);
            ots.client.updateRow(new UpdateRowRequest(u));
        }
        Row row = get("versions", key, 10);
        assertThat(timestamps(row, "c")).containsExactly(base + 4, base + 3, base + 2);
        assertThat(row.getColumn("c").get(0).getValue().asLong()).isEqualTo(4);

        SingleRowQueryCriteria ranged = new SingleRowQueryCriteria("versions", key);
        ranged.setTimeRange(new TimeRange(base + 2, base + 4));
        assertThat(timestamps(ots.client.getRow(new GetRowRequest(ranged)).getRow(), "c"))
                .containsExactly(base + 3, base + 2);

        SingleRowQueryCriteria exact = new SingleRowQueryCriteria("versions", key);
        exact.setTimestamp(base + 3);
        Row one = ots.client.getRow(new GetRowRequest(exact)).getRow();
        assertThat(timestamps(one, "c")).containsExactly(base + 3);
        assertThat(one.getColumn("c").get(0).getValue().asLong()).isEqualTo(3);

        assertThat(timestamps(get("versions", key, 1), "c")).containsExactly(base + 4);
    }

    @Test
    void putRowReplacesTheRowAndCellsComeSortedByName() {
        PrimaryKey key = pk("pk", "replaced");
        RowPutChange first = new RowPutChange("versions", key);
        first.addColumn("zeta", ColumnValue.fromLong(1), base);
        first.addColumn("gone", ColumnValue.fromBoolean(true), base);
        ots.client.putRow(new PutRowRequest(first));
        RowPutChange second = new RowPutChange("versions", key);
        second.addColumn("zeta", ColumnValue.fromDouble(2.5), base + 1);
        second.addColumn("alpha", ColumnValue.fromBinary(new byte[] {0, 1, 2}), base + 1);
        second.addColumn("mid", ColumnValue.fromString("m"), base + 1);
        ots.client.putRow(new PutRowRequest(second));

        Row row = get("versions", key, 5);
        assertThat(row.getPrimaryKey()).isEqualTo(key);
        assertThat(row.getColumns()).extracting(Column::getName).containsExactly("alpha", "mid", "zeta");
        assertThat(row.getColumn("zeta")).hasSize(1);
        assertThat(row.getLatestColumn("zeta").getValue().asDouble()).isEqualTo(2.5);
        assertThat(row.getLatestColumn("alpha").getValue().asBinary()).containsExactly(0, 1, 2);
    }

    @Test
    void serverAssignsTimestampsFromItsClock() {
        PrimaryKey key = pk("pk", "stamped");
        RowPutChange put = new RowPutChange("versions", key);
        put.addColumn("c", ColumnValue.fromString("v"));
        ots.client.putRow(new PutRowRequest(put));
        assertThat(timestamps(get("versions", key, 1), "c")).containsExactly(ots.clock.millis());
    }

    @Test
    void updateRowDeletesOneVersionOrAllVersions() {
        PrimaryKey key = pk("pk", "deletes");
        RowUpdateChange u = new RowUpdateChange("versions", key);
        u.put("a", ColumnValue.fromLong(1), base + 1);
        u.put("a", ColumnValue.fromLong(2), base + 2);
        u.put("b", ColumnValue.fromLong(3), base + 1);
        u.put("b", ColumnValue.fromLong(4), base + 2);
        u.put("keep", ColumnValue.fromLong(5), base);
        ots.client.updateRow(new UpdateRowRequest(u));

        RowUpdateChange d = new RowUpdateChange("versions", key);
        d.deleteColumn("a", base + 2);
        d.deleteColumns("b");
        ots.client.updateRow(new UpdateRowRequest(d));

        Row row = get("versions", key, 3);
        assertThat(row.getColumns()).extracting(Column::getName).containsExactly("a", "keep");
        assertThat(timestamps(row, "a")).containsExactly(base + 1);
    }

    @Test
    void columnsToGetProjectsAndMissingRowsAreNull() {
        PrimaryKey key = pk("pk", "projected");
        RowPutChange put = new RowPutChange("versions", key);
        put.addColumn("a", ColumnValue.fromLong(1), base);
        put.addColumn("b", ColumnValue.fromLong(2), base);
        put.addColumn("c", ColumnValue.fromLong(3), base);
        ots.client.putRow(new PutRowRequest(put));

        SingleRowQueryCriteria c = new SingleRowQueryCriteria("versions", key);
        c.setMaxVersions(1);
        c.addColumnsToGet(new String[] {"c", "a", "nope"});
        Row row = ots.client.getRow(new GetRowRequest(c)).getRow();
        assertThat(row.getColumns()).extracting(Column::getName).containsExactly("a", "c");

        SingleRowQueryCriteria pkOnly = new SingleRowQueryCriteria("versions", key);
        pkOnly.setMaxVersions(1);
        pkOnly.addColumnsToGet("pk");
        Row keyRow = ots.client.getRow(new GetRowRequest(pkOnly)).getRow();
        assertThat(keyRow.getPrimaryKey()).isEqualTo(key);
        assertThat(keyRow.getColumns()).isEmpty();

        GetRowResponse missing = ots.client.getRow(new GetRowRequest(criteria("versions", pk("pk", "absent"))));
        assertThat(missing.getRow()).isNull();
        assertThat(missing.getConsumedCapacity().getCapacityUnit().getReadCapacityUnit()).isEqualTo(1);
    }

    private static SingleRowQueryCriteria criteria(String table, PrimaryKey key) {
        SingleRowQueryCriteria c = new SingleRowQueryCriteria(table, key);
        c.setMaxVersions(1);
        return c;
    }

    @Test
    void ttlHidesExpiredVersions() {
        long now = ots.clock.millis();
        RowUpdateChange u = new RowUpdateChange("ttl", pk("pk", 1));
        u.put("old", ColumnValue.fromLong(1), now - 2 * 86_400_000L);
        u.put("new", ColumnValue.fromLong(2), now - 1000);
        ots.client.updateRow(new UpdateRowRequest(u));
        Row row = get("ttl", pk("pk", 1), 1);
        assertThat(row.getColumns()).extracting(Column::getName).containsExactly("new");

        RowUpdateChange onlyOld = new RowUpdateChange("ttl", pk("pk", 2));
        onlyOld.put("old", ColumnValue.fromLong(1), now - 2 * 86_400_000L);
        ots.client.updateRow(new UpdateRowRequest(onlyOld));
        assertThat(get("ttl", pk("pk", 2), 1)).isNull();
        // an expired row does not exist for conditions either
        RowPutChange put = new RowPutChange("ttl", pk("pk", 2));
        put.addColumn("fresh", ColumnValue.fromLong(3));
        put.setCondition(new Condition(RowExistenceExpectation.EXPECT_NOT_EXIST));
        ots.client.putRow(new PutRowRequest(put));
        assertThat(get("ttl", pk("pk", 2), 1).getColumns()).extracting(Column::getName).containsExactly("fresh");
    }

    @Test
    void incrementAddsToTheLatestValueAndReturnsItAfterModify() {
        PrimaryKey key = pk("pk", "counter");
        RowUpdateChange first = new RowUpdateChange("versions", key);
        first.increment(new Column("n", ColumnValue.fromLong(5)));
        first.put("label", ColumnValue.fromString("hits"), base);
        ots.client.updateRow(new UpdateRowRequest(first));

        RowUpdateChange second = new RowUpdateChange("versions", key);
        second.increment(new Column("n", ColumnValue.fromLong(-2)));
        second.setReturnType(ReturnType.RT_AFTER_MODIFY);
        second.addReturnColumn("n");
        second.addReturnColumn("label");
        UpdateRowResponse resp = ots.client.updateRow(new UpdateRowRequest(second));

        assertThat(resp.getRow().getPrimaryKey()).isEqualTo(key);
        assertThat(resp.getRow().getLatestColumn("n").getValue().asLong()).isEqualTo(3);
        // the server clock stands still here: the second write of the row gets the version after the first's
        assertThat(resp.getRow().getLatestColumn("n").getTimestamp()).isEqualTo(ots.clock.millis() + 1);
        assertThat(resp.getRow().getLatestColumn("label").getValue().asString()).isEqualTo("hits");
        Row row = get("versions", key, 3);
        assertThat(row.getColumn("n")).extracting(c -> c.getValue().asLong()).first().isEqualTo(3L);

        RowUpdateChange wrongType = new RowUpdateChange("versions", key);
        wrongType.increment(new Column("label", ColumnValue.fromLong(1)));
        assertOtsError(() -> ots.client.updateRow(new UpdateRowRequest(wrongType)), "OTSParameterInvalid", 400);
    }

    @Test
    void autoIncrementColumnsGetIncreasingServerValues() {
        com.alicloud.openservices.tablestore.model.TableMeta meta =
                new com.alicloud.openservices.tablestore.model.TableMeta("autoinc");
        meta.addPrimaryKeyColumn("shard", PrimaryKeyType.STRING);
        meta.addPrimaryKeyColumn(new com.alicloud.openservices.tablestore.model.PrimaryKeySchema("id",
                PrimaryKeyType.INTEGER, com.alicloud.openservices.tablestore.model.PrimaryKeyOption.AUTO_INCREMENT));
        ots.client.createTable(new com.alicloud.openservices.tablestore.model.CreateTableRequest(meta,
                new TableOptions(-1, 1)));

        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RowPutChange put = new RowPutChange("autoinc", pk("shard", "s", "id", PrimaryKeyValue.AUTO_INCREMENT));
            put.addColumn("n", ColumnValue.fromLong(i));
            put.setReturnType(ReturnType.RT_PK);
            PutRowResponse resp = ots.client.putRow(new PutRowRequest(put));
            ids.add(resp.getRow().getPrimaryKey().getPrimaryKeyColumn("id").getValue().asLong());
        }
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        assertThat(ids.get(0)).isGreaterThanOrEqualTo(ots.clock.millis() * 1000);
        assertThat(get("autoinc", pk("shard", "s", "id", ids.get(1)), 1).getLatestColumn("n").getValue().asLong())
                .isEqualTo(1);
        assertThat(ots.client.describeTable(new com.alicloud.openservices.tablestore.model.DescribeTableRequest(
                "autoinc")).getTableMeta().getPrimaryKeyList().get(1).getOption())
                .isEqualTo(com.alicloud.openservices.tablestore.model.PrimaryKeyOption.AUTO_INCREMENT);

        RowUpdateChange update = new RowUpdateChange("autoinc", pk("shard", "s", "id", PrimaryKeyValue.AUTO_INCREMENT));
        update.put("n", ColumnValue.fromLong(9));
        assertOtsError(() -> ots.client.updateRow(new UpdateRowRequest(update)), "OTSInvalidPK", 400);
    }

    @Test
    void conditionsAndReturnedPrimaryKey() {
        PrimaryKey key = pk("pk", "cond");
        RowPutChange create = new RowPutChange("versions", key);
        create.addColumn("c", ColumnValue.fromLong(1), base);
        create.setCondition(new Condition(RowExistenceExpectation.EXPECT_NOT_EXIST));
        create.setReturnType(ReturnType.RT_PK);
        PutRowResponse created = ots.client.putRow(new PutRowRequest(create));
        assertThat(created.getRow().getPrimaryKey()).isEqualTo(key);
        assertThat(created.getConsumedCapacity().getCapacityUnit().getWriteCapacityUnit()).isEqualTo(1);
        assertThat(created.getConsumedCapacity().getCapacityUnit().getReadCapacityUnit()).isEqualTo(1);

        assertOtsError(() -> ots.client.putRow(new PutRowRequest(create)), "OTSConditionCheckFail", 403);

        RowUpdateChange missing = new RowUpdateChange("versions", pk("pk", "never"));
        missing.put("c", ColumnValue.fromLong(1));
        missing.setCondition(new Condition(RowExistenceExpectation.EXPECT_EXIST));
        assertOtsError(() -> ots.client.updateRow(new UpdateRowRequest(missing)), "OTSConditionCheckFail", 403);
        assertThat(get("versions", pk("pk", "never"), 1)).isNull();

        RowDeleteChange delete = new RowDeleteChange("versions", key);
        delete.setCondition(new Condition(RowExistenceExpectation.EXPECT_EXIST));
        delete.setReturnType(ReturnType.RT_PK);
        DeleteRowResponse deleted = ots.client.deleteRow(new DeleteRowRequest(delete));
        assertThat(deleted.getRow().getPrimaryKey()).isEqualTo(key);
        assertThat(get("versions", key, 1)).isNull();
        assertOtsError(() -> ots.client.deleteRow(new DeleteRowRequest(delete)), "OTSConditionCheckFail", 403);
    }

    @Test
    void batchGetRowAnswersPerRowAndPerTable() {
        BatchGetRowRequest req = new BatchGetRowRequest();
        MultiRowQueryCriteria ranged = new MultiRowQueryCriteria("ranged");
        ranged.addRow(pk("a", 2, "b", "y"));
        ranged.addRow(pk("a", 9, "b", "none"));
        ranged.addRow(pk("a", 1, "b", "x"));
        ranged.setMaxVersions(1);
        MultiRowQueryCriteria missing = new MultiRowQueryCriteria("no_such_table");
        missing.addRow(pk("id", 1));
        missing.setMaxVersions(1);
        req.addMultiRowQueryCriteria(ranged);
        req.addMultiRowQueryCriteria(missing);

        BatchGetRowResponse resp = ots.client.batchGetRow(req);

        List<BatchGetRowResponse.RowResult> rows = resp.getBatchGetRowResult("ranged");
        assertThat(rows).hasSize(3).allMatch(BatchGetRowResponse.RowResult::isSucceed);
        assertThat(rows.get(0).getRow().getLatestColumn("v").getValue().asString()).isEqualTo("2y");
        assertThat(rows.get(1).getRow()).isNull();
        assertThat(rows.get(2).getRow().getLatestColumn("v").getValue().asString()).isEqualTo("1x");
        List<BatchGetRowResponse.RowResult> failed = resp.getBatchGetRowResult("no_such_table");
        assertThat(failed).hasSize(1);
        assertThat(failed.get(0).isSucceed()).isFalse();
        assertThat(failed.get(0).getError().getCode()).isEqualTo("OTSObjectNotExist");
        assertThat(resp.isAllSucceed()).isFalse();
    }

    @Test
    void batchWriteRowAnswersPerRowInRequestOrder() {
        PrimaryKey existing = pk("id", 1);
        RowPutChange seed = new RowPutChange("other", existing);
        seed.addColumn("c", ColumnValue.fromLong(0), base);
        ots.client.putRow(new PutRowRequest(seed));

        BatchWriteRowRequest req = new BatchWriteRowRequest();
        RowPutChange p1 = new RowPutChange("other", pk("id", 2));
        p1.addColumn("c", ColumnValue.fromLong(2), base);
        RowPutChange failing = new RowPutChange("other", existing);
        failing.addColumn("c", ColumnValue.fromLong(9), base);
        failing.setCondition(new Condition(RowExistenceExpectation.EXPECT_NOT_EXIST));
        RowUpdateChange u = new RowUpdateChange("other", pk("id", 3));
        u.put("c", ColumnValue.fromLong(3), base);
        RowDeleteChange d = new RowDeleteChange("versions", pk("pk", "batch-deleted"));
        RowPutChange wrongType = new RowPutChange("versions", pk("pk", 5L));
        wrongType.addColumn("c", ColumnValue.fromLong(1), base);
        req.addRowChange(p1);
        req.addRowChange(failing);
        req.addRowChange(u);
        req.addRowChange(d);
        req.addRowChange(wrongType);

        BatchWriteRowResponse resp = ots.client.batchWriteRow(req);

        List<BatchWriteRowResponse.RowResult> other = resp.getRowStatus("other");
        assertThat(other).extracting(BatchWriteRowResponse.RowResult::getIndex).containsExactly(0, 1, 2);
        assertThat(other).extracting(BatchWriteRowResponse.RowResult::isSucceed).containsExactly(true, false, true);
        assertThat(other.get(1).getError().getCode()).isEqualTo("OTSConditionCheckFail");
        assertThat(other.get(1).getError().getMessage()).isEqualTo("Condition check failed.");
        assertThat(other.get(0).getConsumedCapacity().getCapacityUnit().getWriteCapacityUnit()).isEqualTo(1);
        List<BatchWriteRowResponse.RowResult> versions = resp.getRowStatus("versions");
        assertThat(versions).extracting(BatchWriteRowResponse.RowResult::isSucceed).containsExactly(true, false);
        assertThat(versions.get(1).getError().getCode()).isEqualTo("OTSInvalidPK");

        assertThat(get("other", pk("id", 2), 1).getLatestColumn("c").getValue().asLong()).isEqualTo(2);
        assertThat(get("other", existing, 1).getLatestColumn("c").getValue().asLong()).isEqualTo(0);
        assertThat(get("other", pk("id", 3), 1).getLatestColumn("c").getValue().asLong()).isEqualTo(3);
    }

    @Test
    void getRangeForwardAndBackwardWithPaging() {
        RangeRowQueryCriteria c = new RangeRowQueryCriteria("ranged");
        c.setInclusiveStartPrimaryKey(pk("a", PrimaryKeyValue.INF_MIN, "b", PrimaryKeyValue.INF_MIN));
        c.setExclusiveEndPrimaryKey(pk("a", PrimaryKeyValue.INF_MAX, "b", PrimaryKeyValue.INF_MAX));
        c.setMaxVersions(1);
        c.setLimit(4);
        GetRangeResponse first = ots.client.getRange(new GetRangeRequest(c));
        assertThat(values(first.getRows())).containsExactly("1x", "1y", "1z", "2x");
        assertThat(first.getNextStartPrimaryKey()).isEqualTo(pk("a", 2, "b", "y"));

        c.setInclusiveStartPrimaryKey(first.getNextStartPrimaryKey());
        c.setLimit(10);
        GetRangeResponse rest = ots.client.getRange(new GetRangeRequest(c));
        assertThat(values(rest.getRows())).containsExactly("2y", "2z", "3x", "3y", "3z");
        assertThat(rest.getNextStartPrimaryKey()).isNull();

        RangeRowQueryCriteria back = new RangeRowQueryCriteria("ranged");
        back.setDirection(Direction.BACKWARD);
        back.setInclusiveStartPrimaryKey(pk("a", 3, "b", "x"));
        back.setExclusiveEndPrimaryKey(pk("a", 1, "b", "y"));
        back.setMaxVersions(1);
        back.setLimit(2);
        GetRangeResponse b1 = ots.client.getRange(new GetRangeRequest(back));
        assertThat(values(b1.getRows())).containsExactly("3x", "2z");
        assertThat(b1.getNextStartPrimaryKey()).isEqualTo(pk("a", 2, "b", "y"));
        back.setInclusiveStartPrimaryKey(b1.getNextStartPrimaryKey());
        back.setLimit(100);
        GetRangeResponse b2 = ots.client.getRange(new GetRangeRequest(back));
        assertThat(values(b2.getRows())).containsExactly("2y", "2x", "1z");
        assertThat(b2.getNextStartPrimaryKey()).isNull();

        RangeRowQueryCriteria empty = new RangeRowQueryCriteria("ranged");
        empty.setInclusiveStartPrimaryKey(pk("a", 7, "b", PrimaryKeyValue.INF_MIN));
        empty.setExclusiveEndPrimaryKey(pk("a", 8, "b", PrimaryKeyValue.INF_MIN));
        empty.setMaxVersions(1);
        GetRangeResponse none = ots.client.getRange(new GetRangeRequest(empty));
        assertThat(none.getRows()).isEmpty();
        assertThat(none.getNextStartPrimaryKey()).isNull();
    }

    @Test
    void rangeIteratorPagesThroughEveryRow() {
        RangeIteratorParameter p = new RangeIteratorParameter("ranged");
        p.setInclusiveStartPrimaryKey(pk("a", 1, "b", "y"));
        p.setExclusiveEndPrimaryKey(pk("a", PrimaryKeyValue.INF_MAX, "b", PrimaryKeyValue.INF_MAX));
        p.setMaxVersions(1);
        p.setBufferSize(2);
        Iterator<Row> it = ots.client.createRangeIterator(p);
        List<Row> rows = new ArrayList<>();
        it.forEachRemaining(rows::add);
        assertThat(values(rows)).containsExactly("1y", "1z", "2x", "2y", "2z", "3x", "3y", "3z");
    }

    private static List<String> values(List<Row> rows) {
        return rows.stream().map(r -> r.getLatestColumn("v").getValue().asString()).toList();
    }
}
