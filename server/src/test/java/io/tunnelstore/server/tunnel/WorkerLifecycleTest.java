package io.tunnelstore.server.tunnel;

import static io.tunnelstore.server.tunnel.BaseAndStreamWorkerTest.pk;
import static io.tunnelstore.server.tunnel.BaseAndStreamWorkerTest.put;
import static io.tunnelstore.server.tunnel.TunnelTestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.DeleteRowRequest;
import com.alicloud.openservices.tablestore.model.RowDeleteChange;
import com.alicloud.openservices.tablestore.model.RowUpdateChange;
import com.alicloud.openservices.tablestore.model.StreamRecord;
import com.alicloud.openservices.tablestore.model.UpdateRowRequest;
import com.alicloud.openservices.tablestore.model.tunnel.CreateTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.DeleteTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelType;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorker;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorkerConfig;
import io.tunnelstore.server.tunnel.RecordCollector.Received;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Official workers across a tunnel deletion and a server restart. */
class WorkerLifecycleTest {

    @TempDir
    Path dataDir;

    /** The official worker's lifecycle status (WORKER_READY/STARTED/ENDED/HALT), read from its private field. */
    static String status(TunnelWorker worker) throws ReflectiveOperationException {
        Field f = TunnelWorker.class.getDeclaredField("workerStatus");
        f.setAccessible(true);
        return String.valueOf(((AtomicReference<?>) f.get(worker)).get());
    }

    @Test
    void deletingTheTunnelStopsARunningWorker() throws Exception {
        try (TunnelTestServer ots = new TunnelTestServer(dataDir)) {
            ots.createTable("doomed");
            String id = ots.tunnels.createTunnel(new CreateTunnelRequest("doomed", "t", TunnelType.Stream))
                    .getTunnelId();
            RecordCollector collector = new RecordCollector();
            TunnelWorkerConfig config = new TunnelWorkerConfig(collector);
            config.setHeartbeatIntervalInSec(5);
            TunnelWorker worker = new TunnelWorker(id, ots.tunnels, config);
            try {
                worker.connectAndWorking();
                put(ots, "doomed", 1, "x", 1);
                await("first change", Duration.ofSeconds(30), () -> collector.size() == 1);
                assertThat(status(worker)).isEqualTo("WORKER_STARTED");

                ots.tunnels.deleteTunnel(new DeleteTunnelRequest("doomed", "t"));
                // the next heartbeat gets OTSParameterInvalid "tunnel not exist": the worker halts for good
                await("worker halted", Duration.ofSeconds(20), () -> {
                    try {
                        return status(worker).equals("WORKER_HALT");
                    } catch (ReflectiveOperationException e) {
                        throw new AssertionError(e);
                    }
                });
                assertThat(collector.shutdowns()).isGreaterThanOrEqualTo(1);
            } finally {
                worker.shutdown();
                config.shutdown();
            }
        }
    }

    @Test
    void aServerRestartDuringConsumptionLosesNothing() throws Exception {
        try (TunnelTestServer ots = new TunnelTestServer(dataDir)) {
            ots.createTable("durable");
            for (long id = 0; id < 300; id++) {
                put(ots, "durable", id, "v" + id, id);
            }
            String tunnelId = ots.tunnels.createTunnel(
                    new CreateTunnelRequest("durable", "t", TunnelType.BaseAndStream)).getTunnelId();
            RecordCollector collector = new RecordCollector().holdAfter(50);
            TunnelWorkerConfig config = new TunnelWorkerConfig(collector);
            config.setHeartbeatIntervalInSec(5);
            TunnelWorker worker = new TunnelWorker(tunnelId, ots.tunnels, config);
            try {
                worker.connectAndWorking();
                await("first base batches", Duration.ofSeconds(30), () -> collector.size() >= 50);

                ots.restart();
                // changes made after the restart, while the worker is still catching up on base data
                put(ots, "durable", 1000, "new", 1);
                RowUpdateChange update = new RowUpdateChange("durable", pk(5));
                update.put("amount", ColumnValue.fromLong(55));
                ots.client.updateRow(new UpdateRowRequest(update));
                ots.client.deleteRow(new DeleteRowRequest(new RowDeleteChange("durable", pk(6))));
                collector.resume();

                await("every base row and every change", Duration.ofSeconds(90), () -> {
                    List<Received> all = collector.all();
                    Set<Long> base = all.stream().filter(r -> r.channelId().startsWith("BaseData_"))
                            .map(Received::id).collect(Collectors.toSet());
                    long changes = all.stream().filter(r -> r.channelId().startsWith("Stream_")).count();
                    return changes >= 3 && base.containsAll(LongStream.range(0, 300).filter(i -> i != 6)
                            .boxed().toList());
                });
                List<Received> changes = collector.all().stream()
                        .filter(r -> r.channelId().startsWith("Stream_")).toList();
                assertThat(changes).extracting(Received::id).containsExactly(1000L, 5L, 6L);
                assertThat(changes).extracting(r -> r.record().getRecordType()).containsExactly(
                        StreamRecord.RecordType.PUT, StreamRecord.RecordType.UPDATE, StreamRecord.RecordType.DELETE);
                // the base rows read before the restart were not lost; replays after it are allowed (at-least-once)
                Set<Long> firstBatch = new TreeSet<>(collector.all().subList(0, 50).stream().map(Received::id).toList());
                assertThat(firstBatch).hasSize(50);
            } finally {
                collector.resume();
                worker.shutdown();
                config.shutdown();
            }
        }
    }
}
