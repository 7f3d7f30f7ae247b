package io.tunnelstore.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Random simulation of well-behaved official workers (see {@link SimulatedWorker}) joining, leaving, crashing,
 * heartbeating, checkpointing, finishing and failing channels while time advances and shards split. After every step
 * the safety invariants are checked; at the end, with the crashed workers silent and the others heartbeating every
 * interval, every ready channel must be OPEN on a live worker within a bounded number of rounds, evenly spread.
 */
class CoordinatorSimulationTest {

    private static final long INTERVAL = 10_000;
    private static final long[] TIMEOUTS = {20_000, 30_000, 60_000};
    private static final int LIVENESS_ROUNDS = (int) (60_000 / INTERVAL) + 12;

    sealed interface Step {}

    record Join(int timeoutChoice) implements Step {}

    record Leave(int worker) implements Step {}

    record Crash(int worker) implements Step {}

    record Heartbeat(int worker) implements Step {}

    record HeartbeatAll() implements Step {}

    record Work(int worker, int channel) implements Step {}

    record Finish(int worker, int channel) implements Step {}

    record Fail(int worker, int channel) implements Step {}

    record StaleCheckpoint(int worker, int channel) implements Step {}

    record Advance(long millis) implements Step {}

    record Tick() implements Step {}

    record Split(int parent) implements Step {}

    /** The schedule API: {@code kind} 0-2 suspend, 3-4 resume, 5 terminate. */
    record Schedule(int channel, int kind) implements Step {}

    /** Initial channel layout: {@code base} base channels, {@code roots} stream roots and {@code children}. */
    record Setup(TunnelType type, int base, int roots, int children) {
        List<ChannelDefinition> channels() {
            List<ChannelDefinition> list = new ArrayList<>();
            if (type != TunnelType.STREAM) {
                for (int i = 0; i < base; i++) {
                    list.add(ChannelDefinition.base("BaseData_" + i, "b" + i));
                }
            }
            if (type != TunnelType.BASE_DATA) {
                for (int i = 0; i < roots; i++) {
                    list.add(ChannelDefinition.stream("s" + i, "s" + i, List.of()));
                }
                for (int k = 0; k < children; k++) {
                    Set<String> parents = new java.util.TreeSet<>();
                    parents.add("s" + (k % roots));
                    if (k % 2 == 1) {
                        parents.add("s" + ((k + 1) % roots));
                    }
                    list.add(ChannelDefinition.stream("c" + k, "c" + k, List.copyOf(parents)));
                }
            }
            return list;
        }
    }

    @Property(tries = 400)
    void safetyInvariantsHoldAndReadyChannelsGetAssigned(
            @ForAll("setups") Setup setup, @ForAll("steps") List<Step> steps) {
        World w = new World(setup);
        for (Step step : steps) {
            w.apply(step);
            w.checkSafety(step);
        }
        w.checkLiveness();
    }

    @Property(tries = 100)
    void sameCallsProduceTheSameStateAndSurviveASnapshotRoundTrip(
            @ForAll("setups") Setup setup, @ForAll("steps") List<Step> steps) {
        World first = new World(setup);
        World second = new World(setup);
        for (Step step : steps) {
            first.apply(step);
            second.apply(step);
        }
        byte[] bytes = TunnelSnapshotCodec.encode(first.c.snapshot());
        assertThat(bytes).isEqualTo(TunnelSnapshotCodec.encode(second.c.snapshot()));

        TunnelCoordinator restored = TunnelCoordinator.restore(TunnelSnapshotCodec.decode(bytes), first.now,
                ClientIdGenerator.sequential());
        assertThat(restored.describe().channels()).isEqualTo(first.c.describe().channels());
        assertThat(restored.stage()).isEqualTo(first.c.stage());
    }

    /**
     * Commit, then apply: a store that only ever receives each step's {@link TunnelCoordinator#pendingChanges()}
     * (newest record per key, tombstones deleting) holds exactly the coordinator's state after every step — no change
     * escapes the journal. Heartbeat times and consume points are not durable on their own and are left out.
     */
    @Property(tries = 200)
    void pendingChangesKeepAStoreEqualToTheCoordinator(
            @ForAll("setups") Setup setup, @ForAll("steps") List<Step> steps) {
        World w = new World(setup);
        Map<String, TunnelRecord> store = new java.util.TreeMap<>();
        storeChanges(w.c, store);
        for (Step step : steps) {
            w.apply(step);
            storeChanges(w.c, store);
            assertThat(durable(TunnelRecords.toSnapshot("sim", setup.type(), List.copyOf(store.values()))))
                    .as("after %s", step).isEqualTo(durable(w.c.snapshot()));
        }
    }

