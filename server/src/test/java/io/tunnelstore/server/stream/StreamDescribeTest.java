package io.tunnelstore.server.stream;

import static io.tunnelstore.server.stream.StreamTestServer.assertOtsError;
import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.model.DescribeStreamRequest;
import com.alicloud.openservices.tablestore.model.DescribeStreamResponse;
import com.alicloud.openservices.tablestore.model.DescribeTableRequest;
import com.alicloud.openservices.tablestore.model.GetShardIteratorRequest;
import com.alicloud.openservices.tablestore.model.ListStreamRequest;
import com.alicloud.openservices.tablestore.model.Stream;
import com.alicloud.openservices.tablestore.model.StreamShard;
import com.alicloud.openservices.tablestore.model.StreamStatus;
import com.alicloud.openservices.tablestore.model.UpdateTableRequest;
import com.alicloud.openservices.tablestore.model.StreamSpecification;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** ListStream, DescribeStream and the GetShardIterator errors, through the official SyncClient. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamDescribeTest {

    private StreamTestServer ots;
    private long createdAtMicros;
    private long threeShardsCreatedAtMicros;

    @BeforeAll
    void start(@TempDir Path dir) {
        ots = new StreamTestServer(dir);
        createdAtMicros = ots.clock.millis() * 1000;
        ots.createIntegerTable("b_one_shard", List.of(), new String[0]);
        ots.clock.advance(Duration.ofSeconds(1));
        threeShardsCreatedAtMicros = ots.clock.millis() * 1000;
        ots.createIntegerTable("a_three_shards", List.of(100L, 200L), new String[0]);
        ots.createIntegerTable("c_no_stream", List.of(), (String[]) null);
        ots.createIntegerTable("d_disabled", List.of(), new String[0]);
        UpdateTableRequest off = new UpdateTableRequest("d_disabled");
        off.setStreamSpecification(new StreamSpecification(false));
        ots.client.updateTable(off);
    }

    @AfterAll
    void stop() {
        ots.close();
    }

    private String streamId(String table) {
        return ots.client.describeTable(new DescribeTableRequest(table)).getStreamDetails().getStreamId();
    }

    @Test
    void listStreamNamesEveryEnabledStreamOfTheInstanceByTableName() {
        List<Stream> streams = ots.client.listStream(new ListStreamRequest()).getStreams();
        assertThat(streams).extracting(Stream::getTableName).containsExactly("a_three_shards", "b_one_shard");
        assertThat(streams).extracting(Stream::getStreamId)
                .containsExactly(streamId("a_three_shards"), streamId("b_one_shard"));
        assertThat(streams).extracting(Stream::getCreationTime)
                .containsExactly(threeShardsCreatedAtMicros, createdAtMicros);
    }

    @Test
    void listStreamOfOneTable() {
        assertThat(ots.client.listStream(new ListStreamRequest("b_one_shard")).getStreams())
                .extracting(Stream::getStreamId).containsExactly(streamId("b_one_shard"));
        assertThat(ots.client.listStream(new ListStreamRequest("c_no_stream")).getStreams()).isEmpty();
        assertThat(ots.client.listStream(new ListStreamRequest("d_disabled")).getStreams()).isEmpty();
        assertOtsError(() -> ots.client.listStream(new ListStreamRequest("missing")), "OTSObjectNotExist", 404);
    }

    @Test
    void streamsOfAnotherInstanceAreNotVisible() {
        SyncClient other = ots.client("other");
        try {
            assertThat(other.listStream(new ListStreamRequest()).getStreams()).isEmpty();
            String id = streamId("b_one_shard");
            assertOtsError(() -> other.describeStream(new DescribeStreamRequest(id)), "OTSObjectNotExist", 404);
        } finally {
            other.shutdown();
        }
    }

    @Test
    void describeStreamListsOneShardPerPartitionWithoutParents() {
        String id = streamId("a_three_shards");
        DescribeStreamResponse d = ots.client.describeStream(new DescribeStreamRequest(id));
        assertThat(d.getStreamId()).isEqualTo(id);
        assertThat(d.getTableName()).isEqualTo("a_three_shards");
        assertThat(d.getExpirationTime()).isEqualTo(24);
        assertThat(d.getCreationTime()).isEqualTo(threeShardsCreatedAtMicros);
        assertThat(d.getStatus()).isEqualTo(StreamStatus.ACTIVE);
        assertThat(d.getShards()).extracting(StreamShard::getShardId).containsExactly("1", "2", "3");
        assertThat(d.getShards()).allSatisfy(s -> {
            assertThat(s.getParentId()).isNull();
            assertThat(s.getParentSiblingId()).isNull();
        });
        assertThat(d.getNextShardId()).isNull();
    }

    @Test
    void describeStreamPagesThroughShards() {
        String id = streamId("a_three_shards");
        DescribeStreamRequest first = new DescribeStreamRequest(id);
        first.setShardLimit(2);
        DescribeStreamResponse page1 = ots.client.describeStream(first);
        assertThat(page1.getShards()).extracting(StreamShard::getShardId).containsExactly("1", "2");
        assertThat(page1.getNextShardId()).isEqualTo("3");

        DescribeStreamRequest second = new DescribeStreamRequest(id);
        second.setShardLimit(2);
        second.setInclusiveStartShardId(page1.getNextShardId());
        DescribeStreamResponse page2 = ots.client.describeStream(second);
        assertThat(page2.getShards()).extracting(StreamShard::getShardId).containsExactly("3");
        assertThat(page2.getNextShardId()).isNull();

        DescribeStreamRequest exact = new DescribeStreamRequest(id);
        exact.setShardLimit(3);
        assertThat(ots.client.describeStream(exact).getNextShardId()).isNull();
    }

    @Test
    void aDisabledStreamCanStillBeDescribed() {
        DescribeStreamResponse d = ots.client.describeStream(new DescribeStreamRequest(
                ots.tables().catalog().require(StreamTestServer.INSTANCE, "d_disabled").stream().streamId()));
        assertThat(d.getTableName()).isEqualTo("d_disabled");
        assertThat(d.getShards()).extracting(StreamShard::getShardId).containsExactly("1");
    }

    @Test
    void unknownStreamsAndShardsAreRejected() {
        assertOtsError(() -> ots.client.describeStream(new DescribeStreamRequest("no-such-stream")),
                "OTSObjectNotExist", 404);
        String id = streamId("b_one_shard");
        assertOtsError(() -> ots.client.getShardIterator(new GetShardIteratorRequest("no-such-stream", "1")),
                "OTSObjectNotExist", 404);
        assertOtsError(() -> ots.client.getShardIterator(new GetShardIteratorRequest(id, "2")),
                "OTSObjectNotExist", 404);
        assertOtsError(() -> ots.client.getShardIterator(new GetShardIteratorRequest(id, "shard-x")),
                "OTSParameterInvalid", 400);
        DescribeStreamRequest badStart = new DescribeStreamRequest(id);
        badStart.setInclusiveStartShardId("x");
        assertOtsError(() -> ots.client.describeStream(badStart), "OTSParameterInvalid", 400);
    }
}
