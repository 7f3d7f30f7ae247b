package io.tunnelstore.server.partition;

import static io.tunnelstore.server.partition.SplitTestServer.INSTANCE;
import static io.tunnelstore.server.partition.SplitTestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.PrimaryKeyBuilder;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.tunnel.CreateTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelType;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorker;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorkerConfig;
import io.tunnelstore.server.partition.RecordingChannelProcessor.Received;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A BaseAndStream tunnel whose table splits after creation, before the base data is read: base channels (key
 * ranges, independent of partitions) deliver every row once; the stream phase then gets the changes made after
 * creation from the split children's channels, which the tunnel gained at runtime.
 */
class SplitDuringBasePhaseTest {

    private static final int KEYS = 40;

    @TempDir
    Path dir;

    private SplitTestServer ots;

    @BeforeEach
    void start() {
        ots = new SplitTestServer(dir);
        ots.createTable("orders", true);
    }

    @AfterEach
    void stop() {
        ots.close();
    }

    private void writeAll(long value) {
        for (long id = 0; id < KEYS; id++) {
            RowPutChange put = new RowPutChange("orders", PrimaryKeyBuilder.createPrimaryKeyBuilder()
                    .addPrimaryKeyColumn("id", PrimaryKeyValue.fromLong(id)).build());
            put.addColumn("v", ColumnValue.fromLong(value));
            ots.client.putRow(new PutRowRequest(put));
        }
    }

    private static long value(Received r) {
        return r.record().getColumns().get(0).getColumn().getValue().asLong();
    }

    @Test
    void baseChannelsAreUnaffectedAndChildChannelsCarryTheLaterChanges() throws Exception {
        writeAll(1);
        String tunnelId = ots.tunnels.createTunnel(new CreateTunnelRequest("orders", "sync",
                TunnelType.BaseAndStream)).getTunnelId();
        ots.tables.splitPartition(INSTANCE, "orders", 0, Optional.of(io.tunnelstore.protocol.model.ColumnValue
                .ofLong(20)));
        writeAll(2);

        RecordingChannelProcessor processor = new RecordingChannelProcessor();
        TunnelWorkerConfig config = new TunnelWorkerConfig(processor);
        config.setHeartbeatIntervalInSec(5);
        TunnelWorker worker = new TunnelWorker(tunnelId, ots.tunnels, config);
        try {
            worker.connectAndWorking();
            await("base rows and later changes", Duration.ofSeconds(90), () -> processor.size() >= 2 * KEYS);

            List<Received> all = processor.all();
            assertThat(all).hasSize(2 * KEYS);
            List<Received> base = all.stream().filter(r -> r.channelId().startsWith("BaseData_")).toList();
            List<Received> stream = all.stream().filter(r -> r.channelId().startsWith("Stream_")).toList();
            // base data is the snapshot taken at creation: every row once, with the value it had then (the later
            // writes come only from the stream: an exact hand-over, also across the split)
            assertThat(base).extracting(Received::id).containsExactlyInAnyOrderElementsOf(
                    LongStream.range(0, KEYS).boxed().toList());
            assertThat(base).allSatisfy(r -> assertThat(value(r)).isEqualTo(1));
            // the changes after creation, from the children (the parent had none after the creation point)
            assertThat(stream).extracting(Received::id).containsExactlyInAnyOrderElementsOf(
                    LongStream.range(0, KEYS).boxed().toList());
            assertThat(stream).allSatisfy(r -> {
                assertThat(value(r)).isEqualTo(2);
                assertThat(r.channelId()).isEqualTo(r.id() < 20 ? "Stream_2" : "Stream_3");
            });
            // every base record came before every stream record (the stream phase starts after the base phase)
            assertThat(all.subList(0, KEYS)).allSatisfy(r -> assertThat(r.channelId()).startsWith("BaseData_"));
        } finally {
            worker.shutdown();
            config.shutdown();
        }
    }
}
