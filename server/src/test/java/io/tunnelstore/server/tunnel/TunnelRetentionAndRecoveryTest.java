package io.tunnelstore.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.protocol.pb.TunnelProtos.ReadRecordsResponse;
import io.tunnelstore.protocol.pb.TunnelProtos.TunnelType;
import io.tunnelstore.server.table.TableDescriptor;
import io.tunnelstore.coordinator.LossEvent;
import io.tunnelstore.coordinator.TunnelDescription;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention, expiry, restore and long poll of the Tunnel Service, in process with an injected clock. */
class TunnelRetentionAndRecoveryTest {

    @TempDir
    Path dir;

    private InProcessTunnels t;

    @BeforeEach
    void start() {
        t = new InProcessTunnels(dir, TunnelServiceConfig.builder()
                .longPollWait(Duration.ofSeconds(5))
                .disableAfterExpired(Duration.ofDays(7))
                .rebaselineByDefault(false) // the loss path (RebaselineTest covers the default)
                .build());
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private static List<Long> ids(ReadRecordsResponse r) {
        return r.getRecordsList().stream().map(rec -> {
            PlainRow row = PlainBufferCodec.decodeSingleRow(rec.getRecord().toByteArray());
            return row.primaryKey().get(0).value().asLong();
        }).toList();
    }

    @Test
    void aStreamChannelBehindRetentionResumesAtTheOldestKeptRecordAndTheLossIsRecorded() {
        TableDescriptor table = t.createTable("trimmed", 1);
        String tunnel = t.create("trimmed", "s", TunnelType.Stream, TunnelProtos.StreamTunnelConfig.newBuilder()
                .setFlag(TunnelProtos.StartOffsetFlag.EARLIEST).build());
        for (long id = 0; id < 5; id++) {
            t.put(table, id, id);
        }
        t.advance(Duration.ofHours(2));
        for (long id = 5; id < 8; id++) {
            t.put(table, id, id);
        }
        // the table module's trim task: records older than the 1 h retention go
        assertThat(t.storage.trimLog(table.tableId(), 1, (t.clock.millis() - 3_600_000L) * 1000)).isEqualTo(5);

        String client = t.connect(tunnel);
        assertThat(t.heartbeat(tunnel, client)).extracting(TunnelProtos.Channel::getChannelId)
                .containsExactly("Stream_1");
        String token = t.getCheckpoint(tunnel, client, "Stream_1").getCheckpoint();
        ReadRecordsResponse r = t.read(tunnel, client, "Stream_1", token);

        assertThat(ids(r)).containsExactly(5L, 6L, 7L);
        TunnelDescription d = t.describe(tunnel);
        assertThat(d.lossEvents()).singleElement().satisfies((LossEvent e) -> {
            assertThat(e.channelId()).isEqualTo("Stream_1");
            assertThat(e.lostFromToken()).isEqualTo(token);
            assertThat(e.note()).contains("records 1..5 of shard 1 were trimmed");
        });
        // the console view carries the loss too
        List<TunnelView> views = InProcessTunnels.join(t.module.tunnels(InProcessTunnels.INSTANCE));
        assertThat(views).singleElement().satisfies(v -> {
            assertThat(v.tunnelName()).isEqualTo("s");
            assertThat(v.tableName()).isEqualTo("trimmed");
            assertThat(v.description().lossEvents()).hasSize(1);
        });
        // the reset moved the stored checkpoint forward and bumped its sequence
        TunnelProtos.GetCheckpointResponse cp = t.getCheckpoint(tunnel, client, "Stream_1");
        assertThat(cp.getCheckpoint()).isEqualTo(d.lossEvents().get(0).resumedAtToken());
        assertThat(cp.getSequenceNumber()).isPositive();
    }

    @Test
    void aShardTrimmedEmptyBeforeTheTunnelExistedIsNoLoss() {
        TableDescriptor table = t.createTable("old_data", 1);
        t.put(table, 1, 1);
        t.put(table, 2, 2);
        t.advance(Duration.ofHours(2));
        assertThat(t.storage.trimLog(table.tableId(), 1, (t.clock.millis() - 3_600_000L) * 1000)).isEqualTo(2);
        // created on an empty (fully trimmed) shard: its start sequence cannot be known exactly
        String tunnel = t.create("old_data", "s", TunnelType.Stream, null);
        t.advance(Duration.ofMinutes(1));
        t.put(table, 3, 3);

        String client = t.connect(tunnel);
        t.heartbeat(tunnel, client);
        ReadRecordsResponse r = t.read(tunnel, client, "Stream_1",
                t.getCheckpoint(tunnel, client, "Stream_1").getCheckpoint());
        assertThat(ids(r)).containsExactly(3L);
        assertThat(t.describe(tunnel).lossEvents()).isEmpty();
    }

    @Test
    void aBaseAndStreamTunnelWhoseBasePhaseOutlivesRetentionExpiresAndIsLaterDisabled() {
        TableDescriptor table = t.createTable("slow", 1);
        t.put(table, 1, 1);
        String tunnel = t.create("slow", "bs", TunnelType.BaseAndStream, null);
        String client = t.connect(tunnel);
        t.heartbeat(tunnel, client);

        t.advance(Duration.ofMinutes(59));
        t.module.tick();
        assertThat(t.describe(tunnel).expired()).isFalse();

        t.advance(Duration.ofMinutes(2));
        t.module.tick();
        TunnelDescription d = t.describe(tunnel);
        assertThat(d.expired()).isTrue();
        assertThat(d.expiry().reason()).contains("outlived the stream retention of 1 h");
        assertThat(d.disabled()).isNull();
        assertThatThrownBy(() -> t.connect(tunnel)).isInstanceOfSatisfying(OtsException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TUNNEL_EXPIRED));
        String token = TunnelTokenCodec.encode(new ChannelPosition.Base(new byte[0], 0));
        assertThatThrownBy(() -> t.read(tunnel, client, "BaseData_0000-0000", token))
                .isInstanceOfSatisfying(OtsException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TUNNEL_EXPIRED));

