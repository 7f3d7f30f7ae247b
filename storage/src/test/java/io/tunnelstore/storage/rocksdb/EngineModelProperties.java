package io.tunnelstore.storage.rocksdb;

import io.tunnelstore.storage.contract.TestRows;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.storage.LogRecord;
import io.tunnelstore.storage.MutationResult;
import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.RowDecider;
import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.ScanRange;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.StoredRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Model-based test: random sequences of mutations, point reads and scans run against the engine and against a
 * plain in-memory model (sorted maps); every read must agree, before and after a reopen, and so must the change log.
 */
class EngineModelProperties {
    private static final long TABLE = 9;
    private static final List<byte[]> ROWS = List.of(bytes(), bytes(0), bytes(0, 0), bytes(0, 1), bytes(1),
            bytes(1, 0), bytes(0x80, 0), bytes(0xFF));
    /** Scan bounds: the row keys and keys between them. */
    private static final List<byte[]> BOUNDS = Stream.concat(ROWS.stream(),
            Stream.of(bytes(0, 0, 5), bytes(0x80), bytes(2), bytes(0xFF, 0))).toList();
    private static final int SHARDS = 3;

    // ------------------------------------------------------------------ actions

    record Op(RowMutation.Kind kind, String column, long timestamp, String value) {}

    sealed interface Action permits Mutate, Read, Scan {}

    /** {@code shard < 0}: no log record. */
    record Mutate(int row, List<Op> ops, int shard) implements Action {}

    record Read(int row, ReadSpec spec) implements Action {}

    /** {@code start}/{@code end} index BOUNDS; -1 is unbounded. */
    record Scan(int start, int end, boolean reverse, ReadSpec spec) implements Action {}

