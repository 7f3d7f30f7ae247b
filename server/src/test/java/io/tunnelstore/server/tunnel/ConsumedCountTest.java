package io.tunnelstore.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.protocol.pb.TunnelProtos.ReadRecordsResponse;
import io.tunnelstore.protocol.pb.TunnelProtos.TunnelType;
import io.tunnelstore.server.table.TableDescriptor;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DescribeTunnel's channel count counts rows acknowledged by checkpoints, not rows served. */
class ConsumedCountTest {

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

    private void checkpoint(String tunnel, String client, String channel, String token, long sequence) {
        InProcessTunnels.join(t.module.sessions().checkpoint(InProcessTunnels.INSTANCE,
                TunnelProtos.CheckpointRequest.newBuilder().setTunnelId(tunnel).setClientId(client)
                        .setChannelId(channel).setCheckpoint(token).setSequenceNumber(sequence).build()));
    }

    private long count(String tunnel, String channel) {
        return t.describe(tunnel).channels().stream().filter(c -> c.channelId().equals(channel)).findFirst()
                .orElseThrow().consumedCount();
    }

    @Test
    void aReDeliveredStreamBatchIsNotCountedTwice() {
        TableDescriptor table = t.createTable("events", 1);
        String tunnel = t.create("events", "s", TunnelType.Stream, null);
        String client = t.connect(tunnel);
        t.heartbeat(tunnel, client);
        for (long id = 1; id <= 6; id++) {
            t.put(table, id, id);
        }
        String start = t.getCheckpoint(tunnel, client, "Stream_1").getCheckpoint();

        ReadRecordsResponse first = t.read(tunnel, client, "Stream_1", start);
        assertThat(first.getRecordsCount()).isEqualTo(4);
        assertThat(count(tunnel, "Stream_1")).as("read but not checkpointed").isZero();
        checkpoint(tunnel, client, "Stream_1", first.getNextToken(), 1);
        assertThat(count(tunnel, "Stream_1")).isEqualTo(4);

        // the worker failed before its next checkpoint and reads the same batch again from the checkpoint
        ReadRecordsResponse again = t.read(tunnel, client, "Stream_1", first.getNextToken());
        ReadRecordsResponse replay = t.read(tunnel, client, "Stream_1", first.getNextToken());
        assertThat(replay.getRecordsCount()).isEqualTo(again.getRecordsCount()).isEqualTo(2);
        checkpoint(tunnel, client, "Stream_1", replay.getNextToken(), 2);

        assertThat(count(tunnel, "Stream_1")).isEqualTo(6);
    }

    @Test
    void baseChannelsCountCheckpointedRowsAndFinishedTakesTheFinalCount() {
        TableDescriptor table = t.createTable("rows", 1);
        for (long id = 1; id <= 5; id++) {
            t.put(table, id, id);
        }
        String tunnel = t.create("rows", "b", TunnelType.BaseData, null);
        String client = t.connect(tunnel);
        String channel = t.heartbeat(tunnel, client).get(0).getChannelId();
        String token = t.getCheckpoint(tunnel, client, channel).getCheckpoint();
        long sequence = 0;
        long served = 0;
        while (true) {
            ReadRecordsResponse r = t.read(tunnel, client, channel, token);
            served += r.getRecordsCount();
            // every batch is served twice (a retry), but checkpointed once
            served += t.read(tunnel, client, channel, token).getRecordsCount();
            if (r.getNextToken().equals(TunnelTokenCodec.FINISHED)) {
                checkpoint(tunnel, client, channel, TunnelTokenCodec.FINISHED, ++sequence);
                break;
            }
            token = r.getNextToken();
            checkpoint(tunnel, client, channel, token, ++sequence);
        }

        assertThat(served).isEqualTo(10);
        assertThat(count(tunnel, channel)).isEqualTo(5);
    }
}