    private static void storeChanges(TunnelCoordinator c, Map<String, TunnelRecord> store) {
        for (TunnelRecord r : c.pendingChanges()) {
            if (r instanceof TunnelRecord.ClientGone) {
                store.remove(r.key());
            } else {
                store.put(r.key(), TunnelRecordCodec.decode(TunnelRecordCodec.encode(r)));
            }
        }
        c.commit();
        assertThat(c.isDirty()).isFalse();
    }

    private static TunnelSnapshot durable(TunnelSnapshot s) {
        return new TunnelSnapshot(s.tunnelId(), s.type(), s.stage(), s.expired(), s.disabled(), s.nextClientSerial(),
                s.changeCount(), s.channels().stream().map(e -> new TunnelSnapshot.ChannelEntry(e.definition(),
                        new ChannelState(e.state().status(), e.state().version(), e.state().ownerClientId(),
                                e.state().checkpointToken(), e.state().checkpointSequence(),
                                e.state().consumedCount(), e.state().lastCheckpointMillis(), 0,
                                e.state().suspended()))).toList(),
                s.clients().stream().map(c -> new ClientSession(c.clientId(), c.clientTag(), c.timeoutMillis(), 0))
                        .toList(), s.lossEvents());
    }

    // ------------------------------------------------------------------------------------------------------------

    private static final class World {
        final TunnelCoordinator c;
        long now;
        final List<SimulatedWorker> live = new ArrayList<>();
        final List<SimulatedWorker> crashed = new ArrayList<>();
        final Map<String, Long> maxVersion = new HashMap<>();
        final Map<String, Long> maxSequence = new HashMap<>();
        final Set<String> terminated = new HashSet<>();
        TunnelStage lastStage;
        int splits;

        World(Setup setup) {
            c = TunnelCoordinator.createInitialized("sim", setup.type(), setup.channels(),
                    ClientIdGenerator.sequential());
            lastStage = c.stage();
        }

        SimulatedWorker pick(int index) {
            return live.isEmpty() ? null : live.get(Math.floorMod(index, live.size()));
        }

        String channelOf(SimulatedWorker worker, int index) {
            List<String> ids = new ArrayList<>(worker.connections.keySet());
            return ids.isEmpty() ? null : ids.get(Math.floorMod(index, ids.size()));
        }

        Set<String> registered() {
            return c.describe().clients().stream().map(TunnelDescription.ClientView::clientId)
                    .collect(Collectors.toSet());
        }

        void heartbeat(SimulatedWorker worker) {
            HeartbeatResult r = worker.heartbeat(now);
            if (r instanceof Rejection rej) {
                assertThat(rej.error()).isEqualTo(CoordinatorError.RESOURCE_GONE);
                live.remove(worker); // the Go daemon would reconnect with a new id; Join steps model that
            }
        }

        void apply(Step step) {
            if (step instanceof Join j) {
                live.add(SimulatedWorker.connect(c, now, TIMEOUTS[j.timeoutChoice()], "host"));
            } else if (step instanceof Leave l) {
                SimulatedWorker worker = pick(l.worker());
                if (worker != null) {
                    c.shutdown(now, worker.clientId);
                    live.remove(worker);
                }
            } else if (step instanceof Crash cr) {
                SimulatedWorker worker = pick(cr.worker());
                if (worker != null) {
                    live.remove(worker);
                    crashed.add(worker);
                }
            } else if (step instanceof Heartbeat h) {
                SimulatedWorker worker = pick(h.worker());
                if (worker != null) {
                    heartbeat(worker);
                }
            } else if (step instanceof HeartbeatAll) {
                new ArrayList<>(live).forEach(this::heartbeat);
            } else if (step instanceof Work wk) {
                checkpointBy(wk.worker(), wk.channel(), false);
            } else if (step instanceof Finish f) {
                checkpointBy(f.worker(), f.channel(), true);
            } else if (step instanceof Fail f) {
                SimulatedWorker worker = pick(f.worker());
                String id = worker == null ? null : channelOf(worker, f.channel());
                if (id != null) {
                    worker.fail(id);
                }
            } else if (step instanceof StaleCheckpoint sc) {
                staleCheckpoint(sc);
            } else if (step instanceof Advance a) {
                now += a.millis();
            } else if (step instanceof Tick) {
                c.tick(now);
            } else if (step instanceof Split sp) {
                split(sp.parent());
            } else if (step instanceof Schedule sc) {
                schedule(sc);
            }
        }

