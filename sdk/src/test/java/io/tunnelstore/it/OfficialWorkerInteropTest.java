package io.tunnelstore.it;

import static io.tunnelstore.it.ItServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.model.StreamRecord;
import com.alicloud.openservices.tablestore.tunnel.worker.IChannelProcessor;
import com.alicloud.openservices.tablestore.tunnel.worker.ProcessRecordsInput;
import io.tunnelstore.client.ChannelInfo;
import io.tunnelstore.client.CreateTunnelRequest;
import io.tunnelstore.client.TunnelType;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.tunnel.SimpleProcessorFactory;
import io.tunnelstore.tunnel.TunnelWorker;
import io.tunnelstore.tunnel.TunnelWorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our worker and the official Java SDK's {@code TunnelWorker} consume the same two-channel Stream tunnel at once: the
 * server splits the channels between them and together they deliver every record exactly once.
 */
class OfficialWorkerInteropTest {
    private static final String TABLE = "mixed";
    private static final String TUNNEL = "t";

    @TempDir
    Path dataDir;

    /** The official processor: records {@code channel,id,type} lines. */
    private static final class OfficialCollector implements IChannelProcessor {
        final List<String> received = new CopyOnWriteArrayList<>();

        @Override
        public void process(ProcessRecordsInput input) {
            for (StreamRecord r : input.getRecords()) {
                received.add(input.getChannelId() + ","
                        + r.getPrimaryKey().getPrimaryKeyColumn("id").getValue().asLong() + "," + r.getRecordType());
            }
        }

        @Override
        public void shutdown() {}

        Set<Long> ids() {
            return received.stream().map(l -> Long.parseLong(l.split(",")[1])).collect(Collectors.toSet());
        }
    }

    @Test
    void ourWorkerAndTheOfficialWorkerSplitTheChannelsAndDeliverEverything() throws Exception {
        try (ItServer ots = new ItServer(dataDir)) {
            ots.createPartitionedTable(TABLE, 100);
            String tunnelId = ots.tunnels.createTunnel(CreateTunnelRequest.of(TABLE, TUNNEL, TunnelType.STREAM));
            Deliveries ours = new Deliveries();
            TunnelWorkerConfig config = TunnelWorkerConfig.builder().heartbeatInterval(Duration.ofSeconds(5))
                    .heartbeatTimeout(Duration.ofSeconds(15)).clientTag("ours").closeOnJvmExit(false)
                    .processorFactory(SimpleProcessorFactory.of(null, (ctx, records) -> ours.add("ours", ctx, records)))
                    .build();
            OfficialCollector official = new OfficialCollector();
            com.alicloud.openservices.tablestore.TunnelClient officialClient =
                    new com.alicloud.openservices.tablestore.TunnelClient(ots.endpoint(), ItServer.AK, ItServer.SK,
                            ItServer.INSTANCE);
            com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorkerConfig officialConfig =
                    new com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorkerConfig(official);
            officialConfig.setHeartbeatIntervalInSec(5);
            officialConfig.setHeartbeatTimeoutInSec(15);
            officialConfig.setClientTag("official");
            com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorker officialWorker =
                    new com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorker(tunnelId, officialClient,
                            officialConfig);
            try (TunnelWorker worker = new TunnelWorker(ots.tunnels, tunnelId, config)) {
                worker.start();
                officialWorker.connectAndWorking();
                await("one channel each", Duration.ofSeconds(40), () -> {
                    List<ChannelInfo> channels = ots.channels(TABLE, TUNNEL);
                    Set<String> owners = channels.stream().map(ChannelInfo::ownerClientId)
                            .collect(Collectors.toSet());
                    return channels.stream().allMatch(c -> c.status() == ChannelInfo.Status.OPEN)
                            && owners.size() == 2 && owners.contains(worker.clientId())
                            && owners.stream().anyMatch(o -> o.startsWith("official"));
                });
                Set<Long> expected = new HashSet<>();
                for (long i = 0; i < 20; i++) {
                    ots.put(TABLE, i, Cell.put("v", ColumnValue.ofLong(i)));
                    ots.put(TABLE, 100 + i, Cell.put("v", ColumnValue.ofLong(i)));
                    expected.add(i);
                    expected.add(100 + i);
                }
                await("40 rows across both workers", Duration.ofSeconds(30), () -> {
                    Set<Long> all = new HashSet<>(ours.ids());
                    all.addAll(official.ids());
                    return all.equals(expected);
                });
                assertThat(ours.size()).isEqualTo(20);
                assertThat(official.received).hasSize(20).allSatisfy(l -> assertThat(l).endsWith(",PUT"));
                Set<Long> both = new HashSet<>(ours.ids());
                both.retainAll(official.ids());
                assertThat(both).as("rows delivered to both").isEmpty();
                // each side got exactly one partition: ids < 100 or ids >= 100
                Map<Boolean, Long> oursByPartition = ours.ids().stream()
                        .collect(Collectors.partitioningBy(id -> id < 100, Collectors.counting()));
                assertThat(oursByPartition.values()).containsExactlyInAnyOrder(0L, 20L);
            } finally {
                officialWorker.shutdown();
                officialConfig.shutdown();
                officialClient.shutdown();
            }
        }
    }
}
