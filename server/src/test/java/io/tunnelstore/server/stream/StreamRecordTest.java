package io.tunnelstore.server.stream;

import static io.tunnelstore.server.stream.StreamTestServer.assertOtsError;
import static io.tunnelstore.server.stream.StreamTestServer.pk;
import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.model.Column;
import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.DeleteRowRequest;
import com.alicloud.openservices.tablestore.model.DescribeTableRequest;
import com.alicloud.openservices.tablestore.model.GetShardIteratorRequest;
import com.alicloud.openservices.tablestore.model.GetStreamRecordRequest;
import com.alicloud.openservices.tablestore.model.GetStreamRecordResponse;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.RecordColumn;
import com.alicloud.openservices.tablestore.model.RecordSequenceInfo;
import com.alicloud.openservices.tablestore.model.RowDeleteChange;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.RowUpdateChange;
import com.alicloud.openservices.tablestore.model.StreamRecord;
import com.alicloud.openservices.tablestore.model.StreamSpecification;
import com.alicloud.openservices.tablestore.model.UpdateRowRequest;
import com.alicloud.openservices.tablestore.model.UpdateTableRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** GetShardIterator and GetStreamRecord after SDK writes, read back through the official SyncClient. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamRecordTest {

    private StreamTestServer ots;

    @BeforeAll
    void start(@TempDir Path dir) {
        ots = new StreamTestServer(dir);
    }

    @AfterAll
    void stop() {
        ots.close();
    }

    private String streamId(String table) {
        return ots.client.describeTable(new DescribeTableRequest(table)).getStreamDetails().getStreamId();
    }

    private String iterator(String table, String shard) {
        return ots.client.getShardIterator(new GetShardIteratorRequest(streamId(table), shard)).getShardIterator();
    }

    private GetStreamRecordResponse read(String iterator, int limit) {
        GetStreamRecordRequest request = new GetStreamRecordRequest(iterator);
        if (limit > 0) {
            request.setLimit(limit);
        }
        return ots.client.getStreamRecord(request);
    }

    private long nowMicros() {
        return ots.clock.millis() * 1000;
    }

    private void put(String table, long key, String column, ColumnValue value, long ts) {
        RowPutChange put = new RowPutChange(table, pk("pk", key));
        put.addColumn(column, value, ts);
        ots.client.putRow(new PutRowRequest(put));
    }

    private static RecordColumn col(String name, ColumnValue value, long ts) {
        return new RecordColumn(new Column(name, value, ts), RecordColumn.ColumnType.PUT);
    }

    /** Compares by content: the SDK's RecordColumn has no equals. */
    private static List<String> describe(List<RecordColumn> columns) {
        List<String> out = new ArrayList<>();
        for (RecordColumn c : columns) {
            Column column = c.getColumn();
            out.add(c.getColumnType() + " " + column.getName()
                    + (c.getColumnType() == RecordColumn.ColumnType.PUT ? "=" + column.getValue() : "")
                    + (column.hasSetTimestamp() ? "@" + column.getTimestamp() : ""));
        }
        return out;
    }

    private static void assertSequence(StreamRecord r, long micros, int rowIndex) {
        RecordSequenceInfo s = r.getSequenceInfo();
        assertThat(List.of(s.getEpoch(), s.getTimestamp(), s.getRowIndex()))
                .containsExactly(0, micros, rowIndex);
    }

    @Test
    void putUpdateAndDeleteComeBackInCommitOrderWithTheirCellOperations() {
        ots.createIntegerTable("changes", List.of(100L), new String[0]);
        long ts = ots.clock.millis() - 5_000;
        long t1 = nowMicros();
        RowPutChange put = new RowPutChange("changes", pk("pk", 1));
        put.addColumn("a", ColumnValue.fromString("x"), ts);
        put.addColumn("b", ColumnValue.fromLong(7), ts);
        ots.client.putRow(new PutRowRequest(put));
        ots.clock.advance(Duration.ofMillis(1));
        long t2 = nowMicros();
        RowUpdateChange update = new RowUpdateChange("changes", pk("pk", 1));
        update.put("a", ColumnValue.fromString("y"), ts + 1);
        update.deleteColumn("b", ts);
        update.deleteColumns("c");
        ots.client.updateRow(new UpdateRowRequest(update));
        ots.clock.advance(Duration.ofMillis(1));
        long t3 = nowMicros();
        ots.client.deleteRow(new DeleteRowRequest(new RowDeleteChange("changes", pk("pk", 1))));
        put("changes", 150, "a", ColumnValue.fromBoolean(true), ts);

        GetStreamRecordResponse shard1 = read(iterator("changes", "1"), 0);
        List<StreamRecord> records = shard1.getRecords();
        assertThat(records).extracting(StreamRecord::getRecordType).containsExactly(
                StreamRecord.RecordType.PUT, StreamRecord.RecordType.UPDATE, StreamRecord.RecordType.DELETE);
        assertThat(records).extracting(StreamRecord::getPrimaryKey).containsOnly(pk("pk", 1));
        assertThat(describe(records.get(0).getColumns())).containsExactly("PUT a=x@" + ts, "PUT b=7@" + ts);
        assertThat(describe(records.get(1).getColumns())).containsExactly(
                "PUT a=y@" + (ts + 1), "DELETE_ONE_VERSION b@" + ts, "DELETE_ALL_VERSION c");
        assertThat(records.get(2).getColumns()).isEmpty();
        assertSequence(records.get(0), t1, 1);
        assertSequence(records.get(1), t2, 2);
        assertSequence(records.get(2), t3, 3);
        assertThat(records).allSatisfy(r -> assertThat(r.getOriginColumns()).isEmpty());
        assertThat(shard1.getMayMoreRecord()).isFalse();
        assertThat(shard1.getNextShardIterator()).isNotEmpty();

        List<StreamRecord> shard2 = read(iterator("changes", "2"), 0).getRecords();
        assertThat(shard2).hasSize(1);
        assertThat(shard2.get(0).getPrimaryKey()).isEqualTo(pk("pk", 150));
        assertThat(describe(shard2.get(0).getColumns())).containsExactly("PUT a=true@" + ts);
        assertSequence(shard2.get(0), t3, 1);
    }

    @Test
    void smallLimitsPageThroughTheShardAndAnIdleOpenShardKeepsItsIterator() {
        ots.createIntegerTable("paged", List.of(), new String[0]);
        long ts = ots.clock.millis();
        for (long k = 1; k <= 5; k++) {
            put("paged", k, "v", ColumnValue.fromLong(k * 10), ts);
        }
        String it = iterator("paged", "1");
        List<Long> seen = new ArrayList<>();
        List<Boolean> mayMore = new ArrayList<>();
        for (int call = 0; call < 3; call++) {
            GetStreamRecordResponse page = read(it, 2);
            page.getRecords().forEach(r -> seen.add(r.getPrimaryKey().getPrimaryKeyColumn("pk").getValue().asLong()));
            mayMore.add(page.getMayMoreRecord());
            it = page.getNextShardIterator();
        }
        assertThat(seen).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(mayMore).containsExactly(true, true, false);

        // caught up on an open shard: no records, and an iterator to poll with again
        GetStreamRecordResponse idle = read(it, 2);
        assertThat(idle.getRecords()).isEmpty();
        assertThat(idle.getMayMoreRecord()).isFalse();
        assertThat(idle.getNextShardIterator()).isNotEmpty();
        GetStreamRecordResponse stillIdle = read(idle.getNextShardIterator(), 2);
        assertThat(stillIdle.getRecords()).isEmpty();

        put("paged", 6, "v", ColumnValue.fromLong(60), ts);
        List<StreamRecord> fresh = read(stillIdle.getNextShardIterator(), 2).getRecords();
        assertThat(fresh).extracting(r -> r.getPrimaryKey().getPrimaryKeyColumn("pk").getValue().asLong())
                .containsExactly(6L);
        assertSequence(fresh.get(0), nowMicros(), 6);
    }

    @Test
    void anIteratorIntoAnEmptyShardPicksUpTheFirstRecord() {
        ots.createIntegerTable("empty_first", List.of(), new String[0]);
        GetStreamRecordResponse empty = read(iterator("empty_first", "1"), 0);
        assertThat(empty.getRecords()).isEmpty();
        assertThat(empty.getNextShardIterator()).isNotEmpty();

        put("empty_first", 9, "v", ColumnValue.fromString("first"), ots.clock.millis());
        GetStreamRecordResponse first = read(empty.getNextShardIterator(), 0);
        assertThat(first.getRecords()).extracting(r -> describe(r.getColumns()))
                .containsExactly(List.of("PUT v=first@" + ots.clock.millis()));
    }

    @Test
    void aTimestampStartsTheIteratorAtTheFirstRecordCommittedAtOrAfterIt() {
        ots.createIntegerTable("timed", List.of(), new String[0]);
        long ts = ots.clock.millis();
        put("timed", 1, "v", ColumnValue.fromLong(1), ts);
        ots.clock.advance(Duration.ofMillis(10));
        long second = nowMicros();
        put("timed", 2, "v", ColumnValue.fromLong(2), ts);
        ots.clock.advance(Duration.ofMillis(10));
        put("timed", 3, "v", ColumnValue.fromLong(3), ts);

        GetShardIteratorRequest at = new GetShardIteratorRequest(streamId("timed"), "1");
        at.setTimestamp(second);
        List<StreamRecord> fromSecond = read(ots.client.getShardIterator(at).getShardIterator(), 0).getRecords();
        assertThat(fromSecond).extracting(r -> r.getSequenceInfo().getRowIndex()).containsExactly(2, 3);

        GetShardIteratorRequest later = new GetShardIteratorRequest(streamId("timed"), "1");
        later.setTimestamp(nowMicros() + 1);
        GetStreamRecordResponse none = read(ots.client.getShardIterator(later).getShardIterator(), 0);
        assertThat(none.getRecords()).isEmpty();
        put("timed", 4, "v", ColumnValue.fromLong(4), ts); // committed before the requested time: not returned
        ots.clock.advance(Duration.ofMillis(1));
        put("timed", 5, "v", ColumnValue.fromLong(5), ts);
        assertThat(read(none.getNextShardIterator(), 0).getRecords())
                .extracting(r -> r.getSequenceInfo().getRowIndex()).containsExactly(5);
    }

    @Test
    void updatesCarryTheOriginColumnsTheStreamAsksFor() {
        ots.createIntegerTable("with_origin", List.of(), "a");
        long ts = ots.clock.millis() - 1000;
        RowPutChange put = new RowPutChange("with_origin", pk("pk", 5));
        put.addColumn("a", ColumnValue.fromLong(1), ts);
        put.addColumn("b", ColumnValue.fromLong(2), ts);
        ots.client.putRow(new PutRowRequest(put));
        RowUpdateChange update = new RowUpdateChange("with_origin", pk("pk", 5));
        update.put("a", ColumnValue.fromLong(10), ts + 1);
        ots.client.updateRow(new UpdateRowRequest(update));

        List<StreamRecord> records = read(iterator("with_origin", "1"), 0).getRecords();
        assertThat(records).hasSize(2);
        assertThat(records.get(0).getOriginColumns()).isEmpty();
        assertThat(describe(records.get(1).getColumns())).containsExactly("PUT a=10@" + (ts + 1));
        assertThat(describe(records.get(1).getOriginColumns())).containsExactly("PUT a=1@" + ts);
    }

    @Test
    void aDisabledStreamIsClosedOnceReadToItsEnd() {
        ots.createIntegerTable("closing", List.of(), new String[0]);
        put("closing", 1, "v", ColumnValue.fromLong(1), ots.clock.millis());
        put("closing", 2, "v", ColumnValue.fromLong(2), ots.clock.millis());
        String it = iterator("closing", "1");
        UpdateTableRequest off = new UpdateTableRequest("closing");
        off.setStreamSpecification(new StreamSpecification(false));
        ots.client.updateTable(off);

        GetStreamRecordResponse first = read(it, 1);
        assertThat(first.getRecords()).hasSize(1);
        assertThat(first.getNextShardIterator()).isNotEmpty();
        GetStreamRecordResponse last = read(first.getNextShardIterator(), 1);
        assertThat(last.getRecords()).hasSize(1);
        assertThat(last.getMayMoreRecord()).isFalse();
        assertThat(last.getNextShardIterator()).isNull();

        // re-enabling starts a new stream: the old one and its iterators are gone, its records are not in the new one
        ots.clock.advance(Duration.ofMillis(1));
        UpdateTableRequest on = new UpdateTableRequest("closing");
        on.setStreamSpecification(new StreamSpecification(true, 24));
        ots.client.updateTable(on);
        assertOtsError(() -> read(it, 1), "OTSObjectNotExist", 404);
        put("closing", 3, "v", ColumnValue.fromLong(3), ots.clock.millis());
        assertThat(read(iterator("closing", "1"), 0).getRecords())
                .extracting(r -> r.getSequenceInfo().getRowIndex()).containsExactly(3);
    }

    @Test
    void badIteratorsAndLimitsAreRejected() {
        ots.createIntegerTable("checked", List.of(), new String[0]);
        String it = iterator("checked", "1");
        assertOtsError(() -> read("not-an-iterator", 0), "OTSParameterInvalid", 400);
        assertOtsError(() -> read(it.substring(0, it.length() - 2), 0), "OTSParameterInvalid", 400);
        GetStreamRecordRequest otherTable = new GetStreamRecordRequest(it);
        otherTable.setTableName("changes");
        assertOtsError(() -> ots.client.getStreamRecord(otherTable), "OTSParameterInvalid", 400);
        com.alicloud.openservices.tablestore.SyncClient other = ots.client("other");
        try {
            assertOtsError(() -> other.getStreamRecord(new GetStreamRecordRequest(it)), "OTSObjectNotExist", 404);
        } finally {
            other.shutdown();
        }
        GetStreamRecordRequest sameTable = new GetStreamRecordRequest(it);
        sameTable.setTableName("checked");
        assertThat(ots.client.getStreamRecord(sameTable).getRecords()).isEmpty();
    }
}
