package io.tunnelstore.server.partition;

import static io.tunnelstore.server.partition.SplitTestServer.INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.DescribeTableRequest;
import com.alicloud.openservices.tablestore.model.GetShardIteratorRequest;
import com.alicloud.openservices.tablestore.model.GetStreamRecordRequest;
import com.alicloud.openservices.tablestore.model.GetStreamRecordResponse;
import com.alicloud.openservices.tablestore.model.PrimaryKeyBuilder;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.StreamRecord;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Stream API reader caught up on a shard when its partition splits: its iterator keeps working, returns the
 * parent's remaining records, then ends the shard (no next iterator); later writes are in the child shards.
 */
class ClosedShardStreamTest {

    @TempDir
    Path dir;

    private SplitTestServer ots;

    @BeforeEach
    void start() {
        ots = new SplitTestServer(dir);
        ots.createTable("t", true);
    }

    @AfterEach
    void stop() {
        ots.close();
    }

    private void put(long id) {
        RowPutChange put = new RowPutChange("t", PrimaryKeyBuilder.createPrimaryKeyBuilder()
                .addPrimaryKeyColumn("id", PrimaryKeyValue.fromLong(id)).build());
        put.addColumn("v", ColumnValue.fromLong(id));
        ots.client.putRow(new PutRowRequest(put));
    }

    private GetStreamRecordResponse read(String iterator) {
        return ots.client.getStreamRecord(new GetStreamRecordRequest(iterator));
    }

    private static long id(StreamRecord r) {
        return r.getPrimaryKey().getPrimaryKeyColumn("id").getValue().asLong();
    }

    @Test
    void anIteratorOfTheParentEndsAfterItsLastRecord() {
        String streamId = ots.client.describeTable(new DescribeTableRequest("t")).getStreamDetails().getStreamId();
        put(1);
        put(2);
        GetStreamRecordResponse first = read(ots.client.getShardIterator(new GetShardIteratorRequest(streamId, "1"))
                .getShardIterator());
        assertThat(first.getRecords()).extracting(ClosedShardStreamTest::id).containsExactly(1L, 2L);
        assertThat(first.getNextShardIterator()).isNotNull(); // open shard: poll again

        put(3);
        ots.tables.splitPartition(INSTANCE, "t", 0, Optional.of(io.tunnelstore.protocol.model.ColumnValue.ofLong(5)));
        put(4);
        put(9);

        GetStreamRecordResponse rest = read(first.getNextShardIterator());
        assertThat(rest.getRecords()).extracting(ClosedShardStreamTest::id).containsExactly(3L);
        assertThat(rest.getNextShardIterator()).isNull(); // end of the closed shard
        assertThat(rest.getMayMoreRecord()).isFalse();

        assertThat(read(ots.client.getShardIterator(new GetShardIteratorRequest(streamId, "2")).getShardIterator())
                .getRecords()).extracting(ClosedShardStreamTest::id).containsExactly(4L);
        assertThat(read(ots.client.getShardIterator(new GetShardIteratorRequest(streamId, "3")).getShardIterator())
                .getRecords()).extracting(ClosedShardStreamTest::id).containsExactly(9L);
    }
}
