package io.tunnelstore.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.pb.TableProtos;
import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.protocol.pb.TunnelProtos.ReadRecordsResponse;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.server.table.Partition;
import io.tunnelstore.server.table.TableDescriptor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No retention cliff: a stream channel whose checkpoint falls behind the retained change log in the middle of
 * consumption is re-baselined (its key range from a fresh snapshot between resync markers, then the log after the
 * snapshot) — with the injected clock, across a module restart, and without losing a key.
 */
class RebaselineTest {
    @TempDir
    Path dir;

    private InProcessTunnels t;

    @BeforeEach
    void start() {
        t = new InProcessTunnels(dir, TunnelServiceConfig.builder().longPollWait(Duration.ZERO)
                .maxRecordsPerRead(4).build());
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private static long id(TunnelProtos.Record rec) {
        PlainRow row = PlainBufferCodec.decodeSingleRow(rec.getRecord().toByteArray());
        return row.primaryKey().get(0).value().asLong();
    }

    private void checkpoint(String tunnel, String client, String channel, String token) {
        long seq = t.getCheckpoint(tunnel, client, channel).getSequenceNumber() + 1;
        InProcessTunnels.join(t.module.sessions().checkpoint(InProcessTunnels.INSTANCE,
                TunnelProtos.CheckpointRequest.newBuilder().setTunnelId(tunnel).setClientId(client)
                        .setChannelId(channel).setCheckpoint(token).setSequenceNumber(seq).build()));
    }

    @Test
    void aChannelPushedPastRetentionIsRebaselinedWithMarkersAndLosesNoKey() {
        // two partitions: keys < 100 in shard 1, keys >= 100 in shard 2
        TableDescriptor table = t.createTable("rb", 1, List.of(new Partition(0, null, ColumnValue.ofLong(100), 1),
                new Partition(1, ColumnValue.ofLong(100), null, 2)));
        String tunnel = t.create("rb", "s", TunnelProtos.TunnelType.Stream, null);
        for (long id = 0; id < 10; id++) {
            t.put(table, id, id);
        }
        t.put(table, 100, 1);
        String client = t.connect(tunnel);
        assertThat(t.heartbeat(tunnel, client)).extracting(TunnelProtos.Channel::getChannelId)
                .containsExactly("Stream_1", "Stream_2");
        String stalled = client;

        // the consumer gets through the first 4 changes of shard 1 and checkpoints, then stalls
        ReadRecordsResponse first = t.read(tunnel, client, "Stream_1",
                t.getCheckpoint(tunnel, client, "Stream_1").getCheckpoint());
        assertThat(first.getRecordsList()).extracting(RebaselineTest::id).containsExactly(0L, 1L, 2L, 3L);
        checkpoint(tunnel, stalled, "Stream_1", first.getNextToken());

        // two hours later: more changes, then the trim task removes everything older than the 1 h retention
        t.advance(Duration.ofHours(2));
        t.put(table, 10, 10);
        t.write(table, TableProtos.ActionType.UPDATE_ROW, 2, 22, null);
        t.storage.mutateRow(table.tableId(), io.tunnelstore.server.table.KeyCodec.encode(
                io.tunnelstore.protocol.model.PrimaryKey.of(io.tunnelstore.protocol.model.PrimaryKeyColumn.of("id",
                        ColumnValue.ofLong(5)))),
                (current, versionMillis) -> io.tunnelstore.storage.RowDecider.Decision.of(
                        new io.tunnelstore.storage.RowMutation().deleteRow(), null)); // a delete whose log is gone
        long cutoffMicros = (t.clock.millis() - 3_600_000L) * 1000;
        assertThat(t.storage.trimLog(table.tableId(), 1, cutoffMicros)).isEqualTo(10);
        // the stalled worker's session expired meanwhile; a new worker takes the channels over
        client = t.connect(tunnel);
        assertThat(t.heartbeat(tunnel, client)).extracting(TunnelProtos.Channel::getChannelId)
                .containsExactly("Stream_1", "Stream_2");

        // the stalled channel resumes: resync-begin, the range's current rows, resync-end, then the log
        List<String> seen = new ArrayList<>();
        TreeSet<Long> resyncKeys = new TreeSet<>();
        String token = t.getCheckpoint(tunnel, client, "Stream_1").getCheckpoint();
        boolean restarted = false;
        while (true) {
            ReadRecordsResponse r = t.read(tunnel, client, "Stream_1", token);
            if (r.hasTunnelstoreResyncBegin()) {
                TunnelProtos.TunnelstoreResyncMarker m = r.getTunnelstoreResyncBegin();
                seen.add("begin " + m.getChannelId() + " lost " + m.getLostFromSequence() + ".."
                        + m.getLostToSequence() + " end<" + PlainBufferCodec.decodeSingleRow(
                                m.getRangeEnd().toByteArray()).primaryKey().get(0).value().asLong()
                        + " start? " + m.hasRangeStart());
            }
            for (TunnelProtos.Record rec : r.getRecordsList()) {
                seen.add(rec.getActionType() + " " + id(rec));
                if (seen.stream().noneMatch(s -> s.startsWith("end"))) {
                    resyncKeys.add(id(rec));
                }
            }
            if (r.hasTunnelstoreResyncEnd()) {
                seen.add("end resume " + r.getTunnelstoreResyncEnd().getResumeSequence());
            }
            token = r.getNextToken();
            checkpoint(tunnel, client, "Stream_1", token);
            if (!restarted && seen.size() > 2) {
                t.restartModule(); // the re-baseline position is durable: its snapshot survives the restart
                restarted = true;
                assertThat(t.getCheckpoint(tunnel, client, "Stream_1").getCheckpoint()).isEqualTo(token);
            }
            if (r.getRecordsCount() == 0 && !r.hasTunnelstoreResyncBegin() && !r.hasTunnelstoreResyncEnd()) {
                break;
            }
        }
        // every key of shard 1 that exists, exactly once, between the markers; the deleted key 5 is absent
        assertThat(resyncKeys).containsExactly(0L, 1L, 2L, 3L, 4L, 6L, 7L, 8L, 9L, 10L);
        assertThat(seen.get(0)).isEqualTo("begin Stream_1 lost 5..10 end<100 start? false");
        assertThat(seen.subList(1, 11)).containsExactly("PUT_ROW 0", "PUT_ROW 1", "PUT_ROW 2", "PUT_ROW 3",
                "PUT_ROW 4", "PUT_ROW 6", "PUT_ROW 7", "PUT_ROW 8", "PUT_ROW 9", "PUT_ROW 10");
        assertThat(seen.get(11)).isEqualTo("end resume 13");
        assertThat(seen).hasSize(12); // nothing after the snapshot yet

        // a change after the re-baseline arrives as an ordinary stream record
        t.put(table, 11, 11);
        ReadRecordsResponse after = t.read(tunnel, client, "Stream_1", token);
        assertThat(after.getRecordsList()).extracting(RebaselineTest::id).containsExactly(11L);
        assertThat(after.hasTunnelstoreResyncBegin()).isFalse();
        checkpoint(tunnel, client, "Stream_1", after.getNextToken());

        // no data loss recorded; the history has the re-baseline; its snapshot is dropped once read past
        assertThat(t.describe(tunnel).lossEvents()).isEmpty();
        List<TunnelEvents.Event> history = new TunnelEvents(t.storage).list(InProcessTunnels.INSTANCE, tunnel);
        assertThat(history).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo("REBASELINE");
            assertThat(e.channelId()).isEqualTo("Stream_1");
            assertThat(e.detail()).startsWith("change-log records 5..10 of shard 1 were trimmed");
        });
        TunnelProtos.DescribeTunnelResponse described = InProcessTunnels.join(t.module.admin().describe(
                InProcessTunnels.INSTANCE, TunnelProtos.DescribeTunnelRequest.newBuilder().setTableName("rb")
                        .setTunnelName("s").build()));
        assertThat(described.getTunnelstoreRebaseline()).isTrue();
        assertThat(described.getTunnelstoreEventsList()).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo("REBASELINE");
            assertThat(e.getChannelId()).isEqualTo("Stream_1");
            assertThat(e.getActor()).isEqualTo("server");
        });
        assertThat(InProcessTunnels.join(t.module.dropUnusedSnapshots())).singleElement()
                .satisfies(id -> assertThat(id).startsWith("rb-" + tunnel + "-1-"));
        // the other shard was never behind: untouched
        assertThat(t.read(tunnel, client, "Stream_2", t.getCheckpoint(tunnel, client, "Stream_2").getCheckpoint())
                .getRecordsList()).extracting(RebaselineTest::id).containsExactly(100L);
    }

    @Test
    void describeForecastsTheTimeUntilLossFromTheLagTrend() {
        TableDescriptor table = t.createTable("lag", 1);
        String tunnel = t.create("lag", "s", TunnelProtos.TunnelType.Stream, null);
        t.put(table, 1, 1); // never consumed
        TunnelProtos.DescribeTunnelRequest req = TunnelProtos.DescribeTunnelRequest.newBuilder()
                .setTableName("lag").setTunnelName("s").build();
        t.advance(Duration.ofMinutes(10));
        InProcessTunnels.join(t.module.sampleLag(t.clock.millis()));
        assertThat(InProcessTunnels.join(t.module.admin().describe(InProcessTunnels.INSTANCE, req))
                .hasTunnelstoreTimeUntilLossMs()).isFalse(); // one sample: no trend yet
        t.advance(Duration.ofMinutes(10));
        InProcessTunnels.join(t.module.sampleLag(t.clock.millis()));
        // the lag grows one minute per minute and is 20 min: the 1 h retention is reached in 40 min
        assertThat(InProcessTunnels.join(t.module.admin().describe(InProcessTunnels.INSTANCE, req))
                .getTunnelstoreTimeUntilLossMs()).isEqualTo(Duration.ofMinutes(40).toMillis());
        assertThat(tunnel).isNotEmpty();
    }

    @Test
    void aTunnelCreatedWithoutRebaselineKeepsTheOldLossBehaviour() {
        TableDescriptor table = t.createTable("old", 1);
        String tunnel = InProcessTunnels.join(java.util.concurrent.CompletableFuture.completedFuture(
                t.module.admin().create(InProcessTunnels.INSTANCE, TunnelProtos.CreateTunnelRequest.newBuilder()
                        .setTunnel(TunnelProtos.Tunnel.newBuilder().setTableName("old").setTunnelName("s")
                                .setTunnelType(TunnelProtos.TunnelType.Stream).setTunnelstoreRebaseline(false))
                        .build()))).getTunnelId();
        for (long id = 0; id < 3; id++) {
            t.put(table, id, id);
        }
        t.advance(Duration.ofHours(2));
        t.put(table, 3, 3);
        t.storage.trimLog(table.tableId(), 1, (t.clock.millis() - 3_600_000L) * 1000);
        String client = t.connect(tunnel);
        t.heartbeat(tunnel, client);
        ReadRecordsResponse r = t.read(tunnel, client, "Stream_1",
                t.getCheckpoint(tunnel, client, "Stream_1").getCheckpoint());
        assertThat(r.getRecordsList()).extracting(RebaselineTest::id).containsExactly(3L);
        assertThat(r.hasTunnelstoreResyncBegin()).isFalse();
        assertThat(t.describe(tunnel).lossEvents()).hasSize(1);
        assertThat(new TunnelEvents(t.storage).list(InProcessTunnels.INSTANCE, tunnel))
                .extracting(TunnelEvents.Event::kind).containsExactly("DATA_LOSS");
    }
}
