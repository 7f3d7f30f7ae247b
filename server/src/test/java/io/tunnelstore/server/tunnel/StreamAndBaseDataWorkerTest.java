package io.tunnelstore.server.tunnel;

import static io.tunnelstore.server.tunnel.BaseAndStreamWorkerTest.put;
import static io.tunnelstore.server.tunnel.TunnelTestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.model.StreamRecord;
import com.alicloud.openservices.tablestore.model.tunnel.ChannelStatus;
import com.alicloud.openservices.tablestore.model.tunnel.CreateTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.StartOffsetFlag;
import com.alicloud.openservices.tablestore.model.tunnel.StreamTunnelConfig;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelStage;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelType;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorker;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorkerConfig;
import io.tunnelstore.server.tunnel.RecordCollector.Received;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Official workers on Stream tunnels starting at EARLIEST and LATEST, and on a BaseData tunnel, all on one table at
 * once (the workers run in parallel to keep the test short).
 */
class StreamAndBaseDataWorkerTest {

    @TempDir
    Path dataDir;

    @Test
    void earliestLatestAndBaseDataTunnelsEachSeeTheirShareOfTheTable() throws Exception {
        try (TunnelTestServer ots = new TunnelTestServer(dataDir)) {
            ots.createTable("events");
            // the first tunnel enables the stream, so the rows written next are in the change log
            ots.tunnels.createTunnel(new CreateTunnelRequest("events", "enabler", TunnelType.Stream));
            for (long id = 0; id < 10; id++) {
                put(ots, "events", id, "before", id);
            }
            CreateTunnelRequest earliest = new CreateTunnelRequest("events", "earliest", TunnelType.Stream);
            earliest.setStreamTunnelConfig(new StreamTunnelConfig(StartOffsetFlag.EARLIEST));
            String earliestId = ots.tunnels.createTunnel(earliest).getTunnelId();
            String latestId = ots.tunnels.createTunnel(
                    new CreateTunnelRequest("events", "latest", TunnelType.Stream)).getTunnelId();
            String fullId = ots.tunnels.createTunnel(
                    new CreateTunnelRequest("events", "full", TunnelType.BaseData)).getTunnelId();
            for (long id = 10; id < 15; id++) {
                put(ots, "events", id, "after", id);
            }

            RecordCollector fromEarliest = new RecordCollector();
            RecordCollector fromLatest = new RecordCollector();
            RecordCollector fromBase = new RecordCollector();
            List<TunnelWorker> workers = new ArrayList<>();
            List<TunnelWorkerConfig> configs = new ArrayList<>();
            try {
                for (Object[] w : new Object[][] {{earliestId, fromEarliest}, {latestId, fromLatest},
                        {fullId, fromBase}}) {
                    TunnelWorkerConfig config = new TunnelWorkerConfig((RecordCollector) w[1]);
                    config.setHeartbeatIntervalInSec(5);
                    configs.add(config);
                    TunnelWorker worker = new TunnelWorker((String) w[0], ots.tunnels, config);
                    workers.add(worker);
                    worker.connectAndWorking();
                }
                await("EARLIEST sees all 15 puts", Duration.ofSeconds(45), () -> fromEarliest.size() >= 15);
                await("LATEST sees the 5 later puts", Duration.ofSeconds(45), () -> fromLatest.size() >= 5);
                await("BaseData tunnel reaches ProcessStream", Duration.ofSeconds(60), () ->
                        ots.describe("events", "full").getTunnelInfo().getStage() == TunnelStage.ProcessStream);

                assertThat(fromEarliest.all()).extracting(Received::id)
                        .containsExactlyElementsOf(LongStream.range(0, 15).boxed().toList());
                assertThat(fromLatest.all()).extracting(Received::id).containsExactly(10L, 11L, 12L, 13L, 14L);
                assertThat(fromEarliest.all()).allSatisfy(r ->
                        assertThat(r.record().getRecordType()).isEqualTo(StreamRecord.RecordType.PUT));
                // base data is read at consumption time: every current row, exactly once
                assertThat(fromBase.all()).extracting(Received::id).containsExactlyInAnyOrderElementsOf(
                        LongStream.range(0, 15).boxed().toList());
                assertThat(ots.describe("events", "full").getChannelInfos()).allSatisfy(c ->
                        assertThat(c.getChannelStatus()).isEqualTo(ChannelStatus.TERMINATED));

                put(ots, "events", 99, "live", 99);
                await("live change reaches both stream tunnels", Duration.ofSeconds(20),
                        () -> fromEarliest.size() == 16 && fromLatest.size() == 6);
                assertThat(fromBase.size()).isEqualTo(15);
            } finally {
                workers.forEach(TunnelWorker::shutdown);
                configs.forEach(TunnelWorkerConfig::shutdown);
            }
        }
    }
}
