package io.tunnelstore.storage.rocksdb;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The column names a scan saw, by position in the row: rows of a table mostly have the same columns in the same order,
 * so the next row's cell at the same position usually has the same name bytes and reuses the {@code String} instead
 * of decoding a new one (one allocation and UTF-8 decode less per cell of a scan). Not thread-safe: one per scan.
 */
final class ColumnNames {
    /** Positions beyond this are decoded every time (wide rows are rare; this bounds the memory). */
    private static final int SLOTS = 64;
    private final byte[][] bytes = new byte[SLOTS][];
    private final String[] names = new String[SLOTS];

    /** The name whose UTF-8 bytes are {@code key[from, to)} (no escapes), at position {@code index} of its row. */
    String name(int index, byte[] key, int from, int to) {
        if (index >= SLOTS) {
            return new String(key, from, to - from, StandardCharsets.UTF_8);
        }
        byte[] known = bytes[index];
        if (known != null && Arrays.equals(known, 0, known.length, key, from, to)) {
            return names[index];
        }
        String name = new String(key, from, to - from, StandardCharsets.UTF_8);
        bytes[index] = Arrays.copyOfRange(key, from, to);
        names[index] = name;
        return name;
    }
}
