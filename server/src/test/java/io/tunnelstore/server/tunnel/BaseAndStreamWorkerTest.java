package io.tunnelstore.server.tunnel;

import static io.tunnelstore.server.tunnel.TunnelTestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.model.Column;
import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.DeleteRowRequest;
import com.alicloud.openservices.tablestore.model.PrimaryKey;
import com.alicloud.openservices.tablestore.model.PrimaryKeyBuilder;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.RecordColumn;
import com.alicloud.openservices.tablestore.model.RowDeleteChange;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.RowUpdateChange;
import com.alicloud.openservices.tablestore.model.StreamRecord;
import com.alicloud.openservices.tablestore.model.UpdateRowRequest;
import com.alicloud.openservices.tablestore.model.tunnel.ChannelInfo;
import com.alicloud.openservices.tablestore.model.tunnel.ChannelStatus;
import com.alicloud.openservices.tablestore.model.tunnel.ChannelType;
import com.alicloud.openservices.tablestore.model.tunnel.CreateTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.DescribeTunnelResponse;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelStage;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelType;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorker;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorkerConfig;
import io.tunnelstore.server.tunnel.RecordCollector.Received;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One official {@link TunnelWorker} on a BaseAndStream tunnel: the base data exactly once, then the changes with
 * their action types and columns, in order per key; DescribeTunnel shows the stages and channel owners.
 */
class BaseAndStreamWorkerTest {

    @TempDir
    Path dataDir;

    static PrimaryKey pk(long id) {
        return PrimaryKeyBuilder.createPrimaryKeyBuilder()
                .addPrimaryKeyColumn("id", PrimaryKeyValue.fromLong(id)).build();
    }

    static void put(TunnelTestServer ots, String table, long id, String name, long amount) {
        RowPutChange put = new RowPutChange(table, pk(id));
        put.addColumn("name", ColumnValue.fromString(name));
        put.addColumn("amount", ColumnValue.fromLong(amount));
        ots.client.putRow(new PutRowRequest(put));
    }