        void checkpointBy(int workerIndex, int channelIndex, boolean finish) {
            SimulatedWorker worker = pick(workerIndex);
            String id = worker == null ? null : channelOf(worker, channelIndex);
            if (id == null) {
                return;
            }
            boolean stillRegistered = registeredAfterExpiry(worker);
            CheckpointResult r = finish ? worker.finish(now, id) : worker.work(now, id);
            if (r == null) {
                return; // connection not running
            }
            if (!stillRegistered) {
                assertThat(r).isInstanceOfSatisfying(Rejection.class,
                        rej -> assertThat(rej.error()).isEqualTo(CoordinatorError.RESOURCE_GONE));
                live.remove(worker);
            } else if (r instanceof Rejection rej && rej.error() == CoordinatorError.NOT_OWNER) {
                // only after the schedule API terminated the channel under its owner (it drops it next heartbeat)
                assertThat(c.describe().channels()).filteredOn(v -> v.channelId().equals(id))
                        .extracting(TunnelDescription.ChannelView::status).containsExactly(ChannelStatus.TERMINATED);
            } else if (r instanceof Rejection rej) {
                // A running connection belongs to a live owner: only a desynchronised sequence (after a stale
                // checkpoint step by the same worker) or a post-"finished" token may be refused.
                assertThat(rej.error()).isIn(CoordinatorError.SEQUENCE_NUMBER_NOT_MATCH,
                        CoordinatorError.PARAMETER_INVALID);
            }
        }

        boolean registeredAfterExpiry(SimulatedWorker worker) {
            c.tick(now);
            return registered().contains(worker.clientId);
        }

        void staleCheckpoint(StaleCheckpoint s) {
            SimulatedWorker worker = pick(s.worker());
            if (worker == null) {
                return;
            }
            boolean stillRegistered = registeredAfterExpiry(worker);
            List<TunnelDescription.ChannelView> channels = c.describe().channels();
            if (channels.isEmpty()) {
                return;
            }
            TunnelDescription.ChannelView ch = channels.get(Math.floorMod(s.channel(), channels.size()));
            CheckpointResult r = c.checkpoint(now, worker.clientId, ch.channelId(), "stale",
                    ch.checkpointSequence() + 1);
            if (!stillRegistered) {
                assertThat(((Rejection) r).error()).isEqualTo(CoordinatorError.RESOURCE_GONE);
                live.remove(worker);
            } else if (!worker.clientId.equals(ch.ownerClientId())) {
                assertThat(((Rejection) r).error()).isEqualTo(CoordinatorError.NOT_OWNER);
            } else if (c.snapshot().channels().stream().anyMatch(e -> e.definition().channelId()
                    .equals(ch.channelId()) && e.state().checkpointSequence() == ch.checkpointSequence() + 1)) {
                assertThat(r).isEqualTo(new CheckpointResult.Accepted(ch.checkpointSequence() + 1));
            } else {
                assertThat(((Rejection) r).error()).isEqualTo(CoordinatorError.PARAMETER_INVALID); // after finished
            }
        }

        void split(int parentIndex) {
            if (c.type() == TunnelType.BASE_DATA) {
                return;
            }
            List<String> streams = c.describe().channels().stream()
                    .filter(v -> v.kind() == ChannelKind.STREAM).map(TunnelDescription.ChannelView::channelId).toList();
            String parent = streams.get(Math.floorMod(parentIndex, streams.size()));
            c.addStreamChannels(List.of(ChannelDefinition.stream("x" + splits++, "x", List.of(parent))));
        }

