package io.tunnelstore.tunnel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random runs of several workers against the simulated server: workers join, leave gracefully or crash
 * while data arrives. Invariants are checked after every step; the seed is in the test name.
 */
class RandomizedSimulationTest {
    private static final List<String> STREAMS = List.of("s1", "s2", "s3", "s4");
    private static final List<String> BASES = List.of("b1", "b2");
    private static final int BASE_ROWS = 30;

    private final WorkerHarness h = new WorkerHarness();
    private final List<WorkerEngine> live = new ArrayList<>();
    private final Map<String, Integer> appended = new HashMap<>();

    private void setUp() {
        h.server.batchSize(4);
        STREAMS.forEach(c -> {
            h.server.addStreamChannel(c);
            appended.put(c, 0);
        });
        BASES.forEach(c -> h.server.addBaseChannel(c, BASE_ROWS));
        live.add(h.started(h.newWorker()));
    }

    private void append(String c, int n) {
        h.server.append(c, n);
        appended.merge(c, n, Integer::sum);
    }

    /** At most one worker has a live runner per channel. */
    private void checkSingleOwner(String step) {
        for (String c : concat()) {
            long owners = live.stream().map(w -> w.runnerState(c))
                    .filter(s -> s != null && !s.isTerminal()).count();
            assertThat(owners).as("live runners of %s after %s", c, step).isLessThanOrEqualTo(1);
        }
    }

    private static List<String> concat() {
        List<String> all = new ArrayList<>(STREAMS);
        all.addAll(BASES);
        return all;
    }

    private void finish() {
        if (live.isEmpty()) {
            live.add(h.started(h.newWorker()));
        }
        h.time.advanceInSteps(120_000, 1_000);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void gracefulJoinsAndLeavesDeliverEveryRecordExactlyOnceInOrder(long seed) {
        Random rnd = new Random(seed);
        setUp();
        for (int step = 0; step < 80; step++) {
            int action = rnd.nextInt(10);
            String desc;
            if (action <= 3) {
                String c = STREAMS.get(rnd.nextInt(STREAMS.size()));
                int n = rnd.nextInt(6);
                append(c, n);
                desc = "append " + n + " to " + c;
            } else if (action == 4 && live.size() < 3) {
                live.add(h.started(h.newWorker()));
                desc = "join";
            } else if (action == 5 && live.size() > 1) {
                WorkerEngine w = live.remove(rnd.nextInt(live.size()));
                w.shutdownGracefully();
                h.time.runUntilIdle();
                assertThat(w.state()).isEqualTo(WorkerState.STOPPED);
                desc = "leave " + w.clientId();
            } else {
                long ms = 100 + rnd.nextInt(3_000);
                h.time.advance(ms);
                desc = "advance " + ms;
            }
            checkSingleOwner("step " + step + " (" + desc + ")");
            for (String c : concat()) {  // so far: a gap-free, duplicate-free prefix, in order
                List<Long> got = h.processors.processed(c);
                assertThat(got).as("seed %d step %d (%s) channel %s", seed, step, desc, c)
                        .containsExactlyElementsOf(LongStream.range(0, got.size()).boxed().toList());
            }
        }
        finish();
        // the run did move channels between workers (more processor starts than channels)
        assertThat(h.processors.events()).filteredOn(e -> e.startsWith("start:")).hasSizeGreaterThan(6);
        for (String c : STREAMS) {
            assertThat(h.processors.processed(c)).as("seed %d channel %s", seed, c)
                    .containsExactlyElementsOf(LongStream.range(0, appended.get(c)).boxed().toList());
        }
        for (String c : BASES) {
            assertThat(h.processors.processed(c)).as("seed %d channel %s", seed, c)
                    .containsExactlyElementsOf(LongStream.range(0, BASE_ROWS).boxed().toList());
            assertThat(h.server.channel(c).status()).isEqualTo(ChannelStatus.TERMINATED);
            assertThat(h.server.committedPosition(c)).isEqualTo(-1);  // finished
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {101, 102, 103, 104, 105, 106})
    void crashesMayReplayButNeverLoseRecords(long seed) {
        Random rnd = new Random(seed);
        setUp();
        for (int step = 0; step < 80; step++) {
            int action = rnd.nextInt(10);
            if (action <= 3) {
                append(STREAMS.get(rnd.nextInt(STREAMS.size())), rnd.nextInt(6));
            } else if (action == 4 && live.size() < 3) {
                live.add(h.started(h.newWorker()));
            } else if (action == 5 && !live.isEmpty()) {
                // the server loses the session (crash, partition): the worker learns it on its next heartbeat
                WorkerEngine w = live.get(rnd.nextInt(live.size()));
                if (w.clientId() != null) {
                    h.server.expireClient(w.clientId());
                }
            } else {
                h.time.advance(100 + rnd.nextInt(3_000));
            }
            for (String c : concat()) {  // in order within each delivery run, whatever replays happened
                List<Long> got = h.processors.processed(c);
                Set<Long> seen = new HashSet<>(got);
                assertThat(seen).as("seed %d channel %s", seed, c)
                        .containsExactlyInAnyOrderElementsOf(LongStream.range(0, seen.size()).boxed().toList());
            }
        }
        finish();
        for (String c : STREAMS) {
            assertThat(new HashSet<>(h.processors.processed(c))).as("seed %d channel %s", seed, c)
                    .containsExactlyInAnyOrderElementsOf(LongStream.range(0, appended.get(c)).boxed().toList());
        }
        for (String c : BASES) {
            assertThat(new HashSet<>(h.processors.processed(c))).hasSize(BASE_ROWS);
            assertThat(h.server.channel(c).status()).isEqualTo(ChannelStatus.TERMINATED);
        }
    }
}
