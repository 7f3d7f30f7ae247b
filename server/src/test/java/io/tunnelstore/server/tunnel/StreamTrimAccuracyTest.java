package io.tunnelstore.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.protocol.pb.TunnelProtos.ReadRecordsResponse;
import io.tunnelstore.protocol.pb.TunnelProtos.TunnelType;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.server.table.TableDescriptor;
import io.tunnelstore.coordinator.LossEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trimmed stream positions are detected from the shard's trimmed sequence numbers
 * ({@code StorageEngine.trimmedThrough}), not from clocks: a loss is reported exactly when records the channel had
 * not read were trimmed, even when every record of the shard is gone and the consume point looks recent.
 */
class StreamTrimAccuracyTest {

    @TempDir
    Path dir;

    private InProcessTunnels t;

    @BeforeEach
    void start() {
        t = new InProcessTunnels(dir, TunnelServiceConfig.builder().longPollWait(Duration.ZERO)
                .rebaselineByDefault(false).build());
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
    void unreadRecordsTrimmedFromAShardLeftEmptyAreALossEvenWithARecentConsumePoint() {
        TableDescriptor table = t.createTable("events", 1);
        String tunnel = t.create("events", "s", TunnelType.Stream, null);
        String client = t.connect(tunnel);
        t.heartbeat(tunnel, client);
        String start = t.getCheckpoint(tunnel, client, "Stream_1").getCheckpoint();
        t.advance(Duration.ofSeconds(1));
        for (long id = 1; id <= 3; id++) {
            t.put(table, id, id);
        }
        t.advance(Duration.ofSeconds(1));
        // trimmed well inside the retention (e.g. the table's stream expiration was lowered): every record goes
        assertThat(t.storage.trimLog(table.tableId(), 1, t.clock.millis() * 1000)).isEqualTo(3);
        assertThat(t.storage.trimmedThrough(table.tableId(), 1)).isEqualTo(3);

        ReadRecordsResponse r = t.read(tunnel, client, "Stream_1", start);

        assertThat(r.getRecordsList()).isEmpty();
        assertThat(t.describe(tunnel).lossEvents()).singleElement().satisfies((LossEvent e) -> {
            assertThat(e.lostFromToken()).isEqualTo(start);
            assertThat(e.note()).isEqualTo("change-log records 1..3 of shard 1 were trimmed (retention 1 h) before "
                    + "they were consumed; resumed at 4");
        });
        t.put(table, 4, 4);
        String resumed = t.getCheckpoint(tunnel, client, "Stream_1").getCheckpoint();
        assertThat(ids(t.read(tunnel, client, "Stream_1", resumed))).containsExactly(4L);
        assertThat(t.describe(tunnel).lossEvents()).hasSize(1);
    }

    @Test
    void aChannelThatReadEverythingBeforeTheTrimLosesNothing() {
        TableDescriptor table = t.createTable("events", 1);
        String tunnel = t.create("events", "s", TunnelType.Stream, null);
        String client = t.connect(tunnel);
        t.heartbeat(tunnel, client);
        t.put(table, 1, 1);
        t.put(table, 2, 2);
        ReadRecordsResponse first = t.read(tunnel, client, "Stream_1",
                t.getCheckpoint(tunnel, client, "Stream_1").getCheckpoint());
        assertThat(ids(first)).containsExactly(1L, 2L);
        // hours later: the consume point is far behind the retention horizon, but nothing unread was trimmed
        t.advance(Duration.ofHours(3));
        assertThat(t.storage.trimLog(table.tableId(), 1, (t.clock.millis() - 3_600_000L) * 1000)).isEqualTo(2);

        ReadRecordsResponse caughtUp = t.read(tunnel, client, "Stream_1", first.getNextToken());
        t.put(table, 3, 3);
        ReadRecordsResponse next = t.read(tunnel, client, "Stream_1", caughtUp.getNextToken());

        assertThat(caughtUp.getRecordsList()).isEmpty();
        assertThat(ids(next)).containsExactly(3L);
        assertThat(t.describe(tunnel).lossEvents()).isEmpty();
    }

    @Test
    void aTunnelCreatedOnAShardTrimmedEmptyStartsAfterTheTrimmedSequences() {
        TableDescriptor table = t.createTable("events", 1);
        t.put(table, 1, 1);
        t.put(table, 2, 2);
        t.advance(Duration.ofHours(2));
        assertThat(t.storage.trimLog(table.tableId(), 1, (t.clock.millis() - 3_600_000L) * 1000)).isEqualTo(2);
        String tunnel = t.create("events", "s", TunnelType.Stream, TunnelProtos.StreamTunnelConfig.newBuilder()
                .setFlag(TunnelProtos.StartOffsetFlag.EARLIEST).build());

        String client = t.connect(tunnel);
        t.heartbeat(tunnel, client);
        String start = t.getCheckpoint(tunnel, client, "Stream_1").getCheckpoint();
        assertThat(((ChannelPosition.Stream) TunnelTokenCodec.decode(start)).nextSequence()).isEqualTo(3);
        t.put(table, 3, 3);

        assertThat(ids(t.read(tunnel, client, "Stream_1", start))).containsExactly(3L);
        assertThat(t.describe(tunnel).lossEvents()).isEmpty();
    }
}
