package io.tunnelstore.tunnel.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tunnelstore.tunnel.WorkerListener;
import io.tunnelstore.tunnel.WorkerListener.CloseReason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MicrometerWorkerListenerTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerWorkerListener listener = MicrometerWorkerListener.builder(registry).tunnelId("t-1")
            .tags(Tags.of("app", "orders")).build();

    private double count(String name, String... tags) {
        return registry.get(name).tags("tunnel_id", "t-1", "app", "orders").tags(tags).counter().count();
    }

    private double owned() {
        return registry.get(MeterNames.CHANNELS_OWNED).tags("tunnel_id", "t-1").gauge().value();
    }

    @Test
    void allMetersExistAtZeroBeforeTheFirstEvent() {
        assertThat(count(MeterNames.RECORDS)).isEqualTo(0.0);
        assertThat(count(MeterNames.BATCHES, "outcome", "processed")).isEqualTo(0.0);
        assertThat(count(MeterNames.BATCHES, "outcome", "failed")).isEqualTo(0.0);
        assertThat(count(MeterNames.CHECKPOINTS, "outcome", "committed")).isEqualTo(0.0);
        assertThat(count(MeterNames.CHECKPOINTS, "outcome", "failed")).isEqualTo(0.0);
        assertThat(count(MeterNames.HEARTBEAT_FAILURES)).isEqualTo(0.0);
        assertThat(count(MeterNames.SESSIONS, "event", "connected")).isEqualTo(0.0);
        assertThat(count(MeterNames.SESSIONS, "event", "expired")).isEqualTo(0.0);
        assertThat(count(MeterNames.CHANNELS_OPENED)).isEqualTo(0.0);
        for (String reason : List.of("released", "failed", "lost", "finished", "shutdown")) {
            assertThat(count(MeterNames.CHANNELS_CLOSED, "reason", reason)).isEqualTo(0.0);
        }
        assertThat(count(MeterNames.STOPS, "cause", "requested")).isEqualTo(0.0);
        assertThat(owned()).isEqualTo(0.0);
        // 1 records + 2 batches + 1 timer + 2 checkpoints + 1 heartbeat + 2 sessions + 1 opened + 5 closed
        // + 2 stops + 1 gauge
        assertThat(registry.getMeters()).hasSize(18);
        for (Meter m : registry.getMeters()) {
            assertThat(m.getId().getTag("tunnel_id")).isEqualTo("t-1");
            assertThat(m.getId().getTag("app")).isEqualTo("orders");
            assertThat(m.getId().getTag("channel.id")).isNull();
        }
    }

    @Test
    void batchesCountRecordsAndTimeTheCallback() {
        listener.batchProcessed("c1", 10, Duration.ofMillis(30));
        listener.batchProcessed("c2", 5, Duration.ofMillis(10));
        listener.batchProcessed("c1", 0, Duration.ofMillis(2));
        listener.batchFailed("c1", new IllegalStateException("boom"));

        assertThat(count(MeterNames.RECORDS)).isEqualTo(15.0);
        assertThat(count(MeterNames.BATCHES, "outcome", "processed")).isEqualTo(3.0);
        assertThat(count(MeterNames.BATCHES, "outcome", "failed")).isEqualTo(1.0);
        Timer timer = registry.get(MeterNames.BATCH_DURATION).tags("tunnel_id", "t-1").timer();
        assertThat(timer.count()).isEqualTo(3);
        assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(42.0);
        assertThat(timer.max(TimeUnit.MILLISECONDS)).isEqualTo(30.0);
    }

    @Test
    void checkpointsHeartbeatsSessionsAndStopsAreCounted() {
        listener.connected("t-1", "client-a");
        listener.checkpointCommitted("c1", "tok1", 1);
        listener.checkpointCommitted("c1", "tok2", 2);
        listener.checkpointFailed("c1", new RuntimeException("x"));
        listener.heartbeatFailed("t-1", new RuntimeException("hb"));
        listener.heartbeatFailed("t-1", new RuntimeException("hb"));
        listener.sessionExpired("t-1", "client-a", "timeout");
        listener.connected("t-1", "client-b");
        listener.workerStopped("t-1", null);

        assertThat(count(MeterNames.CHECKPOINTS, "outcome", "committed")).isEqualTo(2.0);
        assertThat(count(MeterNames.CHECKPOINTS, "outcome", "failed")).isEqualTo(1.0);
        assertThat(count(MeterNames.HEARTBEAT_FAILURES)).isEqualTo(2.0);
        assertThat(count(MeterNames.SESSIONS, "event", "connected")).isEqualTo(2.0);
        assertThat(count(MeterNames.SESSIONS, "event", "expired")).isEqualTo(1.0);
        assertThat(count(MeterNames.STOPS, "cause", "requested")).isEqualTo(1.0);
        assertThat(count(MeterNames.STOPS, "cause", "failed")).isEqualTo(0.0);
    }

    @Test
    void ownedGaugeFollowsOpenAndCloseAndCloseCountersCarryTheReason() {
        listener.channelOpened("c1");
        listener.channelOpened("c2");
        listener.channelOpened("c3");
        assertThat(owned()).isEqualTo(3.0);
        listener.channelClosed("c1", CloseReason.FINISHED);
        listener.channelClosed("c2", CloseReason.LOST);
        assertThat(owned()).isEqualTo(1.0);
        listener.channelOpened("c2");          // re-assigned later
        listener.channelClosed("c2", CloseReason.RELEASED);
        listener.channelClosed("c3", CloseReason.SHUTDOWN);
        listener.channelClosed("c9", CloseReason.FAILED); // never opened here: counted, gauge stays >= 0
        assertThat(owned()).isEqualTo(0.0);

        assertThat(count(MeterNames.CHANNELS_OPENED)).isEqualTo(4.0);
        assertThat(count(MeterNames.CHANNELS_CLOSED, "reason", "finished")).isEqualTo(1.0);
        assertThat(count(MeterNames.CHANNELS_CLOSED, "reason", "lost")).isEqualTo(1.0);
        assertThat(count(MeterNames.CHANNELS_CLOSED, "reason", "released")).isEqualTo(1.0);
        assertThat(count(MeterNames.CHANNELS_CLOSED, "reason", "shutdown")).isEqualTo(1.0);
        assertThat(count(MeterNames.CHANNELS_CLOSED, "reason", "failed")).isEqualTo(1.0);
    }

    @Test
    void everyEventReachesTheDelegateAfterTheMeters() {
        List<String> seen = new CopyOnWriteArrayList<>();
        MeterRegistry r = new SimpleMeterRegistry();
        WorkerListener chained = MicrometerWorkerListener.builder(r).delegate(new WorkerListener() {
            @Override
            public void connected(String tunnelId, String clientId) {
                seen.add("connected " + tunnelId + " " + clientId);
            }

            @Override
            public void sessionExpired(String tunnelId, String clientId, String reason) {
                seen.add("expired " + clientId + " " + reason);
            }

            @Override
            public void heartbeatFailed(String tunnelId, Throwable error) {
                seen.add("heartbeatFailed " + error.getMessage());
            }

            @Override
            public void channelOpened(String channelId) {
                seen.add("opened " + channelId);
            }

            @Override
            public void channelClosed(String channelId, CloseReason reason) {
                seen.add("closed " + channelId + " " + reason);
            }

            @Override
            public void batchProcessed(String channelId, int records, Duration elapsed) {
                // the records counter is already updated when the delegate runs
                seen.add("batch " + channelId + " " + records + " total="
                        + r.get(MeterNames.RECORDS).counter().count());
            }

            @Override
            public void batchFailed(String channelId, Throwable error) {
                seen.add("batchFailed " + channelId);
            }

            @Override
            public void checkpointCommitted(String channelId, String token, long sequence) {
                seen.add("checkpoint " + channelId + " " + token + " " + sequence);
            }

            @Override
            public void checkpointFailed(String channelId, Throwable error) {
                seen.add("checkpointFailed " + channelId);
            }

            @Override
            public void workerStopped(String tunnelId, Throwable cause) {
                seen.add("stopped " + cause.getMessage());
            }
        }).build();

        chained.connected("t", "cl");
        chained.sessionExpired("t", "cl", "timeout");
        chained.heartbeatFailed("t", new RuntimeException("hb"));
        chained.channelOpened("c");
        chained.batchProcessed("c", 7, Duration.ofMillis(1));
        chained.batchFailed("c", new RuntimeException());
        chained.checkpointCommitted("c", "tok", 3);
        chained.checkpointFailed("c", new RuntimeException());
        chained.channelClosed("c", CloseReason.RELEASED);
        chained.workerStopped("t", new RuntimeException("fatal"));

        assertThat(seen).containsExactly("connected t cl", "expired cl timeout", "heartbeatFailed hb", "opened c",
                "batch c 7 total=7.0", "batchFailed c", "checkpoint c tok 3", "checkpointFailed c",
                "closed c RELEASED", "stopped fatal");
        assertThat(r.get(MeterNames.STOPS).tags("cause", "failed").counter().count()).isEqualTo(1.0);
        // without tunnelId() no tunnel.id tag is added
        assertThat(r.get(MeterNames.RECORDS).counter().getId().getTag("tunnel_id")).isNull();
    }

    @Test
    void aThrowingDelegateNeverReachesTheWorkerAndMetersStillCount() {
        SimpleMeterRegistry r = new SimpleMeterRegistry();
        MicrometerWorkerListener l = MicrometerWorkerListener.builder(r).delegate(new WorkerListener() {
            @Override
            public void channelOpened(String channelId) {
                throw new IllegalStateException("delegate bug");
            }
        }).build();

        assertThatCode(() -> l.channelOpened("c")).doesNotThrowAnyException();
        assertThat(r.get(MeterNames.CHANNELS_OPENED).counter().count()).isEqualTo(1.0);
        assertThat(r.get(MeterNames.CHANNELS_OWNED).gauge().value()).isEqualTo(1.0);
    }

    @Test
    void aBrokenEventNeverThrowsAndStillReachesTheDelegate() {
        List<String> seen = new CopyOnWriteArrayList<>();
        WorkerListener l = MicrometerWorkerListener.builder(new SimpleMeterRegistry()).delegate(new WorkerListener() {
            @Override
            public void batchProcessed(String channelId, int records, Duration elapsed) {
                seen.add("batch " + records);
            }
        }).build();
        // a null duration makes the timer throw; the worker must not see it and the delegate still runs
        assertThatCode(() -> l.batchProcessed("c", 3, null)).doesNotThrowAnyException();
        assertThat(seen).containsExactly("batch 3");
    }

    @Test
    void concurrentEventsAreCountedExactly() throws Exception {
        int threads = 4;
        int perThread = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String channel = "c" + t;
                futures.add(pool.submit(() -> {
                    start.await();
                    listener.channelOpened(channel);
                    for (int i = 0; i < perThread; i++) {
                        listener.batchProcessed(channel, 2, Duration.ofNanos(100));
                        listener.checkpointCommitted(channel, "tok", i);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (java.util.concurrent.Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(count(MeterNames.RECORDS)).isEqualTo(2.0 * threads * perThread);
        assertThat(count(MeterNames.BATCHES, "outcome", "processed")).isEqualTo((double) threads * perThread);
        assertThat(count(MeterNames.CHECKPOINTS, "outcome", "committed")).isEqualTo((double) threads * perThread);
        assertThat(owned()).isEqualTo(threads);
    }

    @Test
    void builderRejectsBadInput() {
        assertThatThrownBy(() -> MicrometerWorkerListener.builder(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> MicrometerWorkerListener.builder(registry).tunnelId(""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MicrometerWorkerListener.builder(registry).delegate(null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void constructorWithCommonTagsTagsEveryMeter() {
        SimpleMeterRegistry r = new SimpleMeterRegistry();
        MicrometerWorkerListener l = new MicrometerWorkerListener(r, Tags.of("env", "test"));
        l.batchProcessed("c", 9, Duration.ofMillis(1));
        assertThat(r.get(MeterNames.RECORDS).tags("env", "test").counter().count()).isEqualTo(9.0);
        assertThat(r.getMeters()).allSatisfy(m -> assertThat(m.getId().getTag("env")).isEqualTo("test"));
    }

    @Test
    void registryOnlyConstructorAddsNoTags() {
        SimpleMeterRegistry r = new SimpleMeterRegistry();
        new MicrometerWorkerListener(r).checkpointFailed("c", new RuntimeException("x"));
        assertThat(r.get(MeterNames.CHECKPOINTS).tags("outcome", "failed").counter().count()).isEqualTo(1.0);
        assertThat(r.getMeters()).hasSize(18).allSatisfy(m -> assertThat(m.getId().getTags())
                .extracting(io.micrometer.core.instrument.Tag::getKey).doesNotContain("tunnel_id", "app"));
    }
}
