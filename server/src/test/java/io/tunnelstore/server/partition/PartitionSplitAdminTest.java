package io.tunnelstore.server.partition;

import static io.tunnelstore.server.partition.SplitTestServer.INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.alicloud.openservices.tablestore.model.DescribeStreamRequest;
import com.alicloud.openservices.tablestore.model.DescribeTableRequest;
import com.alicloud.openservices.tablestore.model.PrimaryKeyBuilder;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.StreamShard;
import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.server.table.ClosedShard;
import io.tunnelstore.server.table.Partition;
import io.tunnelstore.server.table.PartitionSplit;
import io.tunnelstore.server.table.TableCatalog;
import io.tunnelstore.server.table.TableDescriptor;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The split admin operation: validation, the stored layout (persisted, reloadable) and the automatic size check. */
class PartitionSplitAdminTest {

    /** 100 rows of ~120 bytes each are ~12 KB: above this threshold, below it after a few halvings. */
    private static final long MAX_PARTITION_BYTES = 4000;

    @TempDir
    Path dir;

    private SplitTestServer ots;

    @BeforeEach
    void start() {
        ots = new SplitTestServer(dir, MAX_PARTITION_BYTES);
        ots.createTable("t", true);
    }

    @AfterEach
    void stop() {
        ots.close();
    }

    private void put(long id) {
        RowPutChange put = new RowPutChange("t", PrimaryKeyBuilder.createPrimaryKeyBuilder()
                .addPrimaryKeyColumn("id", PrimaryKeyValue.fromLong(id)).build());
        put.addColumn("pad", com.alicloud.openservices.tablestore.model.ColumnValue.fromString("x".repeat(100)));
        ots.client.putRow(new PutRowRequest(put));
    }

    private TableDescriptor table() {
        return ots.server.context().catalog().require(INSTANCE, "t");
    }

    private static void assertError(Runnable call, ErrorCode code, String message) {
        assertThatThrownBy(call::run).isInstanceOf(OtsException.class)
                .satisfies(e -> assertThat(((OtsException) e).errorCode()).isEqualTo(code))
                .hasMessageContaining(message);
    }

    @Test
    void badSplitsAreRejectedAndChangeNothing() {
        put(1);
        assertError(() -> ots.tables.splitPartition(INSTANCE, "nope", 0, Optional.empty()),
                ErrorCode.OBJECT_NOT_EXIST, "Requested table does not exist.");
        assertError(() -> ots.tables.splitPartition(INSTANCE, "t", 1, Optional.empty()),
                ErrorCode.PARAMETER_INVALID, "has no partition 1");
        assertError(() -> ots.tables.splitPartition(INSTANCE, "t", 0, Optional.of(ColumnValue.ofString("a"))),
                ErrorCode.PARAMETER_INVALID, "is not a INTEGER value");
        // one partition key only: no point leaves rows on both sides
        assertError(() -> ots.tables.splitPartition(INSTANCE, "t", 0, Optional.empty()),
                ErrorCode.PARAMETER_INVALID, "fewer than two partition keys");

        ots.tables.splitPartition(INSTANCE, "t", 0, Optional.of(ColumnValue.ofLong(10)));
        // 10 is the lower bound of partition 1: not strictly inside
        assertError(() -> ots.tables.splitPartition(INSTANCE, "t", 1, Optional.of(ColumnValue.ofLong(10))),
                ErrorCode.PARAMETER_INVALID, "not strictly inside");
        assertThat(table().partitions()).hasSize(2);
        assertThat(table().closedShards()).hasSize(1);
    }

    @Test
    void theLayoutIsPersistedWithParentsAndTheClosedShard() {
        for (long id = 0; id < 20; id++) {
            put(id);
        }
        PartitionSplit split = ots.tables.splitPartition(INSTANCE, "t", 0, Optional.of(ColumnValue.ofLong(10)));
        assertThat(split.parentFinalSequence()).isEqualTo(20);
        TableDescriptor t = table();
        assertThat(t.partitions()).containsExactly(
                new Partition(0, null, ColumnValue.ofLong(10), 2, 1, Partition.NO_SHARD),
                new Partition(1, ColumnValue.ofLong(10), null, 3, 1, Partition.NO_SHARD));
        assertThat(t.closedShards()).extracting(ClosedShard::partition, ClosedShard::finalSequence)
                .containsExactly(tuple(new Partition(0, null, null, 1), 20L));
        assertThat(t.shards()).extracting(Partition::shardId).containsExactly(1L, 2L, 3L);
        assertThat(t.isShardClosed(1)).isTrue();
        assertThat(t.isShardClosed(2)).isFalse();

        // a fresh catalog over the same storage (a restart) reads the same layout
        TableDescriptor reloaded = new TableCatalog(ots.server.context().storage()).require(INSTANCE, "t");
        assertThat(reloaded).isEqualTo(t);
    }

    @Test
    void anOversizedPartitionIsSplitNearItsMiddleAtARealKey() {
        for (long id = 0; id < 100; id++) {
            put(id);
        }
        List<PartitionSplit> splits = ots.tables.splitOversizedPartitions();
        assertThat(splits).hasSize(1);
        PartitionSplit s = splits.get(0);
        assertThat(s.parent().shardId()).isEqualTo(1);
        long point = s.splitPoint().asLong();
        assertThat(point).isBetween(25L, 75L); // near the middle of 100 equal rows
        assertThat(List.of(s.left().shardId(), s.right().shardId())).containsExactly(2L, 3L);

        String streamId = ots.client.describeTable(new DescribeTableRequest("t")).getStreamDetails().getStreamId();
        assertThat(ots.client.describeStream(new DescribeStreamRequest(streamId)).getShards())
                .extracting(StreamShard::getShardId, StreamShard::getParentId)
                .containsExactly(tuple("1", null),
                        tuple("2", "1"),
                        tuple("3", "1"));

        // the halves (~6 KB each) are still above 4000 bytes: the next check splits both
        assertThat(ots.tables.splitOversizedPartitions()).extracting(x -> x.parent().shardId())
                .containsExactly(2L, 3L);
        assertThat(table().partitions()).extracting(Partition::shardId).containsExactly(4L, 5L, 6L, 7L);
    }
}