    @Test
    void deliversBaseDataOnceThenEveryChangeInOrder() throws Exception {
        try (TunnelTestServer ots = new TunnelTestServer(dataDir)) {
            ots.createTable("orders");
            for (long id = 0; id < 120; id++) {
                put(ots, "orders", id, "name-" + id, id * 10);
            }
            String tunnelId = ots.tunnels.createTunnel(
                    new CreateTunnelRequest("orders", "sync", TunnelType.BaseAndStream)).getTunnelId();

            DescribeTunnelResponse before = ots.describe("orders", "sync");
            assertThat(before.getTunnelInfo().getTunnelId()).isEqualTo(tunnelId);
            assertThat(before.getTunnelInfo().getTunnelType()).isEqualTo(TunnelType.BaseAndStream);
            assertThat(before.getTunnelInfo().getStage()).isEqualTo(TunnelStage.ProcessBaseData);
            assertThat(before.getTunnelInfo().getInstanceName()).isEqualTo(TunnelTestServer.INSTANCE);
            List<ChannelInfo> baseChannels = before.getChannelInfos().stream()
                    .filter(c -> c.getChannelType() == ChannelType.BaseData).toList();
            List<ChannelInfo> streamChannels = before.getChannelInfos().stream()
                    .filter(c -> c.getChannelType() == ChannelType.Stream).toList();
            // 120 small rows over a 2 KiB split target: the single partition is read by several base channels
            assertThat(baseChannels.size()).isGreaterThan(1);
            assertThat(streamChannels).hasSize(1);
            assertThat(before.getChannelInfos()).allSatisfy(c -> {
                assertThat(c.getChannelStatus()).isEqualTo(ChannelStatus.WAIT);
                assertThat(c.getClientId()).isEmpty();
            });

            RecordCollector collector = new RecordCollector();
            TunnelWorkerConfig config = new TunnelWorkerConfig(collector);
            config.setHeartbeatIntervalInSec(5);
            TunnelWorker worker = new TunnelWorker(tunnelId, ots.tunnels, config);
            try {
                worker.connectAndWorking();
                await("120 base rows", Duration.ofSeconds(60), () -> collector.size() >= 120);

                // while base channels are consumed, every one is owned by the single worker
                DescribeTunnelResponse during = ots.describe("orders", "sync");
                String owner = during.getChannelInfos().stream().map(ChannelInfo::getClientId)
                        .filter(s -> !s.isEmpty()).findFirst().orElseThrow();

                await("stage ProcessStream", Duration.ofSeconds(60), () ->
                        ots.describe("orders", "sync").getTunnelInfo().getStage() == TunnelStage.ProcessStream);
                List<Received> base = collector.all().subList(0, 120);
                assertThat(base).allSatisfy(r -> {
                    assertThat(r.record().getRecordType()).isEqualTo(StreamRecord.RecordType.PUT);
                    assertThat(r.channelId()).startsWith("BaseData_");
                    assertThat(r.record().getSequenceInfo().getTimestamp()).isZero();
                });
                assertThat(base.stream().map(Received::id).sorted().toList())
                        .isEqualTo(java.util.stream.LongStream.range(0, 120).boxed().toList());
                StreamRecord row7 = base.stream().filter(r -> r.id() == 7).findFirst().orElseThrow().record();
                assertThat(columns(row7)).isEqualTo(Map.of("amount", "70", "name", "name-7"));
                assertThat(row7.getColumns()).allSatisfy(c -> {
                    assertThat(c.getColumnType()).isEqualTo(RecordColumn.ColumnType.PUT);
                    assertThat(c.getColumn().getTimestamp()).isPositive();
                });

                // stream phase: the stream channel is owned by the same worker
                await("stream channel OPEN", Duration.ofSeconds(30), () -> ots.describe("orders", "sync")
                        .getChannelInfos().stream().anyMatch(c -> c.getChannelType() == ChannelType.Stream
                                && c.getChannelStatus() == ChannelStatus.OPEN && c.getClientId().equals(owner)));
                DescribeTunnelResponse streaming = ots.describe("orders", "sync");
                assertThat(streaming.getChannelInfos().stream().filter(c -> c.getChannelType() == ChannelType.BaseData))
                        .allSatisfy(c -> assertThat(c.getChannelStatus()).isEqualTo(ChannelStatus.TERMINATED));

                put(ots, "orders", 500, "new", 1);
                RowUpdateChange update = new RowUpdateChange("orders", pk(3));
                update.put("amount", ColumnValue.fromLong(31));
                update.deleteColumns("name");
                ots.client.updateRow(new UpdateRowRequest(update));
                ots.client.deleteRow(new DeleteRowRequest(new RowDeleteChange("orders", pk(4))));
                put(ots, "orders", 500, "newer", 2);

                await("4 change records", Duration.ofSeconds(30), () -> collector.size() >= 124);
                List<Received> changes = collector.all().subList(120, collector.size());
                assertThat(changes).hasSize(4);
                assertThat(changes).allSatisfy(r -> {
                    assertThat(r.channelId()).startsWith("Stream_");
                    assertThat(r.record().getSequenceInfo().getTimestamp()).isPositive();
                });
                assertThat(changes.stream().map(r -> r.record().getRecordType()).toList()).containsExactly(
                        StreamRecord.RecordType.PUT, StreamRecord.RecordType.UPDATE, StreamRecord.RecordType.DELETE,
                        StreamRecord.RecordType.PUT);
                assertThat(changes.stream().map(Received::id).toList()).containsExactly(500L, 3L, 4L, 500L);
                assertThat(columns(changes.get(0).record())).isEqualTo(Map.of("amount", "1", "name", "new"));
                assertThat(columns(changes.get(3).record())).isEqualTo(Map.of("amount", "2", "name", "newer"));
                List<RecordColumn> updated = changes.get(1).record().getColumns();
                assertThat(updated).extracting(c -> c.getColumn().getName() + ":" + c.getColumnType())
                        .containsExactlyInAnyOrder("amount:PUT", "name:DELETE_ALL_VERSION");
                assertThat(changes.get(2).record().getColumns()).isEmpty();
                // sequence info orders the records like the log
                assertThat(changes.stream().map(r -> r.record().getSequenceInfo().getRowIndex()).toList())
                        .isSorted();

                await("channel counts", Duration.ofSeconds(10), () -> ots.describe("orders", "sync")
                        .getChannelInfos().stream().mapToLong(ChannelInfo::getChannelCount).sum() == 124);
            } finally {
                worker.shutdown();
                config.shutdown();
            }
        }
    }

    /** name → value text of a record's put columns. */
    static Map<String, String> columns(StreamRecord r) {
        return r.getColumns().stream().map(RecordColumn::getColumn)
                .collect(Collectors.toMap(Column::getName, c -> c.getValue().toString(), (a, b) -> a, TreeMap::new));
    }
}
