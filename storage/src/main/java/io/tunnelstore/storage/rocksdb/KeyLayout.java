package io.tunnelstore.storage.rocksdb;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Byte layouts of the keys in the RocksDB column families (see {@code docs/storage-layout.md}). Stateless and
 * thread-safe.
 *
 * <pre>
 * rows:     tableId(8 BE) | esc(rowKey) 00 01 | esc(utf8(column)) 00 01 | (Long.MAX_VALUE - timestamp)(8 BE)
 * log:      tableId(8 BE) | shardId(8 BE) | sequence(8 BE)      → commitTimeMicros(8 BE) | payload
 * log_trim: tableId(8 BE) | shardId(8 BE)                       → highest trimmed sequence(8 BE)
 * meta:     utf8(key)                                           → value
 * </pre>
 *
 * <p>{@code esc} replaces every 0x00 byte by 0x00 0xFF; 0x00 0x01 terminates the field. Under RocksDB's unsigned
 * bytewise comparator this keeps (1) all cells of a row contiguous, (2) rows in unsigned lexicographic order of
 * their keys (a key sorts before every longer key it prefixes, because the terminator 0x00 0x01 is smaller than both
 * an escaped 0x00 (0x00 0xFF) and any other byte), and (3) within a column, versions newest first.
 */
final class KeyLayout {
    static final int ID_BYTES = Long.BYTES;
    private static final byte ESCAPE = 0x00;
    private static final byte ESCAPED_ZERO = (byte) 0xFF;
    private static final byte TERMINATOR = 0x01;

    private KeyLayout() {}

    // ------------------------------------------------------------------ rows

    /** {@code tableId}: the first key of a table's rows. */
    static byte[] tablePrefix(long tableId) {
        return putLong(new byte[ID_BYTES], 0, tableId);
    }

    /**
     * {@code tableId | esc(rowKey) 00 01}: every cell key of the row starts with it, and it is greater than every key
     * of a smaller row and smaller than every key of a greater row, so it is also the seek key of a range bound.
     */
    static byte[] rowPrefix(long tableId, byte[] rowKey) {
        byte[] prefix = new byte[ID_BYTES + escapedLength(rowKey)];
        putLong(prefix, 0, tableId);
        writeEscaped(prefix, ID_BYTES, rowKey);
        return prefix;
    }

    /** {@code rowPrefix | esc(utf8(column)) 00 01}: every version key of the column starts with it. */
    static byte[] columnPrefix(byte[] rowPrefix, String column) {
        byte[] name = column.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = Arrays.copyOf(rowPrefix, rowPrefix.length + escapedLength(name));
        writeEscaped(prefix, rowPrefix.length, name);
        return prefix;
    }

    /** The full key of one cell version. */
    static byte[] cellKey(byte[] rowPrefix, String column, long timestamp) {
        // one exact-size array: this runs for every cell of every write (two per row of a PutRow)
        byte[] name = column.getBytes(StandardCharsets.UTF_8);
        byte[] key = Arrays.copyOf(rowPrefix, rowPrefix.length + escapedLength(name) + Long.BYTES);
        int end = writeEscaped(key, rowPrefix.length, name);
        return putLong(key, end, Long.MAX_VALUE - timestamp);
    }

    /** One decoded cell key. {@code rowPrefixLength} bytes of the key are the {@link #rowPrefix}. */
    record DecodedCell(byte[] rowKey, int rowPrefixLength, String column, long timestamp) {}

    /** Decodes a key of the rows family; throws {@link IllegalStateException} on a malformed key (corruption). */
    static DecodedCell decodeCell(byte[] key) {
        return decodeCell(key, null);
    }

