package io.tunnelstore.server.partition;

import static io.tunnelstore.server.partition.SplitTestServer.INSTANCE;
import static io.tunnelstore.server.partition.SplitTestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.ComputeSplitsBySizeRequest;
import com.alicloud.openservices.tablestore.model.ComputeSplitsBySizeResponse;
import com.alicloud.openservices.tablestore.model.DescribeStreamRequest;
import com.alicloud.openservices.tablestore.model.DescribeTableRequest;
import com.alicloud.openservices.tablestore.model.DescribeTableResponse;
import com.alicloud.openservices.tablestore.model.GetShardIteratorRequest;
import com.alicloud.openservices.tablestore.model.GetStreamRecordRequest;
import com.alicloud.openservices.tablestore.model.GetStreamRecordResponse;
import com.alicloud.openservices.tablestore.model.PrimaryKey;
import com.alicloud.openservices.tablestore.model.PrimaryKeyBuilder;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.RecordColumn;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.RowUpdateChange;
import com.alicloud.openservices.tablestore.model.Split;
import com.alicloud.openservices.tablestore.model.StreamRecord;
import com.alicloud.openservices.tablestore.model.StreamShard;
import com.alicloud.openservices.tablestore.model.UpdateRowRequest;
import io.tunnelstore.server.table.PartitionSplit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table split twice (so there are grandchildren) while several writers load it through the official
 * {@code SyncClient}: the complete change history read with the official Stream API, shard by shard with parents
 * before children, holds every acknowledged write exactly once and, per primary key, in write order.
 */
class SplitStreamHistoryTest {

    private static final int WRITERS = 4;
    private static final int KEYS = 400; // key k is written only by writer k % WRITERS, so its order is known

    @TempDir
    Path dir;

    private SplitTestServer ots;

    @BeforeEach
    void start() {
        ots = new SplitTestServer(dir);
        ots.createTable("load", true);
    }

    @AfterEach
    void stop() {
        ots.close();
    }

