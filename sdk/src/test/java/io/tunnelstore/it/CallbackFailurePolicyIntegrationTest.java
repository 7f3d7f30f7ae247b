package io.tunnelstore.it;

import static io.tunnelstore.it.ItServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.client.CreateTableRequest;
import io.tunnelstore.client.CreateTunnelRequest;
import io.tunnelstore.client.PrimaryKeyType;
import io.tunnelstore.client.TunnelType;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.server.tunnel.TunnelServiceConfig;
import io.tunnelstore.tunnel.CallbackFailurePolicy;
import io.tunnelstore.tunnel.SimpleProcessorFactory;
import io.tunnelstore.tunnel.StreamRecord;
import io.tunnelstore.tunnel.TunnelWorker;
import io.tunnelstore.tunnel.TunnelWorkerConfig;
import io.tunnelstore.tunnel.WorkerListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CallbackFailurePolicy} against the real server. A BaseData tunnel over rows 0..29 read 10 rows per batch
 * ([0-9], [10-19], [20-29]); the callback throws on the batch holding row 15. Counts every call ("attempts") and every
 * successful one ("successes") per row.
 */
class CallbackFailurePolicyIntegrationTest {
    private static final TunnelServiceConfig TEN_PER_READ = TunnelServiceConfig.builder().maxRecordsPerRead(10)
            .longPollWait(Duration.ofSeconds(1)).tickInterval(Duration.ofMillis(200)).build();

    @TempDir
    Path dataDir;

    private final Map<Long, Integer> attempts = new TreeMap<>();
    private final Map<Long, Integer> successes = new TreeMap<>();
    private final List<String> closes = new CopyOnWriteArrayList<>();
    private final AtomicInteger batchFailures = new AtomicInteger();
    private final AtomicInteger throwsLeft = new AtomicInteger();

    @BeforeEach
    void reset() {
        attempts.clear();
        successes.clear();
    }

    /** Runs the tunnel to its end with {@code policy}; the batch holding row 15 throws {@code failures} times. */
    private void consume(CallbackFailurePolicy policy, int failures) {
        throwsLeft.set(failures);
        try (ItServer ots = new ItServer(dataDir, TEN_PER_READ)) {
            ots.tables.createTable(CreateTableRequest.builder("rows").addPrimaryKey("id", PrimaryKeyType.INTEGER)
                    .build());
            for (long id = 0; id < 30; id++) {
                ots.put("rows", id, Cell.put("v", ColumnValue.ofLong(id)));
            }
            String tunnelId = ots.tunnels.createTunnel(CreateTunnelRequest.of("rows", "p", TunnelType.BASE_DATA));
            TunnelWorkerConfig config = TunnelWorkerConfig.builder().heartbeatInterval(Duration.ofSeconds(5))
                    .heartbeatTimeout(Duration.ofSeconds(15)).closeOnJvmExit(false).callbackFailurePolicy(policy)
                    .listener(new WorkerListener() {
                        @Override
                        public void channelClosed(String channelId, CloseReason reason) {
                            closes.add(reason.name());
                        }

                        @Override
                        public void batchFailed(String channelId, Throwable error) {
                            batchFailures.incrementAndGet();
                        }
                    })
                    .processorFactory(SimpleProcessorFactory.of(null, (ctx, records) -> {
                        synchronized (attempts) {
                            records.forEach(r -> attempts.merge(id(r), 1, Integer::sum));
                        }
                        if (records.stream().anyMatch(r -> id(r) == 15) && throwsLeft.getAndDecrement() > 0) {
                            throw new IllegalStateException("simulated failure in the batch of row 15");
                        }
                        synchronized (attempts) {
                            records.forEach(r -> successes.merge(id(r), 1, Integer::sum));
                        }
                    }))
                    .build();
            try (TunnelWorker worker = new TunnelWorker(ots.tunnels, tunnelId, config)) {
                worker.start();
                await("the base channel finished", Duration.ofSeconds(40), () -> closes.contains("FINISHED"));
            }
        }
    }

    private static long id(StreamRecord r) {
        return r.primaryKey().get(0).value().asLong();
    }

    private static Map<Long, Integer> counts(int first, int second, int third) {
        Map<Long, Integer> m = new TreeMap<>();
        for (long id = 0; id < 30; id++) {
            int n = id < 10 ? first : id < 20 ? second : third;
            if (n > 0) {
                m.put(id, n);
            }
        }
        return m;
    }

    @Test
    void releaseAndResumeRedeliversTheFailedBatchFromTheLastCheckpoint() {
        consume(CallbackFailurePolicy.releaseAndResume(), 1);
        synchronized (attempts) {
            assertThat(attempts).isEqualTo(counts(1, 2, 1));
            assertThat(successes).isEqualTo(counts(1, 1, 1));
        }
        assertThat(batchFailures.get()).isEqualTo(1);
        assertThat(closes).containsExactly("FAILED", "FINISHED");
    }

    @Test
    void skipTreatsTheFailedBatchAsProcessed() {
        consume(CallbackFailurePolicy.skip(), Integer.MAX_VALUE);
        synchronized (attempts) {
            assertThat(attempts).isEqualTo(counts(1, 1, 1));
            assertThat(successes).isEqualTo(counts(1, 0, 1));
        }
        assertThat(batchFailures.get()).isEqualTo(1);
        assertThat(closes).containsExactly("FINISHED");
    }

    @Test
    void retryDeliversTheSameBatchAgainUntilItSucceeds() {
        consume(CallbackFailurePolicy.retry(3, Duration.ofMillis(100)), 2);
        synchronized (attempts) {
            assertThat(attempts).isEqualTo(counts(1, 3, 1));
            assertThat(successes).isEqualTo(counts(1, 1, 1));
        }
        assertThat(batchFailures.get()).isEqualTo(2);
        assertThat(closes).containsExactly("FINISHED");
    }
}
