package io.tunnelstore.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.protocol.pb.TunnelProtos.ReadRecordsResponse;
import io.tunnelstore.server.table.Partition;
import io.tunnelstore.server.table.TableDescriptor;
import io.tunnelstore.coordinator.TunnelDescription;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Base channels cover every partition, large partitions are cut, and each row is read by exactly one channel. */
class BaseChannelLayoutTest {

    @TempDir
    Path dir;

    private InProcessTunnels t;

    @BeforeEach
    void start() {
        t = new InProcessTunnels(dir, TunnelServiceConfig.builder()
                .baseSplitTargetBytes(1024)
                .maxRecordsPerRead(7)
                .longPollWait(Duration.ZERO)
                .build());
    }

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void everyRowOfEveryPartitionIsReadOnceInKeyOrderPerChannel() {
        TableDescriptor table = t.createTable("wide", 24, List.of(
                new Partition(0, null, ColumnValue.ofLong(100), 1),
                new Partition(1, ColumnValue.ofLong(100), null, 2)));
        for (long id = 0; id < 200; id++) {
            t.put(table, id, id);
        }
        String tunnel = t.create("wide", "full", TunnelProtos.TunnelType.BaseData, null);
        TunnelDescription d = t.describe(tunnel);
        List<String> channels = d.channels().stream().map(TunnelDescription.ChannelView::channelId).toList();
        assertThat(channels).anyMatch(id -> id.startsWith("BaseData_0000-"))
                .anyMatch(id -> id.startsWith("BaseData_0001-"));
        assertThat(channels.stream().filter(id -> id.startsWith("BaseData_0000-")).count())
                .as("200 rows over a 1 KiB split target: partition 0 is cut into pieces").isGreaterThan(1);

        String client = t.connect(tunnel);
        t.heartbeat(tunnel, client); // the sole client owns every channel, so it may checkpoint them
        Map<Long, String> readBy = new HashMap<>();
        for (String channel : channels) {
            String token = t.getCheckpoint(tunnel, client, channel).getCheckpoint();
            List<Long> ids = new ArrayList<>();
            int calls = 0;
            long sequence = 0;
            while (!token.equals("finished")) {
                ReadRecordsResponse r = t.read(tunnel, client, channel, token);
                assertThat(r.getRecordsCount()).isLessThanOrEqualTo(7);
                r.getRecordsList().forEach(rec -> {
                    assertThat(rec.getActionType()).isEqualTo(TunnelProtos.ActionType.PUT_ROW);
                    ids.add(PlainBufferCodec.decodeSingleRow(rec.getRecord().toByteArray())
                            .primaryKey().get(0).value().asLong());
                });
                token = r.getNextToken();
                // DescribeTunnel counts checkpointed rows
                InProcessTunnels.join(t.module.sessions().checkpoint(InProcessTunnels.INSTANCE,
                        TunnelProtos.CheckpointRequest.newBuilder().setTunnelId(tunnel).setClientId(client)
                                .setChannelId(channel).setCheckpoint(token).setSequenceNumber(++sequence).build()));
                assertThat(++calls).isLessThan(100);
            }
            assertThat(ids).isSorted();
            boolean firstPartition = channel.startsWith("BaseData_0000-");
            assertThat(ids).allSatisfy(id -> assertThat(id < 100).isEqualTo(firstPartition));
            for (long id : ids) {
                assertThat(readBy.put(id, channel)).as("row %d read twice", id).isNull();
            }
        }
        assertThat(readBy.keySet()).containsExactlyInAnyOrderElementsOf(LongStream.range(0, 200).boxed().toList());
        assertThat(t.describe(tunnel).channels().stream().mapToLong(TunnelDescription.ChannelView::consumedCount)
                .sum()).isEqualTo(200);
    }
}
