package io.tunnelstore.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.tunnelstore.client.MockOtsServer.Reply;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.pb.TableProtos;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TableClient request building and response mapping, against the scripted {@link MockOtsServer}. */
class TableClientTest {

    private static final TableProtos.ConsumedCapacity CU = TableProtos.ConsumedCapacity.newBuilder()
            .setCapacityUnit(TableProtos.CapacityUnit.newBuilder().setRead(1).setWrite(2)).build();

    private MockOtsServer server;
    private TableClient client;

    @BeforeEach
    void start() throws Exception {
        server = new MockOtsServer(Map.of("ak", "sk"));
        client = TableClient.builder().endpoint(server.endpoint()).instanceName("demo").credentials("ak", "sk")
                .callTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private static PrimaryKey pk(long id) {
        return PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.ofLong(id)));
    }

    private static PlainRow storedRow(long id, String name) {
        return PlainRow.of(pk(id), List.of(Cell.put("name", ColumnValue.ofString(name), 1000 + id)));
    }

    @Test
    void createTableSendsSchemaOptionsAndStream() throws Exception {
        server.enqueue(Reply.ok(TableProtos.CreateTableResponse.getDefaultInstance()));
        client.createTable(CreateTableRequest.builder("orders")
                .addPrimaryKey("shop", PrimaryKeyType.STRING)
                .addPrimaryKey(PrimaryKeySchema.autoIncrement("seq"))
                .timeToLiveSeconds(86400).maxVersions(3).streamEnabled(24).build());

        TableProtos.CreateTableRequest sent = TableProtos.CreateTableRequest.parseFrom(server.requests().get(0).body());
        assertThat(server.requests().get(0).action()).isEqualTo("CreateTable");
        assertThat(sent.getTableMeta().getTableName()).isEqualTo("orders");
        assertThat(sent.getTableMeta().getPrimaryKeyList()).containsExactly(
                TableProtos.PrimaryKeySchema.newBuilder().setName("shop").setType(TableProtos.PrimaryKeyType.STRING)
                        .build(),
                TableProtos.PrimaryKeySchema.newBuilder().setName("seq").setType(TableProtos.PrimaryKeyType.INTEGER)
                        .setOption(TableProtos.PrimaryKeyOption.AUTO_INCREMENT).build());
        assertThat(sent.getTableOptions().getTimeToLive()).isEqualTo(86400);
        assertThat(sent.getTableOptions().getMaxVersions()).isEqualTo(3);
        assertThat(sent.getStreamSpec().getEnableStream()).isTrue();
        assertThat(sent.getStreamSpec().getExpirationTime()).isEqualTo(24);
    }

    @Test
    void createTableRejectsBadSchemasBeforeSending() {
        assertThatThrownBy(() -> CreateTableRequest.builder("orders").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a table needs 1 to 4 primary key columns, got 0");
        assertThatThrownBy(() -> CreateTableRequest.builder("1orders"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid table name '1orders'");
        assertThatThrownBy(() -> CreateTableRequest.builder("t").addPrimaryKey(PrimaryKeySchema.autoIncrement("a"))
                .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be auto-increment");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void getRowDecodesTheRowAndMapsZeroLengthToEmpty() {
        server.enqueue(
                Reply.ok(TableProtos.GetRowResponse.newBuilder().setConsumed(CU)
                        .setRow(ByteString.copyFrom(PlainBufferCodec.encodeRow(storedRow(7, "seven")))).build()),
                Reply.ok(TableProtos.GetRowResponse.newBuilder().setConsumed(CU).setRow(ByteString.EMPTY).build()));

        Optional<Row> found = client.getRow("t", pk(7));
        Optional<Row> missing = client.getRow("t", pk(8));

        assertThat(found).contains(new Row(pk(7), List.of(Cell.put("name", ColumnValue.ofString("seven"), 1007))));
        assertThat(found.get().latest("name")).contains(ColumnValue.ofString("seven"));
        assertThat(missing).isEmpty();
    }

    @Test
    void deleteRowSendsTheKeyWithTheDeleteMarker() throws Exception {
        server.enqueue(Reply.ok(TableProtos.DeleteRowResponse.newBuilder().setConsumed(CU).build()));
        ConsumedCapacity cu = client.deleteRow(new RowDeleteChange("t", pk(3), RowExistence.EXPECT_EXIST));

        assertThat(cu).isEqualTo(new ConsumedCapacity(1, 2));
        TableProtos.DeleteRowRequest sent = TableProtos.DeleteRowRequest.parseFrom(server.requests().get(0).body());
        assertThat(PlainBufferCodec.decodeSingleRow(sent.getPrimaryKey().toByteArray()))
                .isEqualTo(PlainRow.deleteMarkerRow(pk(3)));
        assertThat(sent.getCondition().getRowExistence()).isEqualTo(TableProtos.RowExistenceExpectation.EXPECT_EXIST);
    }

    @Test
    void scanPagesThroughNextStartPrimaryKey() throws Exception {
        PrimaryKey start = PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.INF_MIN));
        PrimaryKey end = PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.INF_MAX));
        server.enqueue(
                Reply.ok(rangeResponse(List.of(storedRow(1, "a"), storedRow(2, "b")), pk(3))),
                Reply.ok(rangeResponse(List.of(), pk(3))),
                Reply.ok(rangeResponse(List.of(storedRow(3, "c")), null)));

        List<Long> ids = new ArrayList<>();
        Iterator<Row> it = client.scan("t", start, end, ScanOptions.builder().pageSize(2).build());
        it.forEachRemaining(r -> ids.add(r.primaryKey().get(0).value().asLong()));

        assertThat(ids).containsExactly(1L, 2L, 3L);
        assertThat(it.hasNext()).isFalse();
        List<MockOtsServer.Recorded> requests = server.requests();
        assertThat(requests).hasSize(3);
        TableProtos.GetRangeRequest first = TableProtos.GetRangeRequest.parseFrom(requests.get(0).body());
        TableProtos.GetRangeRequest second = TableProtos.GetRangeRequest.parseFrom(requests.get(1).body());
        assertThat(first.getLimit()).isEqualTo(2);
        assertThat(first.getMaxVersions()).isEqualTo(1);
        assertThat(PlainBufferCodec.decodeSingleRow(first.getInclusiveStartPrimaryKey().toByteArray()).primaryKey())
                .isEqualTo(start);
        assertThat(PlainBufferCodec.decodeSingleRow(second.getInclusiveStartPrimaryKey().toByteArray()).primaryKey())
                .isEqualTo(pk(3));
        assertThat(PlainBufferCodec.decodeSingleRow(second.getExclusiveEndPrimaryKey().toByteArray()).primaryKey())
                .isEqualTo(end);
    }

    @Test
    void scanStopsAtTheLimitWithoutFetchingMore() throws Exception {
        PrimaryKey start = PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.INF_MIN));
        PrimaryKey end = PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.INF_MAX));
        server.enqueue(Reply.ok(rangeResponse(List.of(storedRow(1, "a"), storedRow(2, "b")), pk(3))));

        List<Row> rows = new ArrayList<>();
        client.scan("t", start, end, ScanOptions.builder().limit(2).build()).forEachRemaining(rows::add);

        assertThat(rows).hasSize(2);
        assertThat(server.requests()).hasSize(1);
        assertThat(TableProtos.GetRangeRequest.parseFrom(server.requests().get(0).body()).getLimit()).isEqualTo(2);
    }

    private static TableProtos.GetRangeResponse rangeResponse(List<PlainRow> rows, PrimaryKey next) {
        TableProtos.GetRangeResponse.Builder b = TableProtos.GetRangeResponse.newBuilder().setConsumed(CU)
                .setRows(ByteString.copyFrom(PlainBufferCodec.encodeRows(rows)));
        if (next != null) {
            b.setNextStartPrimaryKey(ByteString.copyFrom(PlainBufferCodec.encodePrimaryKey(next)));
        }
        return b.build();
    }

    @Test
    void batchWriteGroupsByTableAndMapsResultsBackToRequestOrder() throws Exception {
        List<RowChange> changes = List.of(
                RowPutChange.of("a", pk(1), List.of(Cell.put("x", ColumnValue.ofLong(1)))),
                RowDeleteChange.of("b", pk(2)),
                RowUpdateChange.of("a", pk(3), List.of(Cell.increment("n", 5))));
        server.enqueue(Reply.ok(TableProtos.BatchWriteRowResponse.newBuilder()
                .addTables(TableProtos.TableInBatchWriteRowResponse.newBuilder().setTableName("a")
                        .addRows(TableProtos.RowInBatchWriteRowResponse.newBuilder().setIsOk(true).setConsumed(CU))
                        .addRows(TableProtos.RowInBatchWriteRowResponse.newBuilder().setIsOk(false)
                                .setError(TableProtos.Error.newBuilder().setCode("OTSConditionCheckFail")
                                        .setMessage("Condition check failed."))))
                .addTables(TableProtos.TableInBatchWriteRowResponse.newBuilder().setTableName("b")
                        .addRows(TableProtos.RowInBatchWriteRowResponse.newBuilder().setIsOk(true).setConsumed(CU)))
                .build()));

        BatchWriteResult result = client.batchWriteRow(changes);

        TableProtos.BatchWriteRowRequest sent =
                TableProtos.BatchWriteRowRequest.parseFrom(server.requests().get(0).body());
        assertThat(sent.getTablesList()).extracting(TableProtos.TableInBatchWriteRowRequest::getTableName)
                .containsExactly("a", "b");
        assertThat(sent.getTables(0).getRowsList()).extracting(TableProtos.RowInBatchWriteRowRequest::getType)
                .containsExactly(TableProtos.OperationType.PUT, TableProtos.OperationType.UPDATE);
        assertThat(sent.getTables(1).getRows(0).getType()).isEqualTo(TableProtos.OperationType.DELETE);

        assertThat(result.results()).containsExactly(
                new BatchWriteResult.RowResult(0, changes.get(0), true, null, null, new ConsumedCapacity(1, 2)),
                new BatchWriteResult.RowResult(1, changes.get(1), true, null, null, new ConsumedCapacity(1, 2)),
                new BatchWriteResult.RowResult(2, changes.get(2), false, "OTSConditionCheckFail",
                        "Condition check failed.", ConsumedCapacity.NONE));
        assertThat(result.allSucceeded()).isFalse();
        assertThat(result.failed()).extracting(BatchWriteResult.RowResult::index).containsExactly(2);
    }

    @Test
    void batchWriteResendsOnlyRowsThatFailedWithTransientCodes() throws Exception {
        List<RowChange> changes = List.of(
                RowPutChange.of("a", pk(1), List.of(Cell.put("x", ColumnValue.ofLong(1)))),
                RowDeleteChange.of("b", pk(2)),
                RowUpdateChange.of("a", pk(3), List.of(Cell.put("x", ColumnValue.ofLong(3)))));
        server.enqueue(
                Reply.ok(TableProtos.BatchWriteRowResponse.newBuilder()
                        .addTables(TableProtos.TableInBatchWriteRowResponse.newBuilder().setTableName("a")
                                .addRows(TableProtos.RowInBatchWriteRowResponse.newBuilder().setIsOk(true)
                                        .setConsumed(CU))
                                .addRows(TableProtos.RowInBatchWriteRowResponse.newBuilder().setIsOk(false)
                                        .setError(TableProtos.Error.newBuilder().setCode("OTSServerBusy")
                                                .setMessage("busy"))))
                        .addTables(TableProtos.TableInBatchWriteRowResponse.newBuilder().setTableName("b")
                                .addRows(TableProtos.RowInBatchWriteRowResponse.newBuilder().setIsOk(false)
                                        .setError(TableProtos.Error.newBuilder().setCode("OTSConditionCheckFail")
                                                .setMessage("Condition check failed."))))
                        .build()),
                Reply.ok(TableProtos.BatchWriteRowResponse.newBuilder()
                        .addTables(TableProtos.TableInBatchWriteRowResponse.newBuilder().setTableName("a")
                                .addRows(TableProtos.RowInBatchWriteRowResponse.newBuilder().setIsOk(true)
                                        .setConsumed(CU)))
                        .build()));

        BatchWriteResult result = client.batchWriteRow(changes);

        assertThat(result.results()).containsExactly(
                new BatchWriteResult.RowResult(0, changes.get(0), true, null, null, new ConsumedCapacity(1, 2)),
                new BatchWriteResult.RowResult(1, changes.get(1), false, "OTSConditionCheckFail",
                        "Condition check failed.", ConsumedCapacity.NONE),
                new BatchWriteResult.RowResult(2, changes.get(2), true, null, null, new ConsumedCapacity(1, 2)));
        assertThat(server.requests()).hasSize(2);
        TableProtos.BatchWriteRowRequest resent =
                TableProtos.BatchWriteRowRequest.parseFrom(server.requests().get(1).body());
        assertThat(resent.getTablesCount()).isEqualTo(1);
        assertThat(resent.getTables(0).getTableName()).isEqualTo("a");
        assertThat(resent.getTables(0).getRowsList()).extracting(TableProtos.RowInBatchWriteRowRequest::getType)
                .containsExactly(TableProtos.OperationType.UPDATE);
    }

    @Test
    void batchWriteGivesUpOnTransientRowFailuresWhenTheBudgetIsSpent() {
        TableClient noRetry = TableClient.create(client.config().toBuilder().retryPolicy(RetryPolicy.none()).build());
        server.enqueue(Reply.ok(TableProtos.BatchWriteRowResponse.newBuilder()
                .addTables(TableProtos.TableInBatchWriteRowResponse.newBuilder().setTableName("a")
                        .addRows(TableProtos.RowInBatchWriteRowResponse.newBuilder().setIsOk(false)
                                .setError(TableProtos.Error.newBuilder().setCode("OTSRowOperationConflict")
                                        .setMessage("conflict"))))
                .build()));
        BatchWriteResult result = noRetry.batchWriteRow(List.of(RowDeleteChange.of("a", pk(1))));
        noRetry.close();
        assertThat(result.failed()).extracting(BatchWriteResult.RowResult::errorCode)
                .containsExactly("OTSRowOperationConflict");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aBatchResponseThatDoesNotMirrorTheRequestIsAMalformedResponse() {
        server.enqueue(Reply.ok(TableProtos.BatchWriteRowResponse.getDefaultInstance()));
        assertThatThrownBy(() -> client.batchWriteRow(List.of(RowDeleteChange.of("a", pk(1)))))
                .isInstanceOf(ClientTransportException.class)
                .hasMessageContaining("BatchWriteRow: malformed response: BatchWriteRow response has 0 tables");
    }

    @Test
    void batchWriteRejectsEmptyAndOversizedBatches() {
        assertThatThrownBy(() -> client.batchWriteRow(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a batch write needs 1 to 200 rows, got 0");
        List<RowChange> tooMany = new ArrayList<>();
        for (int i = 0; i < 201; i++) {
            tooMany.add(RowDeleteChange.of("a", pk(i)));
        }
        assertThatThrownBy(() -> client.batchWriteRow(tooMany)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a batch write needs 1 to 200 rows, got 201");
    }

    @Test
    void describeTableMapsSchemaOptionsAndStream() {
        server.enqueue(Reply.ok(TableProtos.DescribeTableResponse.newBuilder()
                .setTableMeta(TableProtos.TableMeta.newBuilder().setTableName("t")
                        .addPrimaryKey(TableProtos.PrimaryKeySchema.newBuilder().setName("id")
                                .setType(TableProtos.PrimaryKeyType.INTEGER)))
                .setReservedThroughputDetails(TableProtos.ReservedThroughputDetails.newBuilder()
                        .setCapacityUnit(TableProtos.CapacityUnit.newBuilder().setRead(0).setWrite(0))
                        .setLastIncreaseTime(0))
                .setTableOptions(TableProtos.TableOptions.newBuilder().setTimeToLive(-1).setMaxVersions(2))
                .setTableStatus(TableProtos.TableStatus.ACTIVE)
                .setStreamDetails(TableProtos.StreamDetails.newBuilder().setEnableStream(true).setStreamId("s-1")
                        .setExpirationTime(168).setLastEnableTime(123))
                .build()));

        assertThat(client.describeTable("t")).isEqualTo(new TableDescription("t",
                List.of(PrimaryKeySchema.of("id", PrimaryKeyType.INTEGER)), new TableOptions(-1, 2),
                new StreamDetails(true, "s-1", 168, 123)));
    }

    @Test
    void aRunningClientSignsWithRefreshedCredentialsAfterARefresh() {
        server.close();
        try (MockOtsServer twoKeys = new MockOtsServer(Map.of("STS.one", "s1", "STS.two", "s2"))) {
            ManualScheduledExecutor scheduler = new ManualScheduledExecutor();
            List<Credentials> issued = new ArrayList<>(List.of(Credentials.of("STS.one", "s1", "t1"),
                    Credentials.of("STS.two", "s2", "t2")));
            try (RefreshingCredentialsProvider sts = RefreshingCredentialsProvider.builder(() -> issued.remove(0))
                    .scheduler(scheduler).build();
                 TableClient c = TableClient.builder().endpoint(twoKeys.endpoint()).instanceName("demo")
                         .credentialsProvider(sts).build()) {
                TableProtos.ListTableResponse tables =
                        TableProtos.ListTableResponse.newBuilder().addTableNames("t").build();
                twoKeys.enqueue(Reply.ok(tables), Reply.ok(tables));

                assertThat(c.listTables()).containsExactly("t");
                scheduler.runNext(); // the scheduled 30-minute refresh fires
                assertThat(c.listTables()).containsExactly("t");

                assertThat(twoKeys.requests()).extracting(MockOtsServer.Recorded::accessKeyId)
                        .containsExactly("STS.one", "STS.two");
                assertThat(twoKeys.requests()).extracting(r -> r.headers().get("x-ots-ststoken"))
                        .containsExactly("t1", "t2");
                assertThat(twoKeys.requests()).allMatch(MockOtsServer.Recorded::signatureValid);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void closedClientRejectsCalls() {
        client.close();
        assertThatThrownBy(() -> client.listTables()).isInstanceOf(IllegalStateException.class)
                .hasMessage("TableClient is closed");
    }
}