    /** As {@link #decodeCell(byte[])}, taking the column name from {@code names} when it holds the same bytes. */
    static DecodedCell decodeCell(byte[] key, ColumnNames names) {
        // two passes over each field (find its end, then copy it un-escaped) instead of a byte-wise stream: this runs
        // once per row of every scan
        int rowPrefixLength = escapedFieldEnd(key, ID_BYTES);
        byte[] rowKey = unescape(key, ID_BYTES, rowPrefixLength - 2);
        int pos = escapedFieldEnd(key, rowPrefixLength);
        if (key.length - pos != Long.BYTES) {
            throw new IllegalStateException("malformed cell key " + Arrays.toString(key));
        }
        String column = names != null && !hasEscape(key, rowPrefixLength, pos - 2)
                ? names.name(0, key, rowPrefixLength, pos - 2)
                : new String(unescape(key, rowPrefixLength, pos - 2), StandardCharsets.UTF_8);
        long timestamp = Long.MAX_VALUE - getLong(key, pos);
        return new DecodedCell(rowKey, rowPrefixLength, column, timestamp);
    }

    private static boolean hasEscape(byte[] key, int start, int end) {
        for (int i = start; i < end; i++) {
            if (key[i] == ESCAPE) {
                return true;
            }
        }
        return false;
    }

    /** The position just after the terminator {@code 00 01} of the escaped field starting at {@code pos}. */
    private static int escapedFieldEnd(byte[] key, int pos) {
        while (pos + 1 < key.length) {
            if (key[pos] != ESCAPE) {
                pos++;
            } else if (key[pos + 1] == ESCAPED_ZERO) {
                pos += 2;
            } else if (key[pos + 1] == TERMINATOR) {
                return pos + 2;
            } else {
                break;
            }
        }
        throw new IllegalStateException("malformed escaped field in key " + Arrays.toString(key));
    }

    /** The bytes of the escaped field content {@code key[start, end)} (no terminator; validated by the caller). */
    private static byte[] unescape(byte[] key, int start, int end) {
        int escapes = 0;
        for (int i = start; i < end; i++) {
            if (key[i] == ESCAPE) {
                escapes++;
                i++;
            }
        }
        if (escapes == 0) {
            return Arrays.copyOfRange(key, start, end);
        }
        byte[] out = new byte[end - start - escapes];
        int n = 0;
        for (int i = start; i < end; i++) {
            if (key[i] == ESCAPE) {
                out[n++] = 0;
                i++;
            } else {
                out[n++] = key[i];
            }
        }
        return out;
    }

    /**
     * Decodes only the column and timestamp of a cell key of a row whose {@link #rowPrefix} (length
     * {@code rowPrefixLength}) is already known: the row key is decoded once per row, not once per cell. The same
     * result as {@link #decodeCell} for those two fields.
     */
    static DecodedCell decodeCellOfRow(byte[] key, byte[] rowKey, int rowPrefixLength) {
        return decodeCellOfRow(key, rowKey, rowPrefixLength, null, 0);
    }

    /**
     * As {@link #decodeCellOfRow(byte[], byte[], int)}; the column name comes from {@code names} (slot
     * {@code index}: the cell's position in its row) when it holds the same bytes, so a scan does not build a new
     * {@code String} for every cell of every row.
     */
    static DecodedCell decodeCellOfRow(byte[] key, byte[] rowKey, int rowPrefixLength, ColumnNames names,
            int index) {
        int pos = rowPrefixLength;
        // fast path: a column name without zero bytes ends at the first 00 01
        for (int i = pos; i + 1 < key.length; i++) {
            if (key[i] == ESCAPE) {
                if (key[i + 1] == TERMINATOR && key.length - (i + 2) == Long.BYTES) {
                    String column = names != null ? names.name(index, key, pos, i)
                            : new String(key, pos, i - pos, StandardCharsets.UTF_8);
                    return new DecodedCell(rowKey, rowPrefixLength, column, Long.MAX_VALUE - getLong(key, i + 2));
                }
                break;
            }
        }
        ByteArrayOutputStream column = new ByteArrayOutputStream();
        pos = readEscaped(key, pos, column);
        if (key.length - pos != Long.BYTES) {
            throw new IllegalStateException("malformed cell key " + Arrays.toString(key));
        }
        return new DecodedCell(rowKey, rowPrefixLength, column.toString(StandardCharsets.UTF_8),
                Long.MAX_VALUE - getLong(key, pos));
    }

