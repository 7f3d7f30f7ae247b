package io.tunnelstore.server.stream;

import static io.tunnelstore.server.stream.StreamTestServer.assertOtsError;
import static io.tunnelstore.server.stream.StreamTestServer.pk;
import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.DescribeTableRequest;
import com.alicloud.openservices.tablestore.model.GetShardIteratorRequest;
import com.alicloud.openservices.tablestore.model.GetStreamRecordRequest;
import com.alicloud.openservices.tablestore.model.GetStreamRecordResponse;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.StreamRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Iterators across retention trimming: a position whose records were trimmed fails with OTSTrimmedDataAccess, a
 * caught-up position does not. A server of its own, because trimming covers every table of the server.
 */
class StreamTrimTest {

    private static String read(StreamTestServer ots, String iterator, List<Integer> rowIndexes) {
        GetStreamRecordRequest request = new GetStreamRecordRequest(iterator);
        request.setLimit(1);
        GetStreamRecordResponse response = ots.client.getStreamRecord(request);
        rowIndexes.addAll(response.getRecords().stream().map(r -> r.getSequenceInfo().getRowIndex()).toList());
        assertThat(response.getNextShardIterator()).isNotEmpty();
        return response.getNextShardIterator();
    }

    private static void put(StreamTestServer ots, long key) {
        RowPutChange put = new RowPutChange("trimmed", pk("pk", key));
        put.addColumn("v", ColumnValue.fromLong(key), ots.clock.millis());
        ots.client.putRow(new PutRowRequest(put));
    }

    @Test
    void iteratorsBeforeTheOldestRetainedRecordFailWithTrimmedDataAccess(@TempDir Path dir) {
        try (StreamTestServer ots = new StreamTestServer(dir)) {
            ots.createIntegerTable("trimmed", List.of(), new String[0]);
            String streamId = ots.client.describeTable(new DescribeTableRequest("trimmed"))
                    .getStreamDetails().getStreamId();
            put(ots, 1);
            put(ots, 2);
            List<Integer> seen = new java.util.ArrayList<>();
            String atFirst = ots.client.getShardIterator(new GetShardIteratorRequest(streamId, "1"))
                    .getShardIterator();
            String atSecond = read(ots, atFirst, seen);
            String caughtUp = read(ots, atSecond, seen);
            assertThat(seen).containsExactly(1, 2);

            ots.clock.advance(Duration.ofHours(25));
            assertThat(ots.tables().trimExpired(ots.clock.millis())).isEqualTo(2);
            String intoEmptyShard = ots.client.getShardIterator(new GetShardIteratorRequest(streamId, "1"))
                    .getShardIterator();
            // even with every record trimmed, a position inside the trimmed range fails at once...
            List<Integer> none = new java.util.ArrayList<>();
            String message = assertOtsError(() -> read(ots, atSecond, none), "OTSTrimmedDataAccess", 400);
            assertThat(message).startsWith("Requested stream data is already trimmed");
            assertOtsError(() -> read(ots, atFirst, none), "OTSTrimmedDataAccess", 400);
            // ...while a reader that was caught up is not flagged
            assertThat(read(ots, caughtUp, none)).isEqualTo(caughtUp);
            assertThat(none).isEmpty();

            put(ots, 3);
            assertOtsError(() -> read(ots, atSecond, none), "OTSTrimmedDataAccess", 400);

            List<Integer> after = new java.util.ArrayList<>();
            read(ots, caughtUp, after);
            read(ots, intoEmptyShard, after);
            GetStreamRecordResponse fresh = ots.client.getStreamRecord(new GetStreamRecordRequest(
                    ots.client.getShardIterator(new GetShardIteratorRequest(streamId, "1")).getShardIterator()));
            after.addAll(fresh.getRecords().stream().map(StreamRecord::getSequenceInfo)
                    .map(s -> s.getRowIndex()).toList());
            assertThat(after).containsExactly(3, 3, 3);
        }
    }
}