    @Provide
    Arbitrary<List<Action>> actions() {
        Arbitrary<Integer> row = Arbitraries.integers().between(0, ROWS.size() - 1);
        Arbitrary<Integer> bound = Arbitraries.integers().between(-1, BOUNDS.size() - 1);
        Arbitrary<String> column = Arbitraries.of("a", "b", "a\0");
        Arbitrary<Long> timestamp = Arbitraries.longs().between(0, 4);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                Tuple.of(6, Combinators.combine(column, timestamp, Arbitraries.strings().alpha().ofMaxLength(3))
                        .as((c, t, v) -> new Op(RowMutation.Kind.PUT, c, t, v))),
                Tuple.of(2, Combinators.combine(column, timestamp)
                        .as((c, t) -> new Op(RowMutation.Kind.DELETE_VERSION, c, t, null))),
                Tuple.of(1, column.map(c -> new Op(RowMutation.Kind.DELETE_COLUMN, c, 0, null))),
                Tuple.of(1, Arbitraries.just(new Op(RowMutation.Kind.DELETE_ROW, null, 0, null))));
        Arbitrary<ReadSpec> spec = Combinators.combine(
                Arbitraries.of(Set.<String>of(), Set.of("a"), Set.of("b", "a\0")),
                Arbitraries.of(1, 2, Integer.MAX_VALUE),
                Arbitraries.longs().between(0, 3),
                Arbitraries.of(2L, 4L, Long.MAX_VALUE))
                .as((columns, versions, min, max) -> new ReadSpec(columns, versions, min, Math.max(min, max)));
        Arbitrary<Action> mutate = Combinators.combine(row, op.list().ofMinSize(1).ofMaxSize(4),
                Arbitraries.integers().between(-1, SHARDS - 1)).as(Mutate::new);
        Arbitrary<Action> read = Combinators.combine(row, spec).as(Read::new);
        Arbitrary<Action> scan = Combinators.combine(bound, bound, Arbitraries.of(false, true), spec).as(Scan::new);
        return Arbitraries.frequencyOf(Tuple.of(6, mutate), Tuple.of(2, read), Tuple.of(2, scan))
                .list().ofMaxSize(40);
    }

    // ------------------------------------------------------------------ model

    /** row → column → timestamp (descending) → value. */
    private final NavigableMap<byte[], NavigableMap<String, NavigableMap<Long, String>>> model =
            new TreeMap<>(Arrays::compareUnsigned);
    private final Map<Integer, List<String>> modelLog = new HashMap<>();

    private void applyToModel(byte[] row, List<Op> ops) {
        NavigableMap<String, NavigableMap<Long, String>> columns = model.computeIfAbsent(row, r -> new TreeMap<>());
        for (Op op : ops) {
            switch (op.kind()) {
                case PUT -> columns.computeIfAbsent(op.column(), c -> new TreeMap<>(Comparator.reverseOrder()))
                        .put(op.timestamp(), op.value());
                case DELETE_VERSION -> {
                    NavigableMap<Long, String> versions = columns.get(op.column());
                    if (versions != null) {
                        versions.remove(op.timestamp());
                        if (versions.isEmpty()) {
                            columns.remove(op.column());
                        }
                    }
                }
                case DELETE_COLUMN -> columns.remove(op.column());
                case DELETE_ROW -> columns.clear();
            }
        }
        if (columns.isEmpty()) {
            model.remove(row);
        }
    }

    private static List<String> select(NavigableMap<String, NavigableMap<Long, String>> columns, ReadSpec spec) {
        List<String> cells = new ArrayList<>();
        columns.forEach((column, versions) -> {
            if (!spec.columns().isEmpty() && !spec.columns().contains(column)) {
                return;
            }
            int taken = 0;
            for (Map.Entry<Long, String> version : versions.entrySet()) {
                long ts = version.getKey();
                if (ts >= spec.minTimestamp() && ts < spec.maxTimestampExclusive() && taken < spec.maxVersions()) {
                    cells.add(column + "@" + ts + "=" + version.getValue());
                    taken++;
                }
            }
        });
        return cells;
    }

    private List<String> modelScan(byte[] start, byte[] end, boolean reverse, ReadSpec spec) {
        List<String> rows = new ArrayList<>();
        model.forEach((key, columns) -> {
            boolean inRange = (start == null || Arrays.compareUnsigned(key, start) >= 0)
                    && (end == null || Arrays.compareUnsigned(key, end) < 0);
            List<String> cells = select(columns, spec);
            if (inRange && !cells.isEmpty()) {
                rows.add(TestRows.unsigned(key) + cells.toString());
            }
        });
        if (reverse) {
            Collections.reverse(rows);
        }
        return rows;
    }

    // ------------------------------------------------------------------ property

    @Property(tries = 40)
    void engineAgreesWithTheModel(@ForAll("actions") List<Action> actions) throws IOException {
        model.clear();
        modelLog.clear();
        Path dir = Files.createTempDirectory("tunnelstore-model-");
        StorageOptions options = StorageOptions.builder()
                .clock(Clock.fixed(Instant.parse("2026-03-04T05:06:07Z"), ZoneOffset.UTC))
                .syncWrites(false)
                .build();
        RocksDbStorageEngine engine = RocksDbStorageEngine.open(dir, options);
        try {
            for (Action action : actions) {
                run(engine, action);
            }
            assertAllAgree(engine);
            engine.close();
            engine = RocksDbStorageEngine.open(dir, options);
            assertAllAgree(engine);
        } finally {
            engine.close();
            deleteRecursively(dir);
        }
    }

    private void run(RocksDbStorageEngine engine, Action action) {
        if (action instanceof Mutate mutate) {
            byte[] row = ROWS.get(mutate.row());
            RowMutation mutation = new RowMutation();
            for (Op op : mutate.ops()) {
                switch (op.kind()) {
                    case PUT -> mutation.put(op.column(), op.timestamp(), op.value().getBytes(StandardCharsets.UTF_8));
                    case DELETE_VERSION -> mutation.deleteVersion(op.column(), op.timestamp());
                    case DELETE_COLUMN -> mutation.deleteColumn(op.column());
                    case DELETE_ROW -> mutation.deleteRow();
                }
            }
            String payload = "m" + mutate;
            MutationResult<Void> result = engine.mutateRow(TABLE, row, (current, versionMillis) -> new RowDecider.Decision<>(
                    mutation, mutate.shard(), mutate.shard() < 0 ? null : payload.getBytes(StandardCharsets.UTF_8),
                    null));
            applyToModel(row, mutate.ops());
            if (mutate.shard() >= 0) {
                List<String> shardLog = modelLog.computeIfAbsent(mutate.shard(), s -> new ArrayList<>());
                shardLog.add(payload);
                assertThat(result.sequence()).isEqualTo(shardLog.size());
            } else {
                assertThat(result.sequence()).isEqualTo(-1);
            }
        } else if (action instanceof Read read) {
            byte[] row = ROWS.get(read.row());
            List<String> expected = model.containsKey(row) ? select(model.get(row), read.spec()) : List.of();
            List<String> actual = engine.readRow(TABLE, row, read.spec()).map(TestRows::describe).orElse(List.of());
            assertThat(actual).as("readRow %s", read).isEqualTo(expected);
        } else if (action instanceof Scan scan) {
            byte[] start = scan.start() < 0 ? null : BOUNDS.get(scan.start());
            byte[] end = scan.end() < 0 ? null : BOUNDS.get(scan.end());
            List<String> actual = new ArrayList<>();
            for (StoredRow row : TestRows.drain(engine.scan(TABLE, new ScanRange(start, end, scan.reverse()),
                    scan.spec()))) {
                actual.add(TestRows.unsigned(row.rowKey()) + TestRows.describe(row).toString());
            }
            assertThat(actual).as("scan %s", scan).isEqualTo(modelScan(start, end, scan.reverse(), scan.spec()));
        }
    }

    private void assertAllAgree(RocksDbStorageEngine engine) {
        run(engine, new Scan(-1, -1, false, ReadSpec.allVersions()));
        run(engine, new Scan(-1, -1, true, ReadSpec.allVersions()));
        for (int shard = 0; shard < SHARDS; shard++) {
            List<String> actual = engine.readLog(TABLE, shard, 1, Integer.MAX_VALUE, Long.MAX_VALUE).stream()
                    .map(LogRecord::payload)
                    .map(p -> new String(p, StandardCharsets.UTF_8))
                    .toList();
            assertThat(actual).as("log of shard %d", shard).isEqualTo(modelLog.getOrDefault(shard, List.of()));
        }
    }

    private static byte[] bytes(int... values) {
        return TestRows.bytes(values);
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