    @Test
    void everyAcknowledgedWriteIsInTheStreamExactlyOnceAcrossTwoSplits() throws Exception {
        Map<Long, List<Long>> acked = new ConcurrentHashMap<>();
        AtomicInteger ackCount = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            Thread t = new Thread(() -> {
                try {
                    Map<Long, Long> next = new HashMap<>();
                    for (long round = 0; !stop.get(); round++) {
                        for (long k = writer; k < KEYS && !stop.get(); k += WRITERS) {
                            long value = next.merge(k, 1L, Long::sum);
                            write(k, value, (round + k) % 2 == 0);
                            acked.computeIfAbsent(k, x -> new ArrayList<>()).add(value);
                            ackCount.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "split-writer-" + w);
            writers.add(t);
            t.start();
        }
        try {
            await("the first 600 writes", Duration.ofSeconds(60), () -> ackCount.get() >= 600 || failure.get() != null);
            PartitionSplit first = ots.tables.splitPartition(INSTANCE, "load", 0, Optional.empty());
            int afterFirst = ackCount.get();
            await("500 writes after the first split", Duration.ofSeconds(60),
                    () -> ackCount.get() >= afterFirst + 500 || failure.get() != null);
            PartitionSplit second = ots.tables.splitPartition(INSTANCE, "load", 1, Optional.empty());
            int afterSecond = ackCount.get();
            await("500 writes after the second split", Duration.ofSeconds(60),
                    () -> ackCount.get() >= afterSecond + 500 || failure.get() != null);
            stop.set(true);
            for (Thread t : writers) {
                t.join(30_000);
            }
            assertThat(failure.get()).isNull();

            // the split layout: shard 1 -> 2 + 3, shard 3 -> 4 + 5, split points inside the key range
            assertThat(first.parent().shardId()).isEqualTo(1);
            assertThat(List.of(first.left().shardId(), first.right().shardId())).containsExactly(2L, 3L);
            assertThat(second.parent().shardId()).isEqualTo(3);
            assertThat(List.of(second.left().shardId(), second.right().shardId())).containsExactly(4L, 5L);
            long p1 = first.splitPoint().asLong();
            long p2 = second.splitPoint().asLong();
            assertThat(p1).isBetween(1L, (long) KEYS - 1);
            assertThat(p2).isBetween(p1 + 1, (long) KEYS - 1);

            String streamId = ots.client.describeTable(new DescribeTableRequest("load")).getStreamDetails()
                    .getStreamId();
            List<StreamShard> shards = ots.client.describeStream(new DescribeStreamRequest(streamId)).getShards();
            assertThat(shards).extracting(StreamShard::getShardId).containsExactly("1", "2", "3", "4", "5");
            assertThat(shards).extracting(StreamShard::getParentId).containsExactly(null, "1", "1", "3", "3");
            assertThat(shards).extracting(StreamShard::getParentSiblingId).containsOnlyNulls();

            // the whole history, shard by shard in id order (every parent before its children)
            Map<Long, List<Long>> history = new TreeMap<>();
            Map<String, Integer> perShard = new HashMap<>();
            for (StreamShard shard : shards) {
                boolean closed = shard.getShardId().equals("1") || shard.getShardId().equals("3");
                List<StreamRecord> records = readShard(streamId, shard.getShardId(), closed);
                perShard.put(shard.getShardId(), records.size());
                for (StreamRecord r : records) {
                    long id = r.getPrimaryKey().getPrimaryKeyColumn("id").getValue().asLong();
                    RecordColumn v = r.getColumns().get(0);
                    assertThat(v.getColumn().getName()).isEqualTo("v");
                    history.computeIfAbsent(id, x -> new ArrayList<>()).add(v.getColumn().getValue().asLong());
                }
            }
            assertThat(history).isEqualTo(new TreeMap<>(acked));
            assertThat(history.values().stream().mapToInt(List::size).sum()).isEqualTo(ackCount.get());
            // a closed shard ends at its recorded final sequence; every shard got writes
            assertThat((long) perShard.get("1")).isEqualTo(first.parentFinalSequence());
            assertThat((long) perShard.get("3")).isEqualTo(second.parentFinalSequence());
            assertThat(perShard.values()).allSatisfy(n -> assertThat(n).isPositive());
            // shard 2 holds only keys below p1, shards 4 and 5 split [p1, ...) at p2
            assertThat(keysOf(streamId, "2")).allSatisfy(k -> assertThat(k).isLessThan(p1));
            assertThat(keysOf(streamId, "4")).allSatisfy(k -> assertThat(k).isBetween(p1, p2 - 1));
            assertThat(keysOf(streamId, "5")).allSatisfy(k -> assertThat(k).isGreaterThanOrEqualTo(p2));

            DescribeTableResponse table = ots.client.describeTable(new DescribeTableRequest("load"));
            assertThat(table.getShardSplits()).containsExactly(
                    PrimaryKeyBuilder.createPrimaryKeyBuilder().addPrimaryKeyColumn("id",
                            PrimaryKeyValue.fromLong(p1)).build(),
                    PrimaryKeyBuilder.createPrimaryKeyBuilder().addPrimaryKeyColumn("id",
                            PrimaryKeyValue.fromLong(p2)).build());

            // ComputeSplitPointsBySize is about data, not partitions: still consistent (the SDK checks the sum)
            ComputeSplitsBySizeRequest request = new ComputeSplitsBySizeRequest();
            request.setTableName("load");
            request.setSplitSizeInByte(1, 4000);
            ComputeSplitsBySizeResponse splits = ots.client.computeSplitsBySize(request);
            assertThat(splits.getSplits()).hasSizeGreaterThan(1);
            assertThat(splits.getSplits().get(0).getLowerBound().getPrimaryKeyColumn(0).getValue().isInfMin())
                    .isTrue();
            assertThat(splits.getSplits().get(splits.getSplits().size() - 1).getUpperBound().getPrimaryKeyColumn(0)
                    .getValue().isInfMax()).isTrue();
            for (int i = 1; i < splits.getSplits().size(); i++) {
                Split previous = splits.getSplits().get(i - 1);
                assertThat(splits.getSplits().get(i).getLowerBound()).isEqualTo(previous.getUpperBound());
            }
        } finally {
            stop.set(true);
            for (Thread t : writers) {
                t.join(30_000);
            }
        }
    }

    private void write(long id, long value, boolean put) {
        PrimaryKey key = PrimaryKeyBuilder.createPrimaryKeyBuilder()
                .addPrimaryKeyColumn("id", PrimaryKeyValue.fromLong(id)).build();
        if (put) {
            RowPutChange change = new RowPutChange("load", key);
            change.addColumn("v", ColumnValue.fromLong(value));
            ots.client.putRow(new PutRowRequest(change));
        } else {
            RowUpdateChange change = new RowUpdateChange("load", key);
            change.put("v", ColumnValue.fromLong(value));
            ots.client.updateRow(new UpdateRowRequest(change));
        }
    }

    /**
     * Every record of a shard. A closed shard is read until GetStreamRecord gives no next iterator (the end of the
     * shard); an open one until a read returns nothing (the writers have stopped).
     */
    private List<StreamRecord> readShard(String streamId, String shardId, boolean closed) {
        String iterator = ots.client.getShardIterator(new GetShardIteratorRequest(streamId, shardId))
                .getShardIterator();
        List<StreamRecord> out = new ArrayList<>();
        for (int reads = 0; reads < 1000; reads++) {
            GetStreamRecordRequest request = new GetStreamRecordRequest(iterator);
            request.setLimit(1000);
            GetStreamRecordResponse response = ots.client.getStreamRecord(request);
            out.addAll(response.getRecords());
            if (response.getNextShardIterator() == null) {
                assertThat(closed).as("only a closed shard ends (shard %s)", shardId).isTrue();
                return out;
            }
            if (!closed && response.getRecords().isEmpty()) {
                return out;
            }
            iterator = response.getNextShardIterator();
        }
        throw new AssertionError("shard " + shardId + " did not end");
    }

    private List<Long> keysOf(String streamId, String shardId) {
        return readShard(streamId, shardId, false).stream()
                .map(r -> r.getPrimaryKey().getPrimaryKeyColumn("id").getValue().asLong()).toList();
    }
}
