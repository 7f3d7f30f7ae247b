package io.tunnelstore.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.pb.TableProtos;
import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.server.table.ChangeRecord;
import io.tunnelstore.server.table.ChangeRecordCodec;
import io.tunnelstore.server.table.KeyCodec;
import io.tunnelstore.server.table.Partition;
import io.tunnelstore.server.table.TableDescriptor;
import io.tunnelstore.storage.RowDecider;
import io.tunnelstore.storage.RowMutation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The exact base→stream hand-over of a BaseAndStream tunnel: random writes (put, update, delete on a few keys of
 * two partitions) interleaved with base-channel reads and module restarts during the base phase. For every key,
 * the stream delivers exactly the changes committed after the tunnel's snapshot, in commit order, and the base data
 * holds exactly the state the earlier changes left — so every committed change is delivered exactly once (in the
 * base data if it committed before, in the stream if after). A second property races writer threads with the
 * tunnel's creation itself.
 */
class HandOverPropertyTest {
    private static final int KEYS = 10;

    sealed interface Step {}

    record Write(int key, TableProtos.ActionType type) implements Step {}

    record ReadBase() implements Step {}

    record Restart() implements Step {}

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> write = Combinators.combine(Arbitraries.integers().between(0, KEYS - 1),
                        Arbitraries.of(TableProtos.ActionType.PUT_ROW, TableProtos.ActionType.UPDATE_ROW,
                                TableProtos.ActionType.DELETE_ROW))
                .as(Write::new);
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, write),
                net.jqwik.api.Tuple.of(3, Arbitraries.just(new ReadBase())),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Restart())));
        return step.list().ofMaxSize(40);
    }

    /** One committed change of a key: its action and the value it wrote (-1 for a delete). */
    record Change(TableProtos.ActionType type, long value) {}

    @Property(tries = 25)
    void everyCommittedChangeIsDeliveredExactlyOnceInKeyOrder(@ForAll @IntRange(min = 0, max = KEYS) int initialRows,
                                                              @ForAll("steps") List<Step> steps) throws Exception {
        Path dir = Files.createTempDirectory("handover");
        try (InProcessTunnels t = new InProcessTunnels(dir, TunnelServiceConfig.builder()
                .longPollWait(Duration.ZERO).maxRecordsPerRead(2).baseSplitTargetBytes(40).build())) {
            TableDescriptor table = t.createTable("h", 24, List.of(
                    new Partition(0, null, ColumnValue.ofLong(5), 1),
                    new Partition(1, ColumnValue.ofLong(5), null, 2)));
            Map<Integer, List<Change>> committed = new HashMap<>();
            long[] nextValue = {1};
            for (int k = 0; k < initialRows; k++) {
                write(t, table, k, TableProtos.ActionType.PUT_ROW, nextValue[0]++, committed);
            }
            String tunnel = t.create("h", "bs", TunnelProtos.TunnelType.BaseAndStream, null);
            String client = t.connect(tunnel);
            List<TunnelProtos.Channel> baseChannels = t.heartbeat(tunnel, client);
            Map<String, String> baseTokens = new LinkedHashMap<>();
            for (TunnelProtos.Channel c : baseChannels) {
                baseTokens.put(c.getChannelId(), t.getCheckpoint(tunnel, client, c.getChannelId()).getCheckpoint());
            }
            Map<Integer, Long> base = new HashMap<>();
            Map<Integer, Integer> baseCount = new HashMap<>();

            for (Step step : steps) {
                if (step instanceof Write w) {
                    write(t, table, w.key(), w.type(), nextValue[0]++, committed);
                } else if (step instanceof ReadBase) {
                    readOneBaseBatch(t, tunnel, client, baseTokens, base, baseCount);
                } else {
                    t.restartModule();
                }
            }
            Map<Integer, List<Change>> streamed = consumeAndCheck(t, tunnel, client, baseChannels, baseTokens, base,
                    baseCount, committed);
            // changes written before the tunnel existed are never in its stream
            for (int k = 0; k < initialRows; k++) {
                int writtenLater = committed.get(k).size() - 1;
                assertThat(streamed.getOrDefault(k, List.of()).size()).isLessThanOrEqualTo(writtenLater);
            }
            // the base phase is over: the snapshot is no longer needed
            assertThat(InProcessTunnels.join(t.module.dropUnusedSnapshots())).hasSize(1);
            assertThat(t.storage.snapshotIds()).isEmpty();
        } finally {
            try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Writes racing with CreateTunnel itself: two writer threads (each owns half of the keys, so a key's commit order
     * is its writer's order) put, update and delete random keys before, during and after the tunnel's snapshot is
     * taken. Wherever the snapshot falls, every committed change is delivered exactly once — in the base data if it
     * committed before the snapshot, in the stream if after — and each key's stream is in commit order.
     */
    @Property(tries = 10)
    void changesRacingTheTunnelCreationAreDeliveredExactlyOnce(@ForAll long seed,
                                                               @ForAll @IntRange(min = 0, max = 40) int afterCreation)
            throws Exception {
        Path dir = Files.createTempDirectory("handover-race");
        try (InProcessTunnels t = new InProcessTunnels(dir, TunnelServiceConfig.builder()
                .longPollWait(Duration.ZERO).maxRecordsPerRead(3).baseSplitTargetBytes(40).build())) {
            TableDescriptor table = t.createTable("h", 24, List.of(
                    new Partition(0, null, ColumnValue.ofLong(5), 1),
                    new Partition(1, ColumnValue.ofLong(5), null, 2)));
            Map<Integer, List<Change>> committed = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.concurrent.atomic.AtomicLong values = new java.util.concurrent.atomic.AtomicLong(1);
            java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean created = new java.util.concurrent.atomic.AtomicBoolean();
            TableProtos.ActionType[] types = {TableProtos.ActionType.PUT_ROW, TableProtos.ActionType.UPDATE_ROW,
                    TableProtos.ActionType.DELETE_ROW};
            java.util.concurrent.ExecutorService writers = java.util.concurrent.Executors.newFixedThreadPool(2);
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                done.add(writers.submit(() -> {
                    java.util.Random random = new java.util.Random(seed + writer);
                    int extra = 0;
                    while (!created.get() || extra++ < afterCreation) {
                        int key = 2 * random.nextInt(KEYS / 2) + writer; // this writer's keys only
                        write(t, table, key, types[random.nextInt(types.length)], values.getAndIncrement(),
                                committed);
                        writes.incrementAndGet();
                    }
                    return null;
                }));
            }
            // create the tunnel while the writers are busy
            while (writes.get() < 10) {
                Thread.onSpinWait();
            }
            String tunnel = t.create("h", "bs", TunnelProtos.TunnelType.BaseAndStream, null);
            created.set(true);
            for (java.util.concurrent.Future<?> f : done) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            writers.shutdown();

            String client = t.connect(tunnel);
            List<TunnelProtos.Channel> baseChannels = t.heartbeat(tunnel, client);
            Map<String, String> baseTokens = new LinkedHashMap<>();
            for (TunnelProtos.Channel c : baseChannels) {
                baseTokens.put(c.getChannelId(), t.getCheckpoint(tunnel, client, c.getChannelId()).getCheckpoint());
            }
            Map<Integer, List<Change>> streamed = consumeAndCheck(t, tunnel, client, baseChannels, baseTokens,
                    new HashMap<>(), new HashMap<>(), committed);
            // every write after CreateTunnel returned is after the snapshot: at least those are streamed
            assertThat(streamed.values().stream().mapToInt(List::size).sum())
                    .isGreaterThanOrEqualTo(2 * afterCreation);
        } finally {
            try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Reads the rest of the base data, finishes the base phase as a worker does, reads the stream channels to their
     * end, and checks every key: at most one base record, whose value is the state the key's changes before the
     * snapshot left, and exactly the later changes in the stream, in commit order.
     *
     * @return the stream changes per key
     */
    private static Map<Integer, List<Change>> consumeAndCheck(InProcessTunnels t, String tunnel, String client,
                                                              List<TunnelProtos.Channel> baseChannels,
                                                              Map<String, String> baseTokens, Map<Integer, Long> base,
                                                              Map<Integer, Integer> baseCount,
                                                              Map<Integer, List<Change>> committed) {
        while (baseTokens.values().stream().anyMatch(tok -> !tok.equals(TunnelTokenCodec.FINISHED))) {
            readOneBaseBatch(t, tunnel, client, baseTokens, base, baseCount);
        }
        // finish the base phase as a worker does: checkpoint "finished", report TERMINATED
        TunnelProtos.HeartbeatRequest.Builder hb = TunnelProtos.HeartbeatRequest.newBuilder()
                .setTunnelId(tunnel).setClientId(client);
        for (TunnelProtos.Channel c : baseChannels) {
            long seq = t.getCheckpoint(tunnel, client, c.getChannelId()).getSequenceNumber() + 1;
            InProcessTunnels.join(t.module.sessions().checkpoint(InProcessTunnels.INSTANCE,
                    TunnelProtos.CheckpointRequest.newBuilder().setTunnelId(tunnel).setClientId(client)
                            .setChannelId(c.getChannelId()).setCheckpoint(TunnelTokenCodec.FINISHED)
                            .setSequenceNumber(seq).build()));
            hb.addChannels(c.toBuilder().setVersion(c.getVersion() + 1)
                    .setStatus(TunnelProtos.ChannelStatus.TERMINATED));
        }
        List<TunnelProtos.Channel> streamChannels =
                InProcessTunnels.join(t.module.sessions().heartbeat(InProcessTunnels.INSTANCE, hb.build()))
                        .getChannelsList();
        assertThat(streamChannels).extracting(TunnelProtos.Channel::getChannelId)
                .containsExactly("Stream_1", "Stream_2");

        Map<Integer, List<Change>> streamed = new HashMap<>();
        for (TunnelProtos.Channel c : streamChannels) {
            String token = t.getCheckpoint(tunnel, client, c.getChannelId()).getCheckpoint();
            while (true) {
                TunnelProtos.ReadRecordsResponse r = t.read(tunnel, client, c.getChannelId(), token);
                if (r.getRecordsCount() == 0) {
                    break;
                }
                for (TunnelProtos.Record rec : r.getRecordsList()) {
                    PlainRow row = PlainBufferCodec.decodeSingleRow(rec.getRecord().toByteArray());
                    int key = (int) row.primaryKey().get(0).value().asLong();
                    long value = rec.getActionType() == TunnelProtos.ActionType.DELETE_ROW ? -1
                            : row.cells().get(0).value().asLong();
                    streamed.computeIfAbsent(key, k -> new ArrayList<>()).add(new Change(
                            TableProtos.ActionType.forNumber(rec.getActionType().getNumber()), value));
                }
                token = r.getNextToken();
            }
        }

        for (int key = 0; key < KEYS; key++) {
            List<Change> all = committed.getOrDefault(key, List.of());
            List<Change> stream = streamed.getOrDefault(key, List.of());
            assertThat(baseCount.getOrDefault(key, 0)).as("base records of key %d", key).isLessThanOrEqualTo(1);
            assertThat(stream.size()).as("stream of key %d", key).isLessThanOrEqualTo(all.size());
            List<Change> before = all.subList(0, all.size() - stream.size());
            assertThat(stream).as("stream of key %d = the changes after the snapshot", key)
                    .isEqualTo(all.subList(before.size(), all.size()));
            Long expectedBase = before.isEmpty() || before.get(before.size() - 1).value() < 0 ? null
                    : before.get(before.size() - 1).value();
            assertThat(base.get(key)).as("base value of key %d = state before the stream's changes", key)
                    .isEqualTo(expectedBase);
        }
        return streamed;
    }

    private static void readOneBaseBatch(InProcessTunnels t, String tunnel, String client,
                                         Map<String, String> tokens, Map<Integer, Long> base,
                                         Map<Integer, Integer> baseCount) {
        for (Map.Entry<String, String> e : tokens.entrySet()) {
            if (e.getValue().equals(TunnelTokenCodec.FINISHED)) {
                continue;
            }
            TunnelProtos.ReadRecordsResponse r = t.read(tunnel, client, e.getKey(), e.getValue());
            for (TunnelProtos.Record rec : r.getRecordsList()) {
                PlainRow row = PlainBufferCodec.decodeSingleRow(rec.getRecord().toByteArray());
                int key = (int) row.primaryKey().get(0).value().asLong();
                base.put(key, row.cells().get(0).value().asLong());
                baseCount.merge(key, 1, Integer::sum);
            }
            e.setValue(r.getNextToken());
            return;
        }
    }

    /** Writes like the table module: row mutation and change record in one commit. */
    private static void write(InProcessTunnels t, TableDescriptor table, int key, TableProtos.ActionType type,
                              long value, Map<Integer, List<Change>> committed) {
        t.advance(Duration.ofMillis(1));
        PrimaryKey pk = PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.ofLong(key)));
        long ts = t.clock.millis();
        boolean delete = type == TableProtos.ActionType.DELETE_ROW;
        PlainRow row = delete ? PlainRow.of(pk, List.of())
                : PlainRow.of(pk, List.of(Cell.put("v", ColumnValue.ofLong(value), ts)));
        ChangeRecord change = new ChangeRecord(type, row, null, ts * 1000);
        RowMutation mutation = delete ? new RowMutation().deleteRow()
                : new RowMutation().put("v", ts, io.tunnelstore.server.table.CellValueCodec.encode(
                        ColumnValue.ofLong(value)));
        t.storage.mutateRow(table.tableId(), KeyCodec.encode(pk), (current, versionMillis) -> new RowDecider.Decision<>(mutation,
                table.partitionFor(ColumnValue.ofLong(key)).shardId(), ChangeRecordCodec.encode(change), null));
        committed.computeIfAbsent(key, k -> new ArrayList<>()).add(new Change(type, delete ? -1 : value));
    }
}
