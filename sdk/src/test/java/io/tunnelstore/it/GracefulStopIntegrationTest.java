package io.tunnelstore.it;

import static io.tunnelstore.it.ItServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.client.ChannelInfo;
import io.tunnelstore.client.CreateTableRequest;
import io.tunnelstore.client.CreateTunnelRequest;
import io.tunnelstore.client.PrimaryKeyType;
import io.tunnelstore.client.TunnelType;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.tunnel.SimpleProcessorFactory;
import io.tunnelstore.tunnel.TunnelDaemon;
import io.tunnelstore.tunnel.TunnelWorker;
import io.tunnelstore.tunnel.TunnelWorkerConfig;
import io.tunnelstore.tunnel.WorkerListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graceful stops against the real server: a stop racing with a failing callback still completes, and a channel
 * that finished just before the stop is TERMINATED on the server right after it (not re-opened by the next worker).
 */
class GracefulStopIntegrationTest {
    @TempDir
    Path dataDir;

    private final List<String> closes = new CopyOnWriteArrayList<>();

    private TunnelWorkerConfig.Builder config() {
        return TunnelWorkerConfig.builder().heartbeatInterval(Duration.ofSeconds(5))
                .heartbeatTimeout(Duration.ofSeconds(15)).closeOnJvmExit(false)
                .listener(new WorkerListener() {
                    @Override
                    public void channelClosed(String channelId, CloseReason reason) {
                        closes.add(reason.name());
                    }
                });
    }

    private static String baseTunnelOverRows(ItServer ots, int rows) {
        ots.tables.createTable(CreateTableRequest.builder("rows").addPrimaryKey("id", PrimaryKeyType.INTEGER).build());
        for (long id = 0; id < rows; id++) {
            ots.put("rows", id, Cell.put("v", ColumnValue.ofLong(id)));
        }
        return ots.tunnels.createTunnel(CreateTunnelRequest.of("rows", "p", TunnelType.BASE_DATA));
    }

    /**
     * The CLI's --max-records case: the callback is in flight when the daemon is closed, then throws (default
     * policy, release and resume). run() used to never return and the channel stayed OPEN under the dead client.
     */
    @Test
    void daemonCloseCompletesWhenTheInFlightCallbackThenThrows() throws Exception {
        try (ItServer ots = new ItServer(dataDir)) {
            String tunnelId = baseTunnelOverRows(ots, 5);
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch mayThrow = new CountDownLatch(1);
            TunnelWorkerConfig cfg = config().processorFactory(SimpleProcessorFactory.of(null, (ctx, records) -> {
                entered.countDown();
                try {
                    mayThrow.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("stop mid-batch");
            })).build();
            TunnelDaemon daemon = new TunnelDaemon(ots.tunnels, tunnelId, cfg);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread runner = new Thread(() -> {
                try {
                    daemon.run();
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "it-daemon");
            runner.start();
            try {
                assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
                daemon.close();       // the stop begins while process() is running ...
                mayThrow.countDown(); // ... and then process() throws
                runner.join(15_000);
                assertThat(runner.isAlive()).as("TunnelDaemon.run() returned after close()").isFalse();
                assertThat(failure.get()).isNull();
                assertThat(closes).containsExactly("SHUTDOWN");
                List<ChannelInfo> channels = ots.channels("rows", "p");
                assertThat(channels).hasSize(1);
                assertThat(channels.get(0).status()).isEqualTo(ChannelInfo.Status.WAIT);  // released: unowned, not ended
                assertThat(channels.get(0).ownerClientId()).isNullOrEmpty();
            } finally {
                mayThrow.countDown();
                daemon.close();
                runner.join(15_000);
            }
        }
    }

    /** A channel that ended locally is reported TERMINATED by the final heartbeat, before ShutdownTunnel. */
    @Test
    void channelFinishedJustBeforeCloseIsTerminatedOnTheServer() throws Exception {
        try (ItServer ots = new ItServer(dataDir)) {
            String tunnelId = baseTunnelOverRows(ots, 5);
            CountDownLatch finished = new CountDownLatch(1);
            TunnelWorkerConfig cfg = config().listener(new WorkerListener() {
                @Override
                public void channelClosed(String channelId, CloseReason reason) {
                    closes.add(reason.name());
                    if (reason == CloseReason.FINISHED) {
                        finished.countDown();
                    }
                }
            }).processorFactory(SimpleProcessorFactory.of(null, (ctx, records) -> { })).build();
            try (TunnelWorker worker = new TunnelWorker(ots.tunnels, tunnelId, cfg)) {
                worker.start();
                assertThat(finished.await(30, TimeUnit.SECONDS)).isTrue();
                // The next regular heartbeat is up to 5 s away: close before it.
                worker.close(Duration.ofSeconds(10));
                assertThat(worker.termination()).isCompleted();
            }
            List<ChannelInfo> channels = ots.channels("rows", "p");
            assertThat(channels).hasSize(1);
            assertThat(channels.get(0).status()).isEqualTo(ChannelInfo.Status.TERMINATED);
            assertThat(closes).containsExactly("FINISHED");
            await("no owner", Duration.ofSeconds(1), () -> ots.channels("rows", "p").get(0).ownerClientId() == null
                    || ots.channels("rows", "p").get(0).ownerClientId().isEmpty());
        }
    }
}