        t.advance(Duration.ofDays(7).plusMinutes(1));
        t.module.tick();
        assertThat(t.describe(tunnel).disabled()).isNotNull();
    }

    @Test
    void aBaseAndStreamTunnelThatReachedTheStreamPhaseNeverExpires() {
        TableDescriptor table = t.createTable("fast", 1);
        String tunnel = t.create("fast", "bs", TunnelType.BaseAndStream, null);
        String client = t.connect(tunnel);
        List<TunnelProtos.Channel> channels = t.heartbeat(tunnel, client);
        assertThat(channels).extracting(TunnelProtos.Channel::getChannelId).containsExactly("BaseData_0000-0000");
        String token = t.getCheckpoint(tunnel, client, "BaseData_0000-0000").getCheckpoint();
        assertThat(t.read(tunnel, client, "BaseData_0000-0000", token).getNextToken()).isEqualTo("finished");
        // the worker reports the finished channel TERMINATED with version + 1
        TunnelProtos.Channel base = channels.get(0);
        List<TunnelProtos.Channel> next = InProcessTunnels.join(t.module.sessions().heartbeat(
                InProcessTunnels.INSTANCE, TunnelProtos.HeartbeatRequest.newBuilder().setTunnelId(tunnel)
                        .setClientId(client).addChannels(base.toBuilder().setVersion(base.getVersion() + 1)
                                .setStatus(TunnelProtos.ChannelStatus.TERMINATED)).build())).getChannelsList();
        assertThat(next).extracting(TunnelProtos.Channel::getChannelId).containsExactly("Stream_1");
        t.put(table, 7, 7);

        t.advance(Duration.ofHours(3));
        t.module.tick();
        assertThat(t.describe(tunnel).expired()).isFalse();
        String streamToken = t.getCheckpoint(tunnel, client, "Stream_1").getCheckpoint();
        assertThat(ids(t.read(tunnel, client, "Stream_1", streamToken))).containsExactly(7L);
    }

    @Test
    void aRestartedModuleKeepsCheckpointsAndLetsKnownClientsCarryOn() {
        TableDescriptor table = t.createTable("kept", 24);
        String tunnel = t.create("kept", "s", TunnelType.Stream, null);
        t.put(table, 1, 1);
        String client = t.connect(tunnel);
        t.heartbeat(tunnel, client);
        String start = t.getCheckpoint(tunnel, client, "Stream_1").getCheckpoint();
        ReadRecordsResponse r = t.read(tunnel, client, "Stream_1", start);
        InProcessTunnels.join(t.module.sessions().checkpoint(InProcessTunnels.INSTANCE,
                TunnelProtos.CheckpointRequest.newBuilder().setTunnelId(tunnel).setClientId(client)
                        .setChannelId("Stream_1").setCheckpoint(r.getNextToken()).setSequenceNumber(1).build()));

        t.restartModule();

        TunnelProtos.GetCheckpointResponse cp = t.getCheckpoint(tunnel, client, "Stream_1");
        assertThat(cp.getCheckpoint()).isEqualTo(r.getNextToken());
        assertThat(cp.getSequenceNumber()).isEqualTo(1);
        assertThat(t.heartbeat(tunnel, client)).singleElement().satisfies(c -> {
            assertThat(c.getChannelId()).isEqualTo("Stream_1");
            assertThat(c.getStatus()).isEqualTo(TunnelProtos.ChannelStatus.OPEN);
        });
        assertThat(t.describe(tunnel).channels().get(0).ownerClientId()).isEqualTo(client);
    }

    @Test
    void aCaughtUpReadWaitsAndAnswersAsSoonAsAChangeIsCommitted() throws Exception {
        TableDescriptor table = t.createTable("live", 24);
        String tunnel = t.create("live", "s", TunnelType.Stream, null);
        String client = t.connect(tunnel);
        t.heartbeat(tunnel, client);
        String token = t.getCheckpoint(tunnel, client, "Stream_1").getCheckpoint();

        CompletableFuture<ReadRecordsResponse> pending = t.module.reader().read(InProcessTunnels.INSTANCE,
                TunnelProtos.ReadRecordsRequest.newBuilder().setTunnelId(tunnel).setClientId(client)
                        .setChannelId("Stream_1").setToken(token).build()).toCompletableFuture();
        assertThat(pending).isNotDone();
        long t0 = System.nanoTime();
        t.put(table, 42, 1);
        ReadRecordsResponse r = pending.get(4, TimeUnit.SECONDS); // long poll is 5 s: the append woke it up
        assertThat(System.nanoTime() - t0).isLessThan(4_000_000_000L);
        assertThat(ids(r)).containsExactly(42L);
        assertThat(r.getMayMoreRecord()).isFalse();
        assertThat(r.getNextToken()).isNotEqualTo(token);
    }

    @Test
    void aStreamTunnelWithATimeRangeReadsOnlyThatRangeAndThenFinishes() {
        TableDescriptor table = t.createTable("ranged", 24);
        t.create("ranged", "enabler", TunnelType.Stream, null);
        t.put(table, 1, 1);
        t.advance(Duration.ofMinutes(1));
        long startNanos = t.clock.millis() * 1_000_000L;
        t.put(table, 2, 2);
        t.put(table, 3, 3);
        t.advance(Duration.ofMinutes(1));
        long endNanos = t.clock.millis() * 1_000_000L;
        t.put(table, 4, 4);
        t.advance(Duration.ofMinutes(1));
        String tunnel = t.create("ranged", "window", TunnelType.Stream, TunnelProtos.StreamTunnelConfig.newBuilder()
                .setStartOffset(startNanos).setEndOffset(endNanos).build());
        String client = t.connect(tunnel);
        t.heartbeat(tunnel, client);
        String token = t.getCheckpoint(tunnel, client, "Stream_1").getCheckpoint();
        ReadRecordsResponse r = t.read(tunnel, client, "Stream_1", token);
        assertThat(ids(r)).containsExactly(2L, 3L);
        assertThat(r.getNextToken()).isEqualTo("finished");
    }

    @Test
    void streamRecordsCarryTheirActionTypeSequenceInfoAndOriginRow() {
        TableDescriptor table = t.createTable("origins", 24);
        String tunnel = t.create("origins", "s", TunnelType.Stream, null);
        t.put(table, 1, 10);
        t.write(table, io.tunnelstore.protocol.pb.TableProtos.ActionType.UPDATE_ROW, 1, 11, 10L);
        String client = t.connect(tunnel);
        t.heartbeat(tunnel, client);
        ReadRecordsResponse r = t.read(tunnel, client, "Stream_1",
                t.getCheckpoint(tunnel, client, "Stream_1").getCheckpoint());

        assertThat(r.getRecordsList()).extracting(TunnelProtos.Record::getActionType)
                .containsExactly(TunnelProtos.ActionType.PUT_ROW, TunnelProtos.ActionType.UPDATE_ROW);
        assertThat(r.getRecords(0).hasOriginRecord()).isFalse();
        PlainRow update = PlainBufferCodec.decodeSingleRow(r.getRecords(1).getRecord().toByteArray());
        assertThat(update.cells()).singleElement().satisfies(c -> assertThat(c.value().asLong()).isEqualTo(11));
        assertThat(update.sequenceInfo().timestamp()).isEqualTo(t.clock.millis() * 1000);
        assertThat(update.sequenceInfo().rowIndex()).isEqualTo(2); // log sequence: orders records like the log
        PlainRow origin = PlainBufferCodec.decodeSingleRow(r.getRecords(1).getOriginRecord().toByteArray());
        assertThat(origin.cells()).singleElement().satisfies(c -> assertThat(c.value().asLong()).isEqualTo(10));
    }

    @Test
    void theTunnelsOfADroppedTableAreDeletedByTheTick() {
        t.createTable("dropped", 24);
        String tunnel = t.create("dropped", "s", TunnelType.Stream, null);
        String client = t.connect(tunnel);
        t.catalog.delete(InProcessTunnels.INSTANCE, "dropped");

        t.module.tick();

        assertThatThrownBy(() -> t.heartbeat(tunnel, client)).isInstanceOfSatisfying(OtsException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.PARAMETER_INVALID);
            assertThat(e.getMessage()).contains("tunnel not exist");
        });
        // the record is deleted on the tunnel's queue, after the calls queued before the tick
        TunnelTestServer.await("tunnel record deleted", Duration.ofSeconds(5),
                () -> t.storage.getMeta("tunnel/" + InProcessTunnels.INSTANCE + "/" + tunnel).isEmpty());
    }
}