        void schedule(Schedule s) {
            List<TunnelDescription.ChannelView> channels = c.describe().channels();
            if (channels.isEmpty()) {
                return;
            }
            TunnelDescription.ChannelView ch = channels.get(Math.floorMod(s.channel(), channels.size()));
            ChannelStatus requested = s.kind() <= 2 ? ChannelStatus.CLOSING
                    : s.kind() <= 4 ? ChannelStatus.OPEN : ChannelStatus.TERMINATED;
            ScheduleResult r = c.schedule(now, ch.channelId(), requested);
            if (ch.status() == ChannelStatus.TERMINATED && requested != ChannelStatus.TERMINATED) {
                assertThat(r).isInstanceOfSatisfying(Rejection.class,
                        rej -> assertThat(rej.error()).isEqualTo(CoordinatorError.PARAMETER_INVALID));
            } else {
                assertThat(r).isInstanceOf(ScheduleResult.Scheduled.class);
            }
        }

        Set<String> suspended() {
            return c.snapshot().channels().stream().filter(e -> e.state().suspended())
                    .map(e -> e.definition().channelId()).collect(Collectors.toSet());
        }

        void checkSafety(Object context) {
            TunnelDescription d = c.describe();
            assertThat(d.stage().ordinal()).as("stage never goes back").isGreaterThanOrEqualTo(lastStage.ordinal());
            lastStage = d.stage();
            Map<String, TunnelDescription.ChannelView> byId = new TreeMap<>();
            d.channels().forEach(v -> byId.put(v.channelId(), v));
            Set<String> clients = registered();
            Set<String> suspended = suspended();
            for (TunnelDescription.ChannelView v : d.channels()) {
                String id = v.channelId();
                if (suspended.contains(id)) {
                    assertThat(v.status()).as("suspended %s is never OPEN (after %s)", id, context)
                            .isIn(ChannelStatus.WAIT, ChannelStatus.CLOSING);
                }
                assertThat(v.version()).as("version of %s after %s", id, context)
                        .isGreaterThanOrEqualTo(maxVersion.getOrDefault(id, 0L));
                assertThat(v.checkpointSequence()).as("sequence of %s after %s", id, context)
                        .isGreaterThanOrEqualTo(maxSequence.getOrDefault(id, 0L));
                maxVersion.put(id, v.version());
                maxSequence.put(id, v.checkpointSequence());
                if (terminated.contains(id)) {
                    assertThat(v.status()).as("TERMINATED is final for %s", id).isEqualTo(ChannelStatus.TERMINATED);
                }
                if (v.status() == ChannelStatus.TERMINATED) {
                    terminated.add(id);
                }
                if (v.status().isOwned()) {
                    assertThat(clients).as("owner of %s is registered", id).contains(v.ownerClientId());
                    // a suspended channel stays CLOSING for its owner until handed back
                    assertThat(isReady(d, byId, v) || suspended.contains(id) && v.status() == ChannelStatus.CLOSING)
                            .as("%s owned only when ready (after %s)", id, context).isTrue();
                }
            }
            // At most one registered worker believes it holds a channel, and only the server's owner does.
            Map<String, String> believer = new HashMap<>();
            List<SimulatedWorker> all = new ArrayList<>(live);
            all.addAll(crashed);
            for (SimulatedWorker worker : all) {
                if (!clients.contains(worker.clientId)) {
                    continue;
                }
                for (String id : worker.believedOwned()) {
                    if (byId.get(id).status() == ChannelStatus.TERMINATED) {
                        continue; // terminated by schedule: the old owner drops it on its next heartbeat, and
                                  // nobody else ever gets it
                    }
                    String previous = believer.put(id, worker.clientId);
                    assertThat(previous).as("%s seen OPEN/CLOSING by two clients after %s", id, context).isNull();
                    assertThat(byId.get(id).ownerClientId()).as("believer of %s is the owner", id)
                            .isEqualTo(worker.clientId);
                }
            }
        }

        static boolean isReady(TunnelDescription d, Map<String, TunnelDescription.ChannelView> byId,
                TunnelDescription.ChannelView v) {
            if (v.status() == ChannelStatus.TERMINATED) {
                return false;
            }
            if (v.kind() == ChannelKind.BASE_DATA) {
                return d.stage() == TunnelStage.PROCESS_BASE_DATA;
            }
            return d.stage() == TunnelStage.PROCESS_STREAM && v.parentIds().stream()
                    .allMatch(p -> !byId.containsKey(p) || byId.get(p).status() == ChannelStatus.TERMINATED);
        }

