package io.tunnelstore.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.model.DescribeStreamRequest;
import com.alicloud.openservices.tablestore.model.DescribeTableRequest;
import com.alicloud.openservices.tablestore.model.GetShardIteratorRequest;
import com.alicloud.openservices.tablestore.model.GetStreamRecordRequest;
import com.alicloud.openservices.tablestore.model.ListStreamRequest;
import io.tunnelstore.server.auth.AccessKey;
import io.tunnelstore.server.auth.KeyOrigin;
import io.tunnelstore.server.auth.KeyScope;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key limited to one table, on the Stream API: the calls that name a stream id or carry a shard iterator instead of
 * a table name are checked against the table behind them.
 */
class StreamKeyScopeTest {

    @TempDir
    Path dataDir;
    private StreamTestServer ots;
    private SyncClient limited;

    @BeforeEach
    void start() {
        ots = new StreamTestServer(dataDir);
        ots.createIntegerTable("mine", List.of(), "c");
        ots.createIntegerTable("other", List.of(), "c");
        AccessKey key = ots.server.context().credentialStore().createAccessKey(StreamTestServer.INSTANCE,
                KeyScope.READ_ONLY, Set.of("mine"), 0, KeyOrigin.CREATED, ots.clock.millis());
        limited = new SyncClient(ots.server.endpoint(), key.accessKeyId(), key.accessKeySecret(),
                StreamTestServer.INSTANCE);
    }

    @AfterEach
    void stop() {
        limited.shutdown();
        ots.close();
    }

    private String streamId(String table) {
        return ots.client.describeTable(new DescribeTableRequest(table)).getStreamDetails().getStreamId();
    }

    private static void assertNoPermission(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThat(StreamTestServer.assertOtsError(call, "OTSNoPermissionAccess", 403)).isEqualTo(
                "You have no permission to access the requested resource, please contact the resource owner.");
    }

    @Test
    void streamIdsAndIteratorsOfOtherTablesAreRefused() {
        String mine = streamId("mine");
        String other = streamId("other");
        String shardOfMine = ots.client.describeStream(new DescribeStreamRequest(mine)).getShards().get(0)
                .getShardId();
        String shardOfOther = ots.client.describeStream(new DescribeStreamRequest(other)).getShards().get(0)
                .getShardId();
        String iteratorOfOther = ots.client.getShardIterator(new GetShardIteratorRequest(other, shardOfOther))
                .getShardIterator();

        assertThat(limited.listStream(new ListStreamRequest("mine")).getStreams()).hasSize(1);
        assertThat(limited.describeStream(new DescribeStreamRequest(mine)).getShards()).hasSize(1);
        String iteratorOfMine = limited.getShardIterator(new GetShardIteratorRequest(mine, shardOfMine))
                .getShardIterator();
        assertThat(limited.getStreamRecord(new GetStreamRecordRequest(iteratorOfMine)).getRecords()).isEmpty();

        assertNoPermission(() -> limited.listStream(new ListStreamRequest("other")));
        assertNoPermission(() -> limited.describeStream(new DescribeStreamRequest(other)));
        assertNoPermission(() -> limited.getShardIterator(new GetShardIteratorRequest(other, shardOfOther)));
        assertNoPermission(() -> limited.getStreamRecord(new GetStreamRecordRequest(iteratorOfOther)));
    }
}
