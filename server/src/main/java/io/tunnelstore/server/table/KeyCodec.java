package io.tunnelstore.server.table;

import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.model.ValueType;
import io.tunnelstore.protocol.pb.TableProtos.PrimaryKeySchema;
import io.tunnelstore.protocol.plainbuffer.PlainBufferRowWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Order-preserving byte encoding of a {@link PrimaryKey}: for keys {@code a} and {@code b},
 * {@code Arrays.compareUnsigned(encode(a), encode(b))} has the sign of {@code a.compareTo(b)}, so the storage
 * engine's unsigned byte order is the table's primary-key order.
 *
 * <p>Per column: one type tag, then the payload.
 * <ul>
 *   <li>tags follow {@link ColumnValue}'s cross-type rank: INF_MIN {@code 0x00} &lt; INTEGER {@code 0x10} &lt;
 *       STRING {@code 0x20} &lt; BINARY {@code 0x30} &lt; INF_MAX {@code 0xFF}; the markers have no payload, so a
 *       range bound {@code (x, INF_MIN)} sorts before and {@code (x, INF_MAX)} after every stored key starting
 *       with {@code x};</li>
 *   <li>INTEGER: 8 bytes big-endian with the sign bit flipped;</li>
 *   <li>STRING (UTF-8) and BINARY: every {@code 0x00} byte becomes {@code 0x00 0xFF}, and the value ends with
 *       {@code 0x00 0x01}; the terminator sorts below any continuation, so a prefix sorts first whatever
 *       column follows.</li>
 * </ul>
 * A shorter key that is a prefix of a longer one sorts first, as in {@link PrimaryKey#compareTo}.
 *
 * <p>Stateless and thread-safe.
 */
public final class KeyCodec {

    static final int TAG_INF_MIN = 0x00;
    static final int TAG_INTEGER = 0x10;
    static final int TAG_STRING = 0x20;
    static final int TAG_BINARY = 0x30;
    static final int TAG_INF_MAX = 0xFF;

    private KeyCodec() {}

    /**
     * Encodes a key (stored keys and range bounds alike).
     *
     * @throws IllegalArgumentException for DOUBLE, BOOLEAN or AUTO_INCREMENT values (never part of a stored key)
     */
    public static byte[] encode(PrimaryKey key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * Math.max(1, key.size()));
        for (PrimaryKeyColumn column : key.columns()) {
            encodeValue(column.value(), out);
        }
        return out.toByteArray();
    }

    /** Encodes a single value the way {@link #encode} encodes one column (used for partition boundaries). */
    public static byte[] encodeValue(ColumnValue value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16);
        encodeValue(value, out);
        return out.toByteArray();
    }

    private static void encodeValue(ColumnValue value, ByteArrayOutputStream out) {
        switch (value.type()) {
            case INF_MIN -> out.write(TAG_INF_MIN);
            case INF_MAX -> out.write(TAG_INF_MAX);
            case INTEGER -> {
                out.write(TAG_INTEGER);
                long flipped = value.asLong() ^ Long.MIN_VALUE;
                for (int shift = 56; shift >= 0; shift -= 8) {
                    out.write((int) (flipped >>> shift) & 0xFF);
                }
            }
            case STRING, BINARY -> {
                out.write(value.type() == ValueType.STRING ? TAG_STRING : TAG_BINARY);
                for (byte b : value.rawBytes()) {
                    out.write(b);
                    if (b == 0) {
                        out.write(0xFF);
                    }
                }
                out.write(0x00);
                out.write(0x01);
            }
            default -> throw new IllegalArgumentException("a primary key cannot hold a " + value.type() + " value");
        }
    }

    /**
     * Decodes a stored key back to a {@link PrimaryKey}, naming the columns after {@code schema}.
     *
     * @throws IllegalArgumentException when the bytes are not a key of this schema (corrupt data)
     */
    public static PrimaryKey decode(byte[] encoded, List<PrimaryKeySchema> schema) {
        List<PrimaryKeyColumn> columns = new ArrayList<>(schema.size());
        int pos = 0;
        for (PrimaryKeySchema column : schema) {
            if (pos >= encoded.length) {
                throw new IllegalArgumentException("encoded key ends before column '" + column.getName() + "'");
            }
            int tag = encoded[pos++] & 0xFF;
            ColumnValue value;
            switch (tag) {
                case TAG_INF_MIN -> value = ColumnValue.INF_MIN;
                case TAG_INF_MAX -> value = ColumnValue.INF_MAX;
                case TAG_INTEGER -> {
                    value = ColumnValue.ofLong(integerAt(encoded, pos, column));
                    pos += 8;
                }
                case TAG_STRING, TAG_BINARY -> {
                    ByteArrayOutputStream raw = new ByteArrayOutputStream();
                    while (true) {
                        if (pos >= encoded.length) {
                            throw unterminated(column);
                        }
                        byte b = encoded[pos++];
                        if (b != 0) {
                            raw.write(b);
                            continue;
                        }
                        if (pos >= encoded.length) {
                            throw unterminated(column);
                        }
                        int next = encoded[pos++] & 0xFF;
                        if (next == 0x01) {
                            break;
                        }
                        if (next != 0xFF) {
                            throw new IllegalArgumentException("bad escape in column '" + column.getName() + "'");
                        }
                        raw.write(0);
                    }
                    value = tag == TAG_STRING
                            ? ColumnValue.ofString(new String(raw.toByteArray(), StandardCharsets.UTF_8))
                            : ColumnValue.ofBinary(raw.toByteArray());
                }
                default -> throw new IllegalArgumentException(
                        "unknown tag 0x" + Integer.toHexString(tag) + " in column '" + column.getName() + "'");
            }
            columns.add(PrimaryKeyColumn.of(column.getName(), value));
        }
        if (pos != encoded.length) {
            throw new IllegalArgumentException("encoded key has " + (encoded.length - pos) + " trailing bytes");
        }
        return PrimaryKey.of(columns);
    }

    /**
     * Writes a stored key's columns to {@code writer} as primary-key cells (after {@link PlainBufferRowWriter#beginRow()}),
     * the same cells {@code writer.beginRow(decode(encoded, schema))} writes, without building the {@link PrimaryKey}:
     * this runs for every row of a base-data hand-over. STRING/BINARY payloads without zero bytes are taken from
     * {@code encoded} in place.
     *
     * @throws IllegalArgumentException when the bytes are not a stored key of this schema (corrupt data)
     */
    public static void writeKey(byte[] encoded, List<PrimaryKeySchema> schema, PlainBufferRowWriter writer) {
        int pos = 0;
        for (int c = 0, n = schema.size(); c < n; c++) {  // indexed: once per key column of every row handed over
            PrimaryKeySchema column = schema.get(c);
            if (pos >= encoded.length) {
                throw new IllegalArgumentException("encoded key ends before column '" + column.getName() + "'");
            }
            int tag = encoded[pos++] & 0xFF;
            switch (tag) {
                case TAG_INTEGER -> {
                    writer.integerKey(column.getName(), integerAt(encoded, pos, column));
                    pos += 8;
                }
                case TAG_STRING, TAG_BINARY -> {
                    int start = pos;
                    int escapes = 0;
                    while (true) {  // find the terminator 00 01, counting escaped zeros 00 FF
                        if (pos + 1 >= encoded.length) {
                            throw unterminated(column);
                        }
                        if (encoded[pos] != 0) {
                            pos++;
                        } else if ((encoded[pos + 1] & 0xFF) == 0xFF) {
                            escapes++;
                            pos += 2;
                        } else if (encoded[pos + 1] == 0x01) {
                            break;
                        } else {
                            throw new IllegalArgumentException("bad escape in column '" + column.getName() + "'");
                        }
                    }
                    int end = pos;
                    pos += 2;
                    byte[] src = encoded;
                    int offset = start;
                    int length = end - start;
                    if (escapes > 0) {
                        src = new byte[length - escapes];
                        for (int i = start, o = 0; i < end; i++) {
                            src[o++] = encoded[i];
                            if (encoded[i] == 0) {
                                i++;  // skip the escape's 0xFF
                            }
                        }
                        offset = 0;
                        length = src.length;
                    }
                    if (tag == TAG_STRING) {
                        writer.stringKey(column.getName(), src, offset, length);
                    } else {
                        writer.binaryKey(column.getName(), src, offset, length);
                    }
                }
                default -> throw new IllegalArgumentException("tag 0x" + Integer.toHexString(tag) + " in column '"
                        + column.getName() + "' is not a stored key's");
            }
        }
        if (pos != encoded.length) {
            throw new IllegalArgumentException("encoded key has " + (encoded.length - pos) + " trailing bytes");
        }
    }

    /** The INTEGER whose 8 bytes start at {@code pos} (stored with the sign bit flipped, so bytes sort as numbers). */
    private static long integerAt(byte[] encoded, int pos, PrimaryKeySchema column) {
        if (pos + 8 > encoded.length) {
            throw new IllegalArgumentException("truncated INTEGER in column '" + column.getName() + "'");
        }
        long flipped = 0;
        for (int i = 0; i < 8; i++) {
            flipped = (flipped << 8) | (encoded[pos + i] & 0xFF);
        }
        return flipped ^ Long.MIN_VALUE;
    }

    private static IllegalArgumentException unterminated(PrimaryKeySchema column) {
        return new IllegalArgumentException("unterminated value in column '" + column.getName() + "'");
    }

    /** Unsigned lexicographic comparison, the storage engine's key order. */
    public static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    /**
     * The smallest byte string greater than {@code key} ({@code key + 0x00}): turns "after {@code key}" into an
     * inclusive bound and "up to and including {@code key}" into an exclusive one.
     */
    public static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }
}
