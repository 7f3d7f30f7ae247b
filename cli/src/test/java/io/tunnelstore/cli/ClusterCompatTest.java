package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alicloud.openservices.tablestore.InternalClient;
import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.TableStoreException;
import com.alicloud.openservices.tablestore.TunnelClient;
import com.alicloud.openservices.tablestore.model.BatchGetRowRequest;
import com.alicloud.openservices.tablestore.model.BatchGetRowResponse;
import com.alicloud.openservices.tablestore.model.BatchWriteRowRequest;
import com.alicloud.openservices.tablestore.model.BatchWriteRowResponse;
import com.alicloud.openservices.tablestore.model.Column;
import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.Condition;
import com.alicloud.openservices.tablestore.model.CreateTableRequest;
import com.alicloud.openservices.tablestore.model.CreateTableRequestEx;
import com.alicloud.openservices.tablestore.model.DeleteRowRequest;
import com.alicloud.openservices.tablestore.model.DeleteTableRequest;
import com.alicloud.openservices.tablestore.model.DescribeStreamRequest;
import com.alicloud.openservices.tablestore.model.DescribeStreamResponse;
import com.alicloud.openservices.tablestore.model.DescribeTableRequest;
import com.alicloud.openservices.tablestore.model.DescribeTableResponse;
import com.alicloud.openservices.tablestore.model.Direction;
import com.alicloud.openservices.tablestore.model.GetRangeRequest;
import com.alicloud.openservices.tablestore.model.GetRangeResponse;
import com.alicloud.openservices.tablestore.model.GetRowRequest;
import com.alicloud.openservices.tablestore.model.GetShardIteratorRequest;
import com.alicloud.openservices.tablestore.model.GetStreamRecordRequest;
import com.alicloud.openservices.tablestore.model.GetStreamRecordResponse;
import com.alicloud.openservices.tablestore.model.ListStreamRequest;
import com.alicloud.openservices.tablestore.model.MultiRowQueryCriteria;
import com.alicloud.openservices.tablestore.model.PrimaryKey;
import com.alicloud.openservices.tablestore.model.PrimaryKeyBuilder;
import com.alicloud.openservices.tablestore.model.PrimaryKeySchema;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.RangeRowQueryCriteria;
import com.alicloud.openservices.tablestore.model.Row;
import com.alicloud.openservices.tablestore.model.RowDeleteChange;
import com.alicloud.openservices.tablestore.model.RowExistenceExpectation;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.RowUpdateChange;
import com.alicloud.openservices.tablestore.model.SingleRowQueryCriteria;
import com.alicloud.openservices.tablestore.model.StreamRecord;
import com.alicloud.openservices.tablestore.model.StreamShard;
import com.alicloud.openservices.tablestore.model.StreamSpecification;
import com.alicloud.openservices.tablestore.model.TableMeta;
import com.alicloud.openservices.tablestore.model.TableOptions;
import com.alicloud.openservices.tablestore.model.UpdateRowRequest;
import com.alicloud.openservices.tablestore.model.UpdateTableRequest;
import com.alicloud.openservices.tablestore.model.condition.SingleColumnValueCondition;
import com.alicloud.openservices.tablestore.model.tunnel.ChannelInfo;
import com.alicloud.openservices.tablestore.model.tunnel.ChannelStatus;
import com.alicloud.openservices.tablestore.model.tunnel.CreateTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.DescribeTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.DescribeTunnelResponse;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelStage;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelType;
import com.alicloud.openservices.tablestore.tunnel.worker.IChannelProcessor;
import com.alicloud.openservices.tablestore.tunnel.worker.ProcessRecordsInput;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorker;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorkerConfig;
import io.tunnelstore.testsupport.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.LongStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The official Java SDK's table, Stream and Tunnel calls against the shared 3-node HBase cluster
 * ({@link HBaseCluster}), each client on a different node (issue 12): what one client writes through node A, a
 * client on node B reads or streams, and the official TunnelWorker consumes through node C. Row writes run on their
 * partition's owner and catalog changes on the catalog owner, wherever they were sent (docs/scale-out.md); the
 * answers, error codes included, are those of a single server (server {@code compat} tests).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterCompatTest {
    private HBaseCluster cluster;
    private HBaseCluster.Clients clients;
    /** Node A writes, B reads, C runs the tunnel workers (and the third look). */
    private SyncClient a;
    private SyncClient b;
    private SyncClient c;
    private String nodeA;
    private String nodeB;
    private String nodeC;

    @BeforeAll
    void connect() throws Exception {
        cluster = HBaseCluster.get();
        clients = new HBaseCluster.Clients(cluster);
        List<String> nodes = cluster.nodeIds();
        nodeA = nodes.get(0);
        nodeB = nodes.get(1);
        nodeC = nodes.get(2);
        a = clients.sync(nodeA);
        b = clients.sync(nodeB);
        c = clients.sync(nodeC);
    }

    @AfterAll
    void close() {
        if (clients != null) {
            clients.close();
        }
    }

    @Test
    void tablesAreCreatedDescribedListedUpdatedAndDeletedThroughDifferentNodes() {
        TableMeta meta = new TableMeta("compat_admin");
        meta.addPrimaryKeyColumn("region", PrimaryKeyType.STRING);
        meta.addPrimaryKeyColumn("id", PrimaryKeyType.INTEGER);
        a.createTable(new CreateTableRequest(meta, new TableOptions(-1, 2)));

        DescribeTableResponse described = b.describeTable(new DescribeTableRequest("compat_admin"));
        assertThat(described.getTableMeta().getPrimaryKeyList()).containsExactly(
                new PrimaryKeySchema("region", PrimaryKeyType.STRING), new PrimaryKeySchema("id", PrimaryKeyType.INTEGER));
        assertThat(described.getTableOptions().getTimeToLive()).isEqualTo(-1);
        assertThat(described.getTableOptions().getMaxVersions()).isEqualTo(2);
        assertThat(c.listTable().getTableNames()).contains("compat_admin");
        assertOtsError(() -> c.createTable(new CreateTableRequest(meta, new TableOptions(-1, 1))),
                "OTSObjectAlreadyExist", 409);

        UpdateTableRequest update = new UpdateTableRequest("compat_admin");
        update.setTableOptionsForUpdate(new TableOptions(86_400, 3));
        b.updateTable(update);
        // a node other than the catalog owner sees a change once the owner's announcement reached it
        // (docs/scale-out.md): a table it does not know is re-read at once, a changed one on the announcement
        Await.until("node C describes the updated options", Duration.ofSeconds(10), () -> {
            TableOptions updated = c.describeTable(new DescribeTableRequest("compat_admin")).getTableOptions();
            return updated.getTimeToLive() == 86_400 && updated.getMaxVersions() == 3;
        });

        c.deleteTable(new DeleteTableRequest("compat_admin"));
        Await.until("node B no longer lists the table", Duration.ofSeconds(10),
                () -> !b.listTable().getTableNames().contains("compat_admin"));
        Await.until("node A no longer describes the table", Duration.ofSeconds(10), () -> {
            try {
                a.describeTable(new DescribeTableRequest("compat_admin"));
                return false;
            } catch (TableStoreException e) {
                return "OTSObjectNotExist".equals(e.getErrorCode()) && e.getHttpStatus() == 404;
            }
        });
        assertOtsError(() -> b.deleteTable(new DeleteTableRequest("compat_admin")), "OTSObjectNotExist", 404);
    }

    @Test
    void rowsWrittenThroughOneNodeAreReadThroughTheOthers() {
        createIntegerTable("compat_rows", false, 100L, 200L);

        RowPutChange put = new RowPutChange("compat_rows", pk(150));
        put.addColumn("a", ColumnValue.fromString("x"));
        put.addColumn("b", ColumnValue.fromLong(1));
        a.putRow(new PutRowRequest(put));
        assertThat(columns(b, "compat_rows", 150)).containsExactly(Map.entry("a", "x"), Map.entry("b", "1"));

        RowUpdateChange update = new RowUpdateChange("compat_rows", pk(150));
        update.put("c", ColumnValue.fromString("y"));
        update.deleteColumns("a");
        c.updateRow(new UpdateRowRequest(update));
        assertThat(columns(a, "compat_rows", 150)).containsExactly(Map.entry("b", "1"), Map.entry("c", "y"));

        // a PutRow replaces the whole row: the columns it does not name are gone
        RowPutChange replace = new RowPutChange("compat_rows", pk(150));
        replace.addColumn("d", ColumnValue.fromString("z"));
        b.putRow(new PutRowRequest(replace));
        assertThat(columns(c, "compat_rows", 150)).containsExactly(Map.entry("d", "z"));

        a.deleteRow(new DeleteRowRequest(new RowDeleteChange("compat_rows", pk(150))));
        assertThat(row(b, "compat_rows", 150)).isNull();
    }

    @Test
    void conditionsAndErrorsAnswerTheSameCodesThroughEveryNode() {
        createIntegerTable("compat_conditions", false, 100L);
        RowPutChange put = new RowPutChange("compat_conditions", pk(7));
        put.addColumn("b", ColumnValue.fromLong(1));
        a.putRow(new PutRowRequest(put));

        RowPutChange create = new RowPutChange("compat_conditions", pk(7));
        create.addColumn("b", ColumnValue.fromLong(2));
        create.setCondition(new Condition(RowExistenceExpectation.EXPECT_NOT_EXIST));
        assertThatThrownBy(() -> c.putRow(new PutRowRequest(create)))
                .isInstanceOfSatisfying(TableStoreException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo("OTSConditionCheckFail");
                    assertThat(e.getMessage()).isEqualTo("Condition check failed.");
                    assertThat(e.getHttpStatus()).isEqualTo(403);
                });
        RowUpdateChange ifNinetyNine = new RowUpdateChange("compat_conditions", pk(7));
        ifNinetyNine.put("b", ColumnValue.fromLong(3));
        Condition wrongValue = new Condition(RowExistenceExpectation.EXPECT_EXIST);
        wrongValue.setColumnCondition(new SingleColumnValueCondition("b",
                SingleColumnValueCondition.CompareOperator.EQUAL, ColumnValue.fromLong(99)));
        ifNinetyNine.setCondition(wrongValue);
        assertOtsError(() -> b.updateRow(new UpdateRowRequest(ifNinetyNine)), "OTSConditionCheckFail", 403);
        RowUpdateChange ifOne = new RowUpdateChange("compat_conditions", pk(7));
        ifOne.put("b", ColumnValue.fromLong(4));
        Condition rightValue = new Condition(RowExistenceExpectation.EXPECT_EXIST);
        rightValue.setColumnCondition(new SingleColumnValueCondition("b",
                SingleColumnValueCondition.CompareOperator.EQUAL, ColumnValue.fromLong(1)));
        ifOne.setCondition(rightValue);
        a.updateRow(new UpdateRowRequest(ifOne));
        assertThat(columns(c, "compat_conditions", 7)).containsExactly(Map.entry("b", "4"));

        SingleRowQueryCriteria missingTable = new SingleRowQueryCriteria("compat_no_such_table", pk(1));
        missingTable.setMaxVersions(1);
        assertOtsError(() -> b.getRow(new GetRowRequest(missingTable)), "OTSObjectNotExist", 404);
        RowPutChange wrongType = new RowPutChange("compat_conditions", PrimaryKeyBuilder.createPrimaryKeyBuilder()
                .addPrimaryKeyColumn("id", PrimaryKeyValue.fromString("seven")).build());
        wrongType.addColumn("b", ColumnValue.fromLong(1));
        assertOtsError(() -> c.putRow(new PutRowRequest(wrongType)), "OTSInvalidPK", 400);
        BatchWriteRowRequest oversized = new BatchWriteRowRequest();
        for (int i = 0; i < 201; i++) {
            RowPutChange row = new RowPutChange("compat_conditions", pk(1_000 + i));
            row.addColumn("b", ColumnValue.fromLong(i));
            oversized.addRowChange(row);
        }
        assertOtsError(() -> a.batchWriteRow(oversized), "OTSParameterInvalid", 400);
        assertThat(row(b, "compat_conditions", 1_000)).isNull();
    }

    @Test
    void batchesAndRangesSpanPartitionsOwnedByDifferentNodes() {
        createIntegerTable("compat_batch", false, 100L, 200L);
        long[] ids = {10, 110, 210, 20, 120, 220};
        BatchWriteRowRequest batch = new BatchWriteRowRequest();
        for (long id : ids) {
            RowPutChange put = new RowPutChange("compat_batch", pk(id));
            put.addColumn("v", ColumnValue.fromString("v" + id));
            batch.addRowChange(put);
        }
        RowUpdateChange mustExist = new RowUpdateChange("compat_batch", pk(150));
        mustExist.put("v", ColumnValue.fromString("never"));
        mustExist.setCondition(new Condition(RowExistenceExpectation.EXPECT_EXIST));
        batch.addRowChange(mustExist);
        List<BatchWriteRowResponse.RowResult> written = a.batchWriteRow(batch).getRowStatus("compat_batch");
        assertThat(written).extracting(BatchWriteRowResponse.RowResult::getIndex)
                .containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(written).extracting(BatchWriteRowResponse.RowResult::isSucceed)
                .containsExactly(true, true, true, true, true, true, false);
        assertThat(written.get(6).getError().getCode()).isEqualTo("OTSConditionCheckFail");

        MultiRowQueryCriteria criteria = new MultiRowQueryCriteria("compat_batch");
        criteria.setMaxVersions(1);
        for (long id : new long[] {220, 10, 150, 110}) {
            criteria.addRow(pk(id));
        }
        BatchGetRowRequest get = new BatchGetRowRequest();
        get.addMultiRowQueryCriteria(criteria);
        List<BatchGetRowResponse.RowResult> read = b.batchGetRow(get).getBatchGetRowResult("compat_batch");
        assertThat(read).allMatch(BatchGetRowResponse.RowResult::isSucceed);
        assertThat(read).extracting(r -> r.getRow() == null ? null
                : r.getRow().getLatestColumn("v").getValue().asString()).containsExactly("v220", "v10", null, "v110");

        assertThat(range(c, Direction.FORWARD, Integer.MAX_VALUE)).containsExactly(10L, 20L, 110L, 120L, 210L, 220L);
        assertThat(range(a, Direction.BACKWARD, Integer.MAX_VALUE))
                .containsExactly(220L, 210L, 120L, 110L, 20L, 10L);
        RangeRowQueryCriteria firstPage = rangeCriteria(Direction.FORWARD, 4);
        GetRangeResponse page = b.getRange(new GetRangeRequest(firstPage));
        assertThat(ids(page.getRows())).containsExactly(10L, 20L, 110L, 120L);
        assertThat(page.getNextStartPrimaryKey().getPrimaryKeyColumn("id").getValue().asLong()).isEqualTo(210L);
    }

    @Test
    void theStreamOfChangesWrittenThroughTwoNodesIsReadThroughTheThird() {
        createIntegerTable("compat_stream", true, 100L);
        put(a, "compat_stream", 5, "first");
        put(a, "compat_stream", 150, "first");
        RowUpdateChange update = new RowUpdateChange("compat_stream", pk(5));
        update.put("v", ColumnValue.fromString("second"));
        b.updateRow(new UpdateRowRequest(update));
        b.deleteRow(new DeleteRowRequest(new RowDeleteChange("compat_stream", pk(150))));

        String streamId = a.describeTable(new DescribeTableRequest("compat_stream")).getStreamDetails().getStreamId();
        assertThat(c.listStream(new ListStreamRequest("compat_stream")).getStreams())
                .extracting(s -> s.getStreamId()).containsExactly(streamId);
        DescribeStreamResponse stream = c.describeStream(new DescribeStreamRequest(streamId));
        assertThat(stream.getShards()).hasSize(2);
        Map<Long, List<String>> changesByKey = new LinkedHashMap<>();
        for (StreamShard shard : stream.getShards()) {
            String iterator = a.getShardIterator(new GetShardIteratorRequest(streamId, shard.getShardId()))
                    .getShardIterator();
            for (int page = 0; iterator != null && page < 10; page++) {
                GetStreamRecordRequest request = new GetStreamRecordRequest(iterator);
                GetStreamRecordResponse records = c.getStreamRecord(request);
                for (StreamRecord r : records.getRecords()) {
                    changesByKey.computeIfAbsent(r.getPrimaryKey().getPrimaryKeyColumn("id").getValue().asLong(),
                            k -> new ArrayList<>()).add(describe(r));
                }
                if (records.getRecords().isEmpty()) {
                    break;
                }
                iterator = records.getNextShardIterator();
            }
        }
        assertThat(changesByKey).containsOnlyKeys(5L, 150L);
        assertThat(changesByKey.get(5L)).containsExactly("PUT 5 first", "UPDATE 5 second");
        assertThat(changesByKey.get(150L)).containsExactly("PUT 150 first", "DELETE 150");
    }

    @Test
    void tunnelsOfAllThreeTypesDeliverEveryRowAndChangeToAWorkerOnTheThirdNode() throws Exception {
        createIntegerTable("compat_tunnels", true, 100L);
        List<String> base = new ArrayList<>();
        for (long id : LongStream.concat(LongStream.range(0, 5), LongStream.range(100, 105)).toArray()) {
            put(a, "compat_tunnels", id, "base" + id);
            base.add("PUT " + id + " base" + id);
        }
        // created through node B (forwarded to the catalog owner unless B owns the catalog)
        TunnelClient tunnelsB = clients.tunnel(nodeB);
        TunnelClient tunnelsC = clients.tunnel(nodeC);
        String baseId = tunnelsB.createTunnel(new CreateTunnelRequest("compat_tunnels", "base", TunnelType.BaseData))
                .getTunnelId();
        String streamId = tunnelsB.createTunnel(new CreateTunnelRequest("compat_tunnels", "stream",
                TunnelType.Stream)).getTunnelId();
        String bothId = tunnelsB.createTunnel(new CreateTunnelRequest("compat_tunnels", "both",
                TunnelType.BaseAndStream)).getTunnelId();

        Collector baseRecords = startWorker(baseId, tunnelsC);
        Collector streamRecords = startWorker(streamId, tunnelsC);
        Collector bothRecords = startWorker(bothId, tunnelsC);
        Await.until("the base rows reach the BaseData and BaseAndStream workers", Duration.ofSeconds(120),
                () -> baseRecords.size() >= base.size() && bothRecords.size() >= base.size());
        Await.until("the BaseAndStream tunnel streams", Duration.ofSeconds(120), () -> describe(tunnelsB, "both")
                .getTunnelInfo().getStage() == TunnelStage.ProcessStream);
        Await.until("the BaseData tunnel's channels end", Duration.ofSeconds(120), () -> describe(tunnelsB, "base")
                .getChannelInfos().stream().allMatch(ch -> ch.getChannelStatus() == ChannelStatus.TERMINATED));
        assertThat(baseRecords.all()).containsExactlyInAnyOrderElementsOf(base);
        assertThat(bothRecords.all()).containsExactlyInAnyOrderElementsOf(base);

        put(a, "compat_tunnels", 50, "change");
        put(a, "compat_tunnels", 150, "change");
        RowUpdateChange update = new RowUpdateChange("compat_tunnels", pk(50));
        update.put("v", ColumnValue.fromString("again"));
        b.updateRow(new UpdateRowRequest(update));
        List<String> changes = List.of("PUT 50 change", "PUT 150 change", "UPDATE 50 again");
        Await.until("the changes reach the Stream and BaseAndStream workers", Duration.ofSeconds(120),
                () -> streamRecords.size() >= 3 && bothRecords.size() >= base.size() + 3);
        assertThat(streamRecords.all()).containsExactlyInAnyOrderElementsOf(changes);
        assertThat(streamRecords.all()).containsSubsequence("PUT 50 change", "UPDATE 50 again");
        assertThat(bothRecords.all().subList(base.size(), base.size() + 3))
                .containsExactlyInAnyOrderElementsOf(changes);
        assertThat(bothRecords.all()).containsSubsequence("PUT 50 change", "UPDATE 50 again");
        assertThat(baseRecords.all()).hasSize(base.size());

        // the Stream worker's checkpoints are stored (DescribeTunnel counts what they cover, through node A): a
        // worker on another node goes on from them, with the next change only
        Await.until("the Stream worker's checkpoints cover its three changes", Duration.ofSeconds(60),
                () -> describe(clients.tunnel(nodeA), "stream").getChannelInfos().stream()
                        .mapToLong(ChannelInfo::getChannelCount).sum() == 3);
        streamRecords.stopWorker();
        put(a, "compat_tunnels", 60, "later");
        Collector resumed = startWorker(streamId, clients.tunnel(nodeB));
        Await.until("the next change reaches the worker on node B", Duration.ofSeconds(120),
                () -> resumed.size() >= 1);
        assertThat(resumed.all()).containsExactly("PUT 60 later");
    }

    // ------------------------------------------------------------------ helpers

    /** A table with {@code id INTEGER}, one version, split at {@code splitPoints}, with a stream when asked. */
    private void createIntegerTable(String name, boolean stream, Long... splitPoints) {
        TableMeta meta = new TableMeta(name);
        meta.addPrimaryKeyColumn("id", PrimaryKeyType.INTEGER);
        CreateTableRequestEx create = new CreateTableRequestEx(meta, new TableOptions(-1, 1));
        List<PrimaryKeyValue> points = new ArrayList<>();
        for (Long p : splitPoints) {
            points.add(PrimaryKeyValue.fromLong(p));
        }
        create.setSplitPoints(points);
        if (stream) {
            create.setStreamSpecification(new StreamSpecification(true, 24));
        }
        InternalClient internal = new InternalClient(cluster.node(nodeA).endpoint(), HBaseCluster.AK,
                HBaseCluster.SK, HBaseCluster.INSTANCE);
        try {
            internal.createTableEx(create, null).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            internal.shutdown();
        }
    }

    private Collector startWorker(String tunnelId, TunnelClient client) {
        Collector collector = new Collector();
        TunnelWorkerConfig config = new TunnelWorkerConfig(collector);
        config.setHeartbeatIntervalInSec(5);
        config.setCheckpointIntervalInMillis(200);
        TunnelWorker worker = new TunnelWorker(tunnelId, client, config);
        collector.stop = () -> {
            worker.shutdown();
            config.shutdown();
        };
        clients.onClose(collector::stopWorker);
        try {
            worker.connectAndWorking();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return collector;
    }

    private static DescribeTunnelResponse describe(TunnelClient client, String tunnel) {
        return client.describeTunnel(new DescribeTunnelRequest("compat_tunnels", tunnel));
    }

    private static String describe(StreamRecord r) {
        long id = r.getPrimaryKey().getPrimaryKeyColumn("id").getValue().asLong();
        return r.getColumns().isEmpty() ? r.getRecordType() + " " + id
                : r.getRecordType() + " " + id + " " + r.getColumns().get(0).getColumn().getValue().asString();
    }

    private static PrimaryKey pk(long id) {
        return PrimaryKeyBuilder.createPrimaryKeyBuilder().addPrimaryKeyColumn("id", PrimaryKeyValue.fromLong(id))
                .build();
    }

    private static void put(SyncClient client, String table, long id, String value) {
        RowPutChange put = new RowPutChange(table, pk(id));
        put.addColumn("v", ColumnValue.fromString(value));
        client.putRow(new PutRowRequest(put));
    }

    private static Row row(SyncClient client, String table, long id) {
        SingleRowQueryCriteria criteria = new SingleRowQueryCriteria(table, pk(id));
        criteria.setMaxVersions(1);
        return client.getRow(new GetRowRequest(criteria)).getRow();
    }

    /** The row's latest columns, name to value as text, in column order. */
    private static Map<String, String> columns(SyncClient client, String table, long id) {
        Map<String, String> columns = new LinkedHashMap<>();
        for (Column column : row(client, table, id).getColumns()) {
            ColumnValue value = column.getValue();
            columns.put(column.getName(), value.getType() == com.alicloud.openservices.tablestore.model.ColumnType.INTEGER
                    ? Long.toString(value.asLong()) : value.asString());
        }
        return columns;
    }

    private static RangeRowQueryCriteria rangeCriteria(Direction direction, int limit) {
        RangeRowQueryCriteria criteria = new RangeRowQueryCriteria("compat_batch");
        PrimaryKey min = PrimaryKeyBuilder.createPrimaryKeyBuilder().addPrimaryKeyColumn("id", PrimaryKeyValue.INF_MIN)
                .build();
        PrimaryKey max = PrimaryKeyBuilder.createPrimaryKeyBuilder().addPrimaryKeyColumn("id", PrimaryKeyValue.INF_MAX)
                .build();
        criteria.setInclusiveStartPrimaryKey(direction == Direction.FORWARD ? min : max);
        criteria.setExclusiveEndPrimaryKey(direction == Direction.FORWARD ? max : min);
        criteria.setDirection(direction);
        criteria.setMaxVersions(1);
        if (limit != Integer.MAX_VALUE) {
            criteria.setLimit(limit);
        }
        return criteria;
    }

    /** Every id of the table in {@code direction}, following the pages. */
    private static List<Long> range(SyncClient client, Direction direction, int limit) {
        RangeRowQueryCriteria criteria = rangeCriteria(direction, limit);
        List<Long> ids = new ArrayList<>();
        while (true) {
            GetRangeResponse page = client.getRange(new GetRangeRequest(criteria));
            ids.addAll(ids(page.getRows()));
            if (page.getNextStartPrimaryKey() == null) {
                return ids;
            }
            criteria.setInclusiveStartPrimaryKey(page.getNextStartPrimaryKey());
        }
    }

    private static List<Long> ids(List<Row> rows) {
        return rows.stream().map(r -> r.getPrimaryKey().getPrimaryKeyColumn("id").getValue().asLong()).toList();
    }

    private static void assertOtsError(ThrowingCallable call, String code, int status) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TableStoreException.class, e -> {
            assertThat(e.getErrorCode()).isEqualTo(code);
            assertThat(e.getHttpStatus()).isEqualTo(status);
        });
    }

    /** "TYPE id value" of every delivered record, in delivery order. */
    private static final class Collector implements IChannelProcessor {
        private final List<String> records = new ArrayList<>();
        private Runnable stop = () -> { };
        private boolean stopped;

        @Override
        public synchronized void process(ProcessRecordsInput input) {
            for (StreamRecord r : input.getRecords()) {
                records.add(describe(r));
            }
        }

        synchronized int size() {
            return records.size();
        }

        synchronized List<String> all() {
            return List.copyOf(records);
        }

        void stopWorker() {
            synchronized (this) {
                if (stopped) {
                    return;
                }
                stopped = true;
            }
            stop.run();
        }

        @Override
        public void shutdown() {
        }
    }
}