        void checkLiveness() {
            // Crashed workers stay silent from here on; the others heartbeat every interval. Workers whose session
            // already lapsed reconnect with a new id, as the Go daemon and the Java worker do.
            c.tick(now);
            Set<String> registered = registered();
            for (SimulatedWorker worker : new ArrayList<>(live)) {
                if (!registered.contains(worker.clientId)) {
                    live.remove(worker);
                    live.add(SimulatedWorker.connect(c, now, worker.timeoutMillis, "host"));
                }
            }
            new ArrayList<>(live).forEach(worker -> assertThat(worker.heartbeat(now)).isInstanceOf(
                    HeartbeatResult.Assigned.class));
            if (live.isEmpty()) {
                live.add(SimulatedWorker.connect(c, now, TIMEOUTS[1], "host"));
            }
            for (int round = 0; round < LIVENESS_ROUNDS; round++) {
                now += INTERVAL;
                for (SimulatedWorker worker : new ArrayList<>(live)) {
                    HeartbeatResult r = worker.heartbeat(now);
                    assertThat(r).as("live worker keeps its session").isInstanceOf(HeartbeatResult.Assigned.class);
                }
                checkSafety("liveness round " + round);
            }
            TunnelDescription d = c.describe();
            Map<String, TunnelDescription.ChannelView> byId = new TreeMap<>();
            d.channels().forEach(v -> byId.put(v.channelId(), v));
            Set<String> liveIds = live.stream().map(x -> x.clientId).collect(Collectors.toSet());
            Map<String, Integer> load = new HashMap<>();
            liveIds.forEach(id -> load.put(id, 0));
            Set<String> suspended = suspended();
            for (TunnelDescription.ChannelView v : d.channels()) {
                if (suspended.contains(v.channelId())) {
                    assertThat(v.status()).as("suspended %s handed back and left unassigned: %s", v.channelId(), d)
                            .isEqualTo(ChannelStatus.WAIT);
                } else if (isReady(d, byId, v)) {
                    assertThat(v.status()).as("ready channel %s assigned within %d rounds: %s", v.channelId(),
                            LIVENESS_ROUNDS, d).isEqualTo(ChannelStatus.OPEN);
                    assertThat(liveIds).contains(v.ownerClientId());
                    load.merge(v.ownerClientId(), 1, Integer::sum);
                }
            }
            int max = load.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            int min = load.values().stream().mapToInt(Integer::intValue).min().orElse(0);
            assertThat(max - min).as("balanced: %s", load).isLessThanOrEqualTo(1);
            for (SimulatedWorker worker : live) {
                List<String> serverSide = d.clients().stream().filter(cv -> cv.clientId().equals(worker.clientId))
                        .findFirst().orElseThrow().channelIds();
                assertThat(worker.believedOwned()).as("worker view matches server").isEqualTo(serverSide);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    @Provide
    Arbitrary<Setup> setups() {
        return Combinators.combine(Arbitraries.of(TunnelType.class), Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(1, 3), Arbitraries.integers().between(0, 3)).as(Setup::new);
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Integer> idx = Arbitraries.integers().between(0, 7);
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(0, TIMEOUTS.length - 1).map(Join::new)),
                Tuple.of(1, idx.map(Leave::new)),
                Tuple.of(1, idx.map(Crash::new)),
                Tuple.of(6, idx.map(Heartbeat::new)),
                Tuple.of(4, Arbitraries.just(new HeartbeatAll())),
                Tuple.of(4, Combinators.combine(idx, idx).as(Work::new)),
                Tuple.of(2, Combinators.combine(idx, idx).as(Finish::new)),
                Tuple.of(1, Combinators.combine(idx, idx).as(Fail::new)),
                Tuple.of(1, Combinators.combine(idx, idx).as(StaleCheckpoint::new)),
                Tuple.of(4, Arbitraries.longs().between(1, 35_000).map(Advance::new)),
                Tuple.of(1, Arbitraries.just(new Tick())),
                Tuple.of(1, idx.map(Split::new)),
                Tuple.of(1, Combinators.combine(idx, Arbitraries.integers().between(0, 5)).as(Schedule::new)));
        return step.list().ofMaxSize(80);
    }
}
