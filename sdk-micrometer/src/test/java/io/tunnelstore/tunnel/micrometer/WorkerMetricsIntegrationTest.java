package io.tunnelstore.tunnel.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tunnelstore.client.ClientConfig;
import io.tunnelstore.client.CreateTableRequest;
import io.tunnelstore.client.CreateTunnelRequest;
import io.tunnelstore.client.PrimaryKeyType;
import io.tunnelstore.client.RowPutChange;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.client.TunnelType;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.server.InProcessServer;
import io.tunnelstore.server.table.TableModule;
import io.tunnelstore.server.tunnel.TunnelModule;
import io.tunnelstore.server.tunnel.TunnelServiceConfig;
import io.tunnelstore.tunnel.SimpleProcessorFactory;
import io.tunnelstore.tunnel.TunnelWorker;
import io.tunnelstore.tunnel.TunnelWorkerConfig;
import io.tunnelstore.tunnel.WorkerListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listener on a real {@link TunnelWorker} against the real server in-process: a BaseData tunnel over N rows is
 * consumed to the end and the meters show exactly N records, at least one committed checkpoint, one session and one
 * channel that opened and finished.
 */
class WorkerMetricsIntegrationTest {
    private static final String AK = "it-admin-key";
    private static final String SK = "it-admin-secret";
    private static final int ROWS = 137;

    @TempDir
    Path dataDir;

    @Test
    void baseDataTunnelOfNRowsCountsExactlyNRecords() throws Exception {
        InProcessServer server = InProcessServer.builder(dataDir).adminKey(AK, SK)
                .module(TableModule::new)
                .module(ctx -> new TunnelModule(ctx, TunnelServiceConfig.builder()
                        .longPollWait(Duration.ofSeconds(1)).tickInterval(Duration.ofMillis(200)).build()))
                .start();
        ClientConfig client = ClientConfig.builder().endpoint(server.endpoint())
                .instanceName("tunnelstore").credentials(AK, SK).callTimeout(Duration.ofSeconds(20)).build();
        try (server; TableClient tables = TableClient.create(client); TunnelClient tunnels = TunnelClient.create(client)) {
            tables.createTable(CreateTableRequest.builder("rows").addPrimaryKey("id", PrimaryKeyType.INTEGER).build());
            for (long id = 0; id < ROWS; id++) {
                tables.putRow(RowPutChange.of("rows", PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.ofLong(id))),
                        List.of(Cell.put("v", ColumnValue.ofLong(id)))));
            }
            String tunnelId = tunnels.createTunnel(CreateTunnelRequest.of("rows", "metrics", TunnelType.BASE_DATA));

            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            CountDownLatch finished = new CountDownLatch(1);
            AtomicLong delivered = new AtomicLong();
            MicrometerWorkerListener metrics = MicrometerWorkerListener.builder(registry).tunnelId(tunnelId)
                    .delegate(new WorkerListener() {
                        @Override
                        public void channelClosed(String channelId, CloseReason reason) {
                            if (reason == CloseReason.FINISHED) {
                                finished.countDown();
                            }
                        }
                    }).build();
            TunnelWorkerConfig config = TunnelWorkerConfig.builder().heartbeatInterval(Duration.ofSeconds(5))
                    .heartbeatTimeout(Duration.ofSeconds(15)).closeOnJvmExit(false).listener(metrics)
                    .processorFactory(SimpleProcessorFactory.of(null,
                            (ctx, records) -> delivered.addAndGet(records.size())))
                    .build();
            try (TunnelWorker worker = new TunnelWorker(tunnels, tunnelId, config)) {
                worker.start();
                assertThat(finished.await(60, TimeUnit.SECONDS)).as("the base channel finished").isTrue();
                worker.close(Duration.ofSeconds(10));
                worker.termination().get(15, TimeUnit.SECONDS); // workerStopped is reported before this completes
            }

            assertThat(delivered.get()).isEqualTo(ROWS);
            assertThat(registry.get(MeterNames.RECORDS).tags("tunnel_id", tunnelId).counter().count())
                    .isEqualTo((double) ROWS);
            assertThat(registry.get(MeterNames.CHECKPOINTS).tags("outcome", "committed").counter().count())
                    .isGreaterThan(0.0);
            assertThat(registry.get(MeterNames.BATCHES).tags("outcome", "failed").counter().count()).isEqualTo(0.0);
            assertThat(registry.get(MeterNames.BATCH_DURATION).timer().count()).isEqualTo(
                    (long) registry.get(MeterNames.BATCHES).tags("outcome", "processed").counter().count());
            assertThat(registry.get(MeterNames.SESSIONS).tags("event", "connected").counter().count()).isEqualTo(1.0);
            assertThat(registry.get(MeterNames.CHANNELS_OPENED).counter().count()).isEqualTo(1.0);
            assertThat(registry.get(MeterNames.CHANNELS_CLOSED).tags("reason", "finished").counter().count())
                    .isEqualTo(1.0);
            assertThat(registry.get(MeterNames.CHANNELS_OWNED).gauge().value()).isEqualTo(0.0);
            assertThat(registry.get(MeterNames.STOPS).tags("cause", "requested").counter().count()).isEqualTo(1.0);
        }
    }
}
