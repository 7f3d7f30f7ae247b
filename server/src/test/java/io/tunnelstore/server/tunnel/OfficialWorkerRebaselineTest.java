package io.tunnelstore.server.tunnel;

import static io.tunnelstore.server.tunnel.TunnelTestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.model.BatchWriteRowRequest;
import com.alicloud.openservices.tablestore.model.Column;
import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.GetRangeRequest;
import com.alicloud.openservices.tablestore.model.GetRangeResponse;
import com.alicloud.openservices.tablestore.model.PrimaryKey;
import com.alicloud.openservices.tablestore.model.PrimaryKeyBuilder;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.RangeRowQueryCriteria;
import com.alicloud.openservices.tablestore.model.RecordColumn;
import com.alicloud.openservices.tablestore.model.Row;
import com.alicloud.openservices.tablestore.model.RowChange;
import com.alicloud.openservices.tablestore.model.RowDeleteChange;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.RowUpdateChange;
import com.alicloud.openservices.tablestore.model.StreamRecord;
import com.alicloud.openservices.tablestore.model.tunnel.ChannelInfo;
import com.alicloud.openservices.tablestore.model.tunnel.ChannelStatus;
import com.alicloud.openservices.tablestore.model.tunnel.ChannelType;
import com.alicloud.openservices.tablestore.model.tunnel.CreateTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelStage;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelType;
import com.alicloud.openservices.tablestore.model.tunnel.internal.GetCheckpointRequest;
import com.alicloud.openservices.tablestore.tunnel.worker.IChannelProcessor;
import com.alicloud.openservices.tablestore.tunnel.worker.ProcessRecordsInput;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorker;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The official Java SDK's {@link TunnelWorker} through a re-baseline (docs/delivery-guarantees.md, "No retention
 * cliff"): a live worker stalls in its processor on one channel while the change log it has not read yet runs past
 * retention (injected clock + the table module's trimmer). When it carries on, the server re-baselines only that
 * channel; the official worker, which skips the resync-marker extension fields, sees the key range's current rows as
 * ordinary PUT records without sequence info and then ordinary stream records. No key is lost, its checkpoints keep
 * working across the sequence bump of the re-baseline, and the consumer's upserted copy equals the table key by key —
 * except, exactly as documented, for rows deleted between its last read and the re-baseline, which only the resync
 * markers reveal.
 */
class OfficialWorkerRebaselineTest {
    private static final String TABLE = "rb";
    /** Keys below go to partition 0 (shard 1, channel Stream_1), keys from it on to partition 1 (shard 2). */
    private static final long SPLIT = 1000;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    @ParameterizedTest
    @EnumSource(value = TunnelType.class, names = {"Stream", "BaseAndStream"})
    void aStalledOfficialWorkerIsRebaselinedAndItsCopyHasEveryKeyOfTheTable(TunnelType type) throws Exception {
        try (TunnelTestServer ots = new TunnelTestServer(dataDir)) {
            ots.createPartitionedTable(TABLE, SPLIT);
            List<RowChange> initial = new ArrayList<>();
            LongStream.range(0, 30).forEach(id -> initial.add(put(id, "base", id)));
            LongStream.range(SPLIT, SPLIT + 10).forEach(id -> initial.add(put(id, "base", id)));
            write(ots, initial);
            String tunnelId = ots.tunnels.createTunnel(new CreateTunnelRequest(TABLE, "sync", type)).getTunnelId();

            CopyingProcessor copy = new CopyingProcessor();
            TunnelWorkerConfig config = workerConfig(copy);
            TunnelWorker worker = new TunnelWorker(tunnelId, ots.tunnels, config);
            try {
                worker.connectAndWorking();
                if (type == TunnelType.BaseAndStream) {
                    await("40 base rows", WAIT, () -> copy.size() >= 40);
                    await("stage ProcessStream", WAIT, () ->
                            ots.describe(TABLE, "sync").getTunnelInfo().getStage() == TunnelStage.ProcessStream);
                }
                await("both stream channels OPEN", WAIT, () -> ots.describe(TABLE, "sync").getChannelInfos().stream()
                        .filter(c -> c.getChannelType() == ChannelType.Stream
                                && c.getChannelStatus() == ChannelStatus.OPEN).count() == 2);
                int afterBase = copy.size();

                // consumed as it happens
                List<RowChange> consumed = new ArrayList<>();
                LongStream.range(0, 5).forEach(id -> consumed.add(update(id, 10 + id)));
                LongStream.range(5, 8).forEach(id -> consumed.add(delete(id)));
                LongStream.range(100, 105).forEach(id -> consumed.add(put(id, "a", id)));
                consumed.add(put(SPLIT + 10, "a", 1));
                write(ots, consumed);
                await("the consumed changes", WAIT, () -> copy.size() == afterBase + consumed.size());

                // the worker stalls inside its processor on channel Stream_1 ...
                copy.holdStream1();
                write(ots, List.of(put(200, "stall", 200)));
                await("the stalling record", WAIT, copy::holding);
                // ... while many more changes of its range arrive (more than the worker reads ahead) ...
                List<RowChange> unread = new ArrayList<>();
                LongStream.range(300, 600).forEach(id -> unread.add(put(id, "unread", id)));
                LongStream.range(20, 30).forEach(id -> unread.add(delete(id)));
                LongStream.range(100, 105).forEach(id -> unread.add(update(id, 7)));
                for (int i = 0; i < unread.size(); i += 100) {
                    write(ots, unread.subList(i, Math.min(unread.size(), i + 100)));
                }
                // ... and the retention runs out for everything written so far (7 days: the tunnel enabled the
                // stream); the worker's session lives on (its heartbeat timeout is longer than the jump)
                ots.clock.advance(Duration.ofDays(7).plusHours(1));
                long logged = consumed.size() + 1 + unread.size();
                assertThat(ots.tableModule.trimExpired(ots.clock.millis())).isEqualTo(logged);
                // changes after the trim but before the worker carries on: part of the re-baseline snapshot
                write(ots, List.of(put(700, "late", 700), delete(0), update(1, 111)));
                Set<Long> range = keysBelow(table(ots), SPLIT);
                // deleted after the worker's last read and before the snapshot: the official SDK cannot see it
                Map<Long, Map<String, String>> undetectedDeletes = new TreeMap<>();
                undetectedDeletes.put(0L, Map.of("amount", "10"));
                if (type == TunnelType.BaseAndStream) { // a Stream tunnel never delivered these older rows
                    LongStream.range(20, 30).forEach(id -> undetectedDeletes.put(id,
                            Map.of("amount", String.valueOf(id), "name", "base")));
                }

                copy.release();
                await("the re-baseline of Stream_1", WAIT, () -> history(ots, tunnelId).stream()
                        .anyMatch(e -> e.kind().equals(TunnelEvents.REBASELINE)));
                awaitCopy(copy, () -> expectedCopy(ots, type, undetectedDeletes));

                // the resync rows: every key of the range exactly once, as ordinary PUTs without sequence info
                List<CopyingProcessor.Delivery> stream1 = copy.deliveries("Stream_1");
                int firstResync = indexOfFirstResyncRow(stream1);
                assertThat(firstResync).isPositive();
                List<CopyingProcessor.Delivery> resync = stream1.subList(firstResync, stream1.size());
                assertThat(resync).allSatisfy(d -> {
                    assertThat(d.type()).isEqualTo(StreamRecord.RecordType.PUT);
                    assertThat(d.timestamp()).isZero();
                });
                assertThat(resync.stream().map(CopyingProcessor.Delivery::id).toList())
                        .doesNotHaveDuplicates()
                        .containsExactlyInAnyOrderElementsOf(range);
                // before it: ordinary stream records of what the worker had read before the trim, in log order
                assertThat(stream1.subList(0, firstResync)).allSatisfy(d -> assertThat(d.timestamp()).isPositive());
                // the other channel was never behind: only its own changes, no resync rows
                assertThat(copy.deliveries("Stream_2")).extracting(CopyingProcessor.Delivery::id)
                        .containsExactly(SPLIT + 10);
                assertThat(history(ots, tunnelId)).singleElement().satisfies(e -> {
                    assertThat(e.kind()).isEqualTo(TunnelEvents.REBASELINE);
                    assertThat(e.channelId()).isEqualTo("Stream_1");
                });

                // after the re-baseline: ordinary stream records again, in commit order
                int before = stream1.size();
                write(ots, List.of(put(800, "after", 800), update(2, 222), delete(3)));
                write(ots, List.of(put(SPLIT + 20, "after", 2)));
                awaitCopy(copy, () -> expectedCopy(ots, type, undetectedDeletes));
                List<CopyingProcessor.Delivery> after = copy.deliveries("Stream_1").subList(before,
                        copy.deliveries("Stream_1").size());
                assertThat(after).extracting(d -> d.type() + " " + d.id())
                        .containsExactly("PUT 800", "UPDATE 2", "DELETE 3");
                assertThat(after).allSatisfy(d -> assertThat(d.timestamp()).isPositive());

                // its checkpoints kept working through the re-baseline's sequence bump: the server holds the
                // position after the last batch it processed on each channel
                for (String channel : List.of("Stream_1", "Stream_2")) {
                    await("checkpoint of " + channel, WAIT, () -> copy.lastToken(channel)
                            .equals(serverCheckpoint(ots, tunnelId, channel)));
                }
            } finally {
                copy.release();
                worker.shutdown();
                config.shutdown();
            }

            // a new worker resumes exactly there: nothing is delivered again
            CopyingProcessor next = new CopyingProcessor();
            TunnelWorkerConfig nextConfig = workerConfig(next);
            TunnelWorker nextWorker = new TunnelWorker(tunnelId, ots.tunnels, nextConfig);
            try {
                nextWorker.connectAndWorking();
                write(ots, List.of(put(900, "next", 900)));
                await("the next worker's first change", WAIT, () -> next.size() >= 1);
                assertThat(next.deliveries("Stream_1")).extracting(d -> d.type() + " " + d.id())
                        .containsExactly("PUT 900");
                assertThat(next.deliveries("Stream_2")).isEmpty();
            } finally {
                nextWorker.shutdown();
                nextConfig.shutdown();
            }
        }
    }

    private static TunnelWorkerConfig workerConfig(IChannelProcessor processor) {
        TunnelWorkerConfig config = new TunnelWorkerConfig(processor);
        config.setHeartbeatIntervalInSec(5);
        config.setHeartbeatTimeoutInSec((int) Duration.ofDays(8).toSeconds()); // outlives the clock jump
        config.setCheckpointIntervalInMillis(0); // checkpoint after every batch
        config.setMaxRetryIntervalInMillis(200); // short idle back-off
        return config;
    }

    /**
     * What the official consumer's copy must be: the table (every key of the tunnel's scope, with its current
     * columns: no key lost), plus the documented blind spot: rows deleted after the channel's last read position
     * and before the re-baseline's snapshot, which only the resync markers the official SDK skips would reveal.
     * A Stream tunnel never delivers the rows of the other shard that existed before it and did not change.
     */
    private static Map<Long, Map<String, String>> expectedCopy(TunnelTestServer ots, TunnelType type,
                                                               Map<Long, Map<String, String>> undetectedDeletes) {
        Map<Long, Map<String, String>> expected = table(ots);
        if (type == TunnelType.Stream) {
            LongStream.range(SPLIT, SPLIT + 10).forEach(expected::remove);
        }
        expected.putAll(undetectedDeletes);
        return expected;
    }

    /** Waits until the consumer's copy equals {@code expected}; on timeout, fails naming the keys that differ. */
    private static void awaitCopy(CopyingProcessor copy, java.util.function.Supplier<Map<Long, Map<String, String>>>
            expected) {
        try {
            await("the consumer's copy", WAIT, () -> copy.state().equals(expected.get()));
        } catch (AssertionError timedOut) {
            Map<Long, Map<String, String>> want = expected.get();
            Map<Long, Map<String, String>> got = copy.state();
            Map<Long, String> differences = new TreeMap<>();
            for (Long id : union(want.keySet(), got.keySet())) {
                if (!java.util.Objects.equals(want.get(id), got.get(id))) {
                    differences.put(id, "expected " + want.get(id) + " / copy " + got.get(id));
                }
            }
            throw new AssertionError(timedOut.getMessage() + "; keys that differ: " + differences);
        }
    }

    private static int indexOfFirstResyncRow(List<CopyingProcessor.Delivery> deliveries) {
        for (int i = 0; i < deliveries.size(); i++) {
            if (deliveries.get(i).timestamp() == 0) {
                return i;
            }
        }
        return -1;
    }

    private static List<TunnelEvents.Event> history(TunnelTestServer ots, String tunnelId) {
        return new TunnelEvents(ots.server.context().storage()).list(TunnelTestServer.INSTANCE, tunnelId);
    }

    private static String serverCheckpoint(TunnelTestServer ots, String tunnelId, String channel) {
        String owner = ots.describe(TABLE, "sync").getChannelInfos().stream()
                .filter(c -> c.getChannelId().equals(channel)).map(ChannelInfo::getClientId).findFirst()
                .orElseThrow();
        return ots.tunnels.getCheckpoint(new GetCheckpointRequest(tunnelId, owner, channel)).getCheckpoint();
    }

    static PrimaryKey pk(long id) {
        return PrimaryKeyBuilder.createPrimaryKeyBuilder().addPrimaryKeyColumn("id", PrimaryKeyValue.fromLong(id))
                .build();
    }

    static RowChange put(long id, String name, long amount) {
        RowPutChange put = new RowPutChange(TABLE, pk(id));
        put.addColumn("name", ColumnValue.fromString(name));
        put.addColumn("amount", ColumnValue.fromLong(amount));
        return put;
    }

    static RowChange update(long id, long amount) {
        RowUpdateChange update = new RowUpdateChange(TABLE, pk(id));
        update.put("amount", ColumnValue.fromLong(amount));
        update.deleteColumns("name");
        return update;
    }

    static RowChange delete(long id) {
        return new RowDeleteChange(TABLE, pk(id));
    }

    /** Commits the changes in one BatchWriteRow (in order: one row per key and request, as the API requires). */
    static void write(TunnelTestServer ots, List<RowChange> changes) {
        BatchWriteRowRequest batch = new BatchWriteRowRequest();
        changes.forEach(batch::addRowChange);
        assertThat(ots.client.batchWriteRow(batch).isAllSucceed()).isTrue();
    }

    /** The table's rows: id → column name → value text. */
    static Map<Long, Map<String, String>> table(TunnelTestServer ots) {
        Map<Long, Map<String, String>> rows = new TreeMap<>();
        PrimaryKey start = PrimaryKeyBuilder.createPrimaryKeyBuilder()
                .addPrimaryKeyColumn("id", PrimaryKeyValue.INF_MIN).build();
        PrimaryKey end = PrimaryKeyBuilder.createPrimaryKeyBuilder()
                .addPrimaryKeyColumn("id", PrimaryKeyValue.INF_MAX).build();
        while (start != null) {
            RangeRowQueryCriteria c = new RangeRowQueryCriteria(TABLE);
            c.setInclusiveStartPrimaryKey(start);
            c.setExclusiveEndPrimaryKey(end);
            c.setMaxVersions(1);
            GetRangeResponse r = ots.client.getRange(new GetRangeRequest(c));
            for (Row row : r.getRows()) {
                Map<String, String> cols = new TreeMap<>();
                for (Column col : row.getColumns()) {
                    cols.put(col.getName(), col.getValue().toString());
                }
                rows.put(row.getPrimaryKey().getPrimaryKeyColumn("id").getValue().asLong(), cols);
            }
            start = r.getNextStartPrimaryKey();
        }
        return rows;
    }

    private static Set<Long> union(Set<Long> a, Set<Long> b) {
        Set<Long> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    static Set<Long> keysBelow(Map<Long, Map<String, String>> rows, long bound) {
        return rows.keySet().stream().filter(id -> id < bound).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * An official-SDK processor that keeps a copy of the table from the records it is given (PUT replaces the row,
     * UPDATE applies its column puts and deletes, DELETE removes it), each delivery per channel, and the next token
     * of the last batch per channel. Can stall on channel Stream_1: {@link #holdStream1()} makes the next batch of
     * that channel block in {@code process} (after it was applied) until {@link #release()}. Thread-safe.
     */
    static final class CopyingProcessor implements IChannelProcessor {
        record Delivery(long id, StreamRecord.RecordType type, long timestamp) {}

        private final Map<Long, Map<String, String>> copy = new HashMap<>();
        private final Map<String, List<Delivery>> deliveries = new HashMap<>();
        private final Map<String, String> lastTokens = new HashMap<>();
        private volatile CountDownLatch hold;
        private volatile boolean holding;
        private int size;

        void holdStream1() {
            hold = new CountDownLatch(1);
        }

        boolean holding() {
            return holding;
        }

        void release() {
            CountDownLatch h = hold;
            if (h != null) {
                h.countDown();
            }
        }

        @Override
        public void process(ProcessRecordsInput input) {
            synchronized (this) {
                for (StreamRecord r : input.getRecords()) {
                    long id = r.getPrimaryKey().getPrimaryKeyColumn("id").getValue().asLong();
                    apply(id, r);
                    deliveries.computeIfAbsent(input.getChannelId(), k -> new ArrayList<>())
                            .add(new Delivery(id, r.getRecordType(), r.getSequenceInfo().getTimestamp()));
                    size++;
                }
                lastTokens.put(input.getChannelId(), input.getNextToken());
            }
            CountDownLatch h = hold;
            if (h != null && input.getChannelId().equals("Stream_1") && !input.getRecords().isEmpty()) {
                holding = true;
                try {
                    h.await(2, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                hold = null;
                holding = false;
            }
        }

        private void apply(long id, StreamRecord r) {
            switch (r.getRecordType()) {
                case DELETE -> copy.remove(id);
                case PUT -> {
                    Map<String, String> row = new TreeMap<>();
                    for (RecordColumn c : r.getColumns()) {
                        row.put(c.getColumn().getName(), c.getColumn().getValue().toString());
                    }
                    copy.put(id, row);
                }
                case UPDATE -> {
                    Map<String, String> row = copy.computeIfAbsent(id, k -> new TreeMap<>());
                    for (RecordColumn c : r.getColumns()) {
                        if (c.getColumnType() == RecordColumn.ColumnType.PUT) {
                            row.put(c.getColumn().getName(), c.getColumn().getValue().toString());
                        } else {
                            row.remove(c.getColumn().getName());
                        }
                    }
                }
            }
        }

        @Override
        public void shutdown() {
        }

        synchronized int size() {
            return size;
        }

        synchronized Map<Long, Map<String, String>> state() {
            Map<Long, Map<String, String>> out = new TreeMap<>();
            copy.forEach((k, v) -> out.put(k, new TreeMap<>(v)));
            return out;
        }

        synchronized List<Delivery> deliveries(String channel) {
            return List.copyOf(deliveries.getOrDefault(channel, List.of()));
        }

        synchronized String lastToken(String channel) {
            return lastTokens.getOrDefault(channel, "");
        }
    }
}
