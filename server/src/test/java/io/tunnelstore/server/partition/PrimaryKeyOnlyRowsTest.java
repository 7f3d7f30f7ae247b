package io.tunnelstore.server.partition;

import static io.tunnelstore.server.partition.SplitTestServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alicloud.openservices.tablestore.TableStoreException;
import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.Condition;
import com.alicloud.openservices.tablestore.model.DeleteRowRequest;
import com.alicloud.openservices.tablestore.model.DescribeStreamRequest;
import com.alicloud.openservices.tablestore.model.DescribeTableRequest;
import com.alicloud.openservices.tablestore.model.GetRangeRequest;
import com.alicloud.openservices.tablestore.model.GetRowRequest;
import com.alicloud.openservices.tablestore.model.GetShardIteratorRequest;
import com.alicloud.openservices.tablestore.model.GetStreamRecordRequest;
import com.alicloud.openservices.tablestore.model.PrimaryKey;
import com.alicloud.openservices.tablestore.model.PrimaryKeyBuilder;
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
import com.alicloud.openservices.tablestore.model.UpdateRowRequest;
import com.alicloud.openservices.tablestore.model.tunnel.CreateTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.DescribeTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelStage;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelType;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorker;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorkerConfig;
import io.tunnelstore.server.partition.RecordingChannelProcessor.Received;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows with only a primary key exist (the server's hidden row marker), through the official SDK: put, get, range,
 * conditions, update that deletes the last column, delete; their change records and base-data records carry the
 * primary key only (the marker is never visible).
 */
class PrimaryKeyOnlyRowsTest {

    @TempDir
    Path dir;

    private SplitTestServer ots;

    @BeforeEach
    void start() {
        ots = new SplitTestServer(dir);
        ots.createTable("bare", true);
    }

    @AfterEach
    void stop() {
        ots.close();
    }

    private static PrimaryKey pk(long id) {
        return PrimaryKeyBuilder.createPrimaryKeyBuilder().addPrimaryKeyColumn("id", PrimaryKeyValue.fromLong(id))
                .build();
    }

    private Row get(long id) {
        SingleRowQueryCriteria c = new SingleRowQueryCriteria("bare", pk(id));
        c.setMaxVersions(1);
        return ots.client.getRow(new GetRowRequest(c)).getRow();
    }

    private List<Row> range() {
        RangeRowQueryCriteria c = new RangeRowQueryCriteria("bare");
        c.setInclusiveStartPrimaryKey(PrimaryKeyBuilder.createPrimaryKeyBuilder()
                .addPrimaryKeyColumn("id", PrimaryKeyValue.INF_MIN).build());
        c.setExclusiveEndPrimaryKey(PrimaryKeyBuilder.createPrimaryKeyBuilder()
                .addPrimaryKeyColumn("id", PrimaryKeyValue.INF_MAX).build());
        c.setMaxVersions(1);
        return ots.client.getRange(new GetRangeRequest(c)).getRows();
    }

    @Test
    void primaryKeyOnlyRowsExistUntilDeleted() {
        ots.client.putRow(new PutRowRequest(new RowPutChange("bare", pk(1))));
        Row one = get(1);
        assertThat(one).isNotNull();
        assertThat(one.getPrimaryKey()).isEqualTo(pk(1));
        assertThat(one.getColumns()).isEmpty();

        RowPutChange withColumn = new RowPutChange("bare", pk(2));
        withColumn.addColumn("a", ColumnValue.fromLong(7));
        ots.client.putRow(new PutRowRequest(withColumn));
        RowUpdateChange dropLast = new RowUpdateChange("bare", pk(2));
        dropLast.deleteColumns("a");
        ots.client.updateRow(new UpdateRowRequest(dropLast));
        assertThat(get(2).getColumns()).isEmpty(); // the row outlives its last column

        assertThat(range()).extracting(Row::getPrimaryKey).containsExactly(pk(1), pk(2));
        assertThat(range()).allSatisfy(r -> assertThat(r.getColumns()).isEmpty());

        // conditions see a PK-only row as existing, and a missing one as missing
        RowPutChange mustExist = new RowPutChange("bare", pk(1));
        mustExist.setCondition(new Condition(RowExistenceExpectation.EXPECT_EXIST));
        ots.client.putRow(new PutRowRequest(mustExist));
        RowPutChange mustNotExist = new RowPutChange("bare", pk(1));
        mustNotExist.setCondition(new Condition(RowExistenceExpectation.EXPECT_NOT_EXIST));
        assertThatThrownBy(() -> ots.client.putRow(new PutRowRequest(mustNotExist)))
                .isInstanceOf(TableStoreException.class)
                .hasFieldOrPropertyWithValue("errorCode", "OTSConditionCheckFail");
        RowPutChange missing = new RowPutChange("bare", pk(3));
        missing.setCondition(new Condition(RowExistenceExpectation.EXPECT_EXIST));
        assertThatThrownBy(() -> ots.client.putRow(new PutRowRequest(missing)))
                .isInstanceOf(TableStoreException.class)
                .hasFieldOrPropertyWithValue("errorCode", "OTSConditionCheckFail");

        ots.client.deleteRow(new DeleteRowRequest(new RowDeleteChange("bare", pk(1))));
        assertThat(get(1)).isNull();
        assertThat(range()).extracting(Row::getPrimaryKey).containsExactly(pk(2));

        // the change log: PK-only records, never the marker
        String streamId = ots.client.describeTable(new DescribeTableRequest("bare")).getStreamDetails()
                .getStreamId();
        String shard = ots.client.describeStream(new DescribeStreamRequest(streamId)).getShards().get(0)
                .getShardId();
        String iterator = ots.client.getShardIterator(new GetShardIteratorRequest(streamId, shard))
                .getShardIterator();
        List<StreamRecord> records = ots.client.getStreamRecord(new GetStreamRecordRequest(iterator)).getRecords();
        assertThat(records).extracting(StreamRecord::getRecordType).containsExactly(
                StreamRecord.RecordType.PUT, StreamRecord.RecordType.PUT, StreamRecord.RecordType.UPDATE,
                StreamRecord.RecordType.PUT, StreamRecord.RecordType.DELETE);
        assertThat(records).extracting(r -> r.getColumns().size()).containsExactly(0, 1, 1, 0, 0);
        assertThat(records.get(2).getColumns().get(0).getColumn().getName()).isEqualTo("a");
    }

    @Test
    void aBaseDataTunnelDeliversPrimaryKeyOnlyRows() throws Exception {
        ots.client.putRow(new PutRowRequest(new RowPutChange("bare", pk(5))));
        RowPutChange full = new RowPutChange("bare", pk(6));
        full.addColumn("a", ColumnValue.fromString("x"));
        ots.client.putRow(new PutRowRequest(full));
        String tunnelId = ots.tunnels.createTunnel(new CreateTunnelRequest("bare", "full", TunnelType.BaseData))
                .getTunnelId();
        RecordingChannelProcessor processor = new RecordingChannelProcessor();
        TunnelWorkerConfig config = new TunnelWorkerConfig(processor);
        config.setHeartbeatIntervalInSec(5);
        TunnelWorker worker = new TunnelWorker(tunnelId, ots.tunnels, config);
        try {
            worker.connectAndWorking();
            await("the base data is read", Duration.ofSeconds(60), () -> ots.tunnels.describeTunnel(
                    new DescribeTunnelRequest("bare", "full")).getTunnelInfo().getStage() == TunnelStage.ProcessStream);
            List<Received> rows = processor.all();
            assertThat(rows).extracting(Received::id).containsExactly(5L, 6L);
            assertThat(rows.get(0).record().getColumns()).isEmpty();
            assertThat(rows.get(1).record().getColumns()).extracting(c -> c.getColumn().getName())
                    .containsExactly("a");
        } finally {
            worker.shutdown();
            config.shutdown();
        }
    }
}
