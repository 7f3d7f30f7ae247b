package io.tunnelstore.tunnel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Two workers against the simulated server: graceful rebalance and worker loss. */
class HandoffSimulationTest {
    private static final List<String> CHANNELS = List.of("s1", "s2", "s3", "s4");
    private final WorkerHarness h = new WorkerHarness();

    private void appendAll(int n) {
        CHANNELS.forEach(c -> h.server.append(c, n));
    }

    @Test
    void gracefulRebalanceDeliversEveryRecordExactlyOnce() {
        CHANNELS.forEach(h.server::addStreamChannel);
        appendAll(5);
        WorkerEngine a = h.started(h.newWorker());
        assertThat(CHANNELS).allSatisfy(c -> assertThat(h.server.owner(c)).isEqualTo(a.clientId()));
        h.time.advance(2_000);
        WorkerEngine b = h.started(h.newWorker());
        for (int i = 0; i < 8; i++) {  // 8 × 2.5 s of traffic while the channels move
            appendAll(3);
            h.time.advance(2_500);
        }
        long ownedByA = CHANNELS.stream().filter(c -> a.clientId().equals(h.server.owner(c))).count();
        long ownedByB = CHANNELS.stream().filter(c -> b.clientId().equals(h.server.owner(c))).count();
        assertThat(ownedByA).isEqualTo(2);
        assertThat(ownedByB).isEqualTo(2);
        int total = 5 + 8 * 3;
        for (String c : CHANNELS) {
            assertThat(h.processors.processed(c)).as("channel %s", c)
                    .containsExactlyElementsOf(LongStream.range(0, total).boxed().toList());
        }
        assertThat(h.processors.events()).filteredOn(e -> e.startsWith("lost:")).hasSize(2);
    }

    @Test
    void channelsOfACrashedWorkerMoveAfterTheServerTimeout() {
        CHANNELS.forEach(h.server::addStreamChannel);
        appendAll(2);
        WorkerEngine a = h.started(h.newWorker());
        WorkerEngine b = h.started(h.newWorker());
        h.time.advance(10_000);
        assertThat(CHANNELS.stream().filter(c -> b.clientId().equals(h.server.owner(c))).count()).isEqualTo(2);
        // a "crashes": its loop stops (simulated by expiring it on the server and then closing it silently)
        String aId = a.clientId();
        h.server.expireClient(aId);
        h.time.advance(10_000);
        // b took over everything the crashed session owned (a reconnected and shares again)
        assertThat(CHANNELS).allSatisfy(c -> assertThat(h.server.owner(c)).isNotEqualTo(aId));
        for (String c : CHANNELS) {
            assertThat(h.processors.processed(c)).containsAll(List.of(0L, 1L));
        }
    }
}
