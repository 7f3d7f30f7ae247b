package io.tunnelstore.storage.contract;

import io.tunnelstore.storage.MutationResult;
import io.tunnelstore.storage.RowDecider;
import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.RowScanner;
import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StoredCell;
import io.tunnelstore.storage.StoredRow;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Small helpers shared by the engine tests. */
public final class TestRows {
    private TestRows() {}

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    public static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Applies a mutation unconditionally, without a log record. */
    public static MutationResult<Void> apply(StorageEngine engine, long table, byte[] row, RowMutation mutation) {
        return engine.mutateRow(table, row, (current, versionMillis) -> RowDecider.Decision.of(mutation, null));
    }

    /** Applies a mutation with a log record on {@code shard}. */
    public static MutationResult<Void> applyLogged(StorageEngine engine, long table, byte[] row, RowMutation mutation,
            long shard, byte[] payload) {
        return engine.mutateRow(table, row,
                (current, versionMillis) -> new RowDecider.Decision<>(mutation, shard, payload, null));
    }

    /** "column@timestamp=value" for each cell, for compact exact assertions. */
    public static List<String> describe(StoredRow row) {
        List<String> out = new ArrayList<>();
        for (StoredCell cell : row.cells()) {
            out.add(cell.column() + "@" + cell.timestamp() + "=" + text(cell.value()));
        }
        return out;
    }

    public static List<StoredRow> drain(RowScanner scanner) {
        List<StoredRow> rows = new ArrayList<>();
        try (scanner) {
            scanner.forEachRemaining(rows::add);
        }
        return rows;
    }

    public static List<List<Integer>> keysOf(List<StoredRow> rows) {
        List<List<Integer>> keys = new ArrayList<>();
        for (StoredRow row : rows) {
            keys.add(unsigned(row.rowKey()));
        }
        return keys;
    }

    public static List<Integer> unsigned(byte[] key) {
        List<Integer> out = new ArrayList<>();
        for (byte b : key) {
            out.add(b & 0xFF);
        }
        return out;
    }
}