    /** Length of {@code esc(field) 00 01}. */
    private static int escapedLength(byte[] field) {
        int length = field.length + 2;
        for (byte b : field) {
            if (b == ESCAPE) {
                length++;
            }
        }
        return length;
    }

    /** Writes {@code esc(field) 00 01} at {@code pos} (the target has room); returns the position after it. */
    private static int writeEscaped(byte[] target, int pos, byte[] field) {
        for (byte b : field) {
            target[pos++] = b;
            if (b == ESCAPE) {
                target[pos++] = ESCAPED_ZERO;
            }
        }
        target[pos++] = ESCAPE;
        target[pos++] = TERMINATOR;
        return pos;
    }

    /** Reads one escaped field starting at {@code pos} into {@code out}; returns the position after its terminator. */
    private static int readEscaped(byte[] key, int pos, ByteArrayOutputStream out) {
        while (pos + 1 < key.length) {
            byte b = key[pos];
            if (b != ESCAPE) {
                out.write(b);
                pos++;
            } else if (key[pos + 1] == ESCAPED_ZERO) {
                out.write(0);
                pos += 2;
            } else if (key[pos + 1] == TERMINATOR) {
                return pos + 2;
            } else {
                break;
            }
        }
        throw new IllegalStateException("malformed escaped field in key " + Arrays.toString(key));
    }

    // ------------------------------------------------------------------ change log

    /** {@code tableId | shardId}: every record key of the shard starts with it; also the log_trim key. */
    static byte[] shardPrefix(long tableId, long shardId) {
        byte[] key = new byte[2 * ID_BYTES];
        putLong(key, 0, tableId);
        return putLong(key, ID_BYTES, shardId);
    }

    static byte[] logKey(long tableId, long shardId, long sequence) {
        byte[] key = new byte[3 * ID_BYTES];
        putLong(key, 0, tableId);
        putLong(key, ID_BYTES, shardId);
        return putLong(key, 2 * ID_BYTES, sequence);
    }

    static long logKeySequence(byte[] logKey) {
        return getLong(logKey, 2 * ID_BYTES);
    }

    static byte[] logValue(long commitTimeMicros, byte[] payload) {
        byte[] value = new byte[Long.BYTES + payload.length];
        putLong(value, 0, commitTimeMicros);
        System.arraycopy(payload, 0, value, Long.BYTES, payload.length);
        return value;
    }

    static long logValueCommitTime(byte[] value) {
        return getLong(value, 0);
    }

    static byte[] logValuePayload(byte[] value) {
        return Arrays.copyOfRange(value, Long.BYTES, value.length);
    }

    // ------------------------------------------------------------------ helpers

    /**
     * The smallest key greater than every key starting with {@code prefix}, or {@code null} when there is none (the
     * prefix is all 0xFF).
     */
    static byte[] prefixSuccessor(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] next = Arrays.copyOf(prefix, i + 1);
                next[i]++;
                return next;
            }
        }
        return null;
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    static boolean startsWith(byte[] key, byte[] prefix, int prefixLength) {
        return key.length >= prefixLength && Arrays.equals(key, 0, prefixLength, prefix, 0, prefixLength);
    }

    static byte[] putLong(byte[] target, int offset, long value) {
        for (int i = 7; i >= 0; i--) {
            target[offset + i] = (byte) value;
            value >>>= 8;
        }
        return target;
    }

    static long getLong(byte[] source, int offset) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (source[offset + i] & 0xFF);
        }
        return value;
    }

    static byte[] longBytes(long value) {
        return putLong(new byte[Long.BYTES], 0, value);
    }
}
