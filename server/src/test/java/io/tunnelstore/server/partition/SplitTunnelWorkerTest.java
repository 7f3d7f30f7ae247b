package io.tunnelstore.server.partition;

import static io.tunnelstore.server.partition.SplitTestServer.INSTANCE;
import static io.tunnelstore.server.partition.SplitTestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.PrimaryKeyBuilder;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.tunnel.ChannelInfo;
import com.alicloud.openservices.tablestore.model.tunnel.ChannelStatus;
import com.alicloud.openservices.tablestore.model.tunnel.CreateTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.DescribeTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelType;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorker;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorkerConfig;
import io.tunnelstore.server.partition.RecordingChannelProcessor.Received;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An official {@code TunnelWorker} on a Stream tunnel while the table's partition splits twice: the tunnel gains a
 * channel per child shard, a drained parent channel finishes (TERMINATED) before its children open, and the worker
 * receives every change exactly once, per key in write order (parent's changes before the children's).
 */
class SplitTunnelWorkerTest {

    private static final int KEYS = 60;

    @TempDir
    Path dir;

    private SplitTestServer ots;

    @BeforeEach
    void start() {
        ots = new SplitTestServer(dir);
        ots.createTable("events", true);
    }

    @AfterEach
    void stop() {
        ots.close();
    }

    @Test
    void aStreamTunnelFollowsTwoSplitsWithEveryChangeOnceAndParentsFirst() throws Exception {
        String tunnelId = ots.tunnels.createTunnel(new CreateTunnelRequest("events", "cdc", TunnelType.Stream))
                .getTunnelId();
        RecordingChannelProcessor processor = new RecordingChannelProcessor();
        TunnelWorkerConfig config = new TunnelWorkerConfig(processor);
        config.setHeartbeatIntervalInSec(5);
        TunnelWorker worker = new TunnelWorker(tunnelId, ots.tunnels, config);
        try {
            worker.connectAndWorking();
            await("Stream_1 is open", Duration.ofSeconds(30), () -> status("Stream_1") == ChannelStatus.OPEN);

            writeAll(1);
            ots.tables.splitPartition(INSTANCE, "events", 0, Optional.of(
                    io.tunnelstore.protocol.model.ColumnValue.ofLong(30)));        // shard 1 -> 2 [.., 30), 3 [30, ..)
            writeAll(2);
            ots.tables.splitPartition(INSTANCE, "events", 1, Optional.of(
                    io.tunnelstore.protocol.model.ColumnValue.ofLong(45)));        // shard 3 -> 4 [30, 45), 5 [45, ..)
            writeAll(3);

            await("all " + 3 * KEYS + " changes delivered", Duration.ofSeconds(90),
                    () -> processor.size() >= 3 * KEYS);
            await("the closed parents' channels are TERMINATED", Duration.ofSeconds(30),
                    () -> status("Stream_1") == ChannelStatus.TERMINATED
                            && status("Stream_3") == ChannelStatus.TERMINATED);

            List<Received> all = processor.all();
            assertThat(all).hasSize(3 * KEYS);
            Map<Long, List<Long>> perKey = new TreeMap<>();
            for (Received r : all) {
                perKey.computeIfAbsent(r.id(), k -> new ArrayList<>())
                        .add(r.record().getColumns().get(0).getColumn().getValue().asLong());
            }
            Map<Long, List<Long>> expected = new TreeMap<>();
            for (long id = 0; id < KEYS; id++) {
                expected.put(id, List.of(1L, 2L, 3L));
            }
            assertThat(perKey).isEqualTo(expected);
            // each change came through the channel of the shard its partition had when it was written
            for (Received r : all) {
                long v = r.record().getColumns().get(0).getColumn().getValue().asLong();
                long id = r.id();
                String expectedChannel = v == 1 ? "Stream_1"
                        : v == 2 ? (id < 30 ? "Stream_2" : "Stream_3")
                        : id < 30 ? "Stream_2" : id < 45 ? "Stream_4" : "Stream_5";
                assertThat(r.channelId()).as("channel of id %d value %d", id, v).isEqualTo(expectedChannel);
            }
            assertThat(ots.tunnels.describeTunnel(new DescribeTunnelRequest("events", "cdc")).getChannelInfos()
                    .stream().collect(Collectors.toMap(ChannelInfo::getChannelId, ChannelInfo::getChannelStatus)))
                    .containsExactlyInAnyOrderEntriesOf(Map.of(
                            "Stream_1", ChannelStatus.TERMINATED, "Stream_2", ChannelStatus.OPEN,
                            "Stream_3", ChannelStatus.TERMINATED, "Stream_4", ChannelStatus.OPEN,
                            "Stream_5", ChannelStatus.OPEN));
        } finally {
            worker.shutdown();
            config.shutdown();
        }
    }

    private ChannelStatus status(String channelId) {
        return ots.tunnels.describeTunnel(new DescribeTunnelRequest("events", "cdc")).getChannelInfos().stream()
                .filter(c -> c.getChannelId().equals(channelId)).map(ChannelInfo::getChannelStatus)
                .findFirst().orElse(null);
    }

    private void writeAll(long value) {
        for (long id = 0; id < KEYS; id++) {
            RowPutChange put = new RowPutChange("events", PrimaryKeyBuilder.createPrimaryKeyBuilder()
                    .addPrimaryKeyColumn("id", PrimaryKeyValue.fromLong(id)).build());
            put.addColumn("v", ColumnValue.fromLong(value));
            ots.client.putRow(new PutRowRequest(put));
        }
    }
}
