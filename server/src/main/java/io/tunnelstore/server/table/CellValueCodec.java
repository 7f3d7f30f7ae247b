package io.tunnelstore.server.table;

import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.plainbuffer.PlainBufferRowWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Stored form of an attribute value: one type byte (the PlainBuffer value type: INTEGER 0x00, DOUBLE 0x01,
 * BOOLEAN 0x02, STRING 0x03, BINARY 0x07) followed by the payload (8 bytes big-endian for INTEGER and the
 * DOUBLE bits, one byte 0/1 for BOOLEAN, the raw bytes for STRING/BINARY; no length, the cell value is
 * delimited by the storage engine).
 *
 * <p>Stateless and thread-safe.
 */
public final class CellValueCodec {

    static final byte INTEGER = 0x00;
    static final byte DOUBLE = 0x01;
    static final byte BOOLEAN = 0x02;
    static final byte STRING = 0x03;
    static final byte BINARY = 0x07;

    private CellValueCodec() {}

    /** @throws IllegalArgumentException for INF_MIN, INF_MAX and AUTO_INCREMENT (not storable) */
    public static byte[] encode(ColumnValue value) {
        return switch (value.type()) {
            case INTEGER -> ByteBuffer.allocate(9).put(INTEGER).putLong(value.asLong()).array();
            case DOUBLE -> ByteBuffer.allocate(9)
                    .put(DOUBLE)
                    .putLong(Double.doubleToRawLongBits(value.asDouble()))
                    .array();
            case BOOLEAN -> new byte[] {BOOLEAN, (byte) (value.asBoolean() ? 1 : 0)};
            case STRING, BINARY -> {
                byte[] raw = value.rawBytes();
                byte[] out = new byte[raw.length + 1];
                out[0] = value.type() == io.tunnelstore.protocol.model.ValueType.STRING ? STRING : BINARY;
                System.arraycopy(raw, 0, out, 1, raw.length);
                yield out;
            }
            default -> throw new IllegalArgumentException("cannot store a " + value.type() + " value");
        };
    }

    /** @throws IllegalArgumentException when the bytes are not a stored value (corrupt data) */
    public static ColumnValue decode(byte[] stored) {
        if (stored.length == 0) {
            throw new IllegalArgumentException("empty stored value");
        }
        ByteBuffer buf = ByteBuffer.wrap(stored, 1, stored.length - 1);
        return switch (stored[0]) {
            case INTEGER -> {
                requireLength(stored, 9);
                yield ColumnValue.ofLong(buf.getLong());
            }
            case DOUBLE -> {
                requireLength(stored, 9);
                yield ColumnValue.ofDouble(Double.longBitsToDouble(buf.getLong()));
            }
            case BOOLEAN -> {
                requireLength(stored, 2);
                yield ColumnValue.ofBoolean(stored[1] != 0);
            }
            case STRING -> ColumnValue.ofString(new String(stored, 1, stored.length - 1, StandardCharsets.UTF_8));
            case BINARY -> ColumnValue.ofBinary(Arrays.copyOfRange(stored, 1, stored.length));
            default -> throw new IllegalArgumentException("unknown stored value type " + stored[0]);
        };
    }

    /**
     * Writes a stored value as a PUT cell of a PlainBuffer row, straight from the stored bytes (the same cell as
     * {@code Cell.put(column, decode(stored), timestamp)}, without the intermediate value object or payload copies).
     *
     * @throws IllegalArgumentException when the bytes are not a stored value (corrupt data)
     */
    public static void writeCell(PlainBufferRowWriter out, String column, byte[] stored, long timestamp) {
        if (stored.length == 0) {
            throw new IllegalArgumentException("empty stored value");
        }
        switch (stored[0]) {
            case INTEGER -> {
                requireLength(stored, 9);
                out.integerCell(column, bigEndianLong(stored), timestamp);
            }
            case DOUBLE -> {
                requireLength(stored, 9);
                out.doubleCell(column, Double.longBitsToDouble(bigEndianLong(stored)), timestamp);
            }
            case BOOLEAN -> {
                requireLength(stored, 2);
                out.booleanCell(column, stored[1] != 0, timestamp);
            }
            case STRING -> out.stringCell(column, stored, 1, stored.length - 1, timestamp);
            case BINARY -> out.binaryCell(column, stored, 1, stored.length - 1, timestamp);
            default -> throw new IllegalArgumentException("unknown stored value type " + stored[0]);
        }
    }

    private static long bigEndianLong(byte[] stored) {
        long v = 0;
        for (int i = 1; i < 9; i++) {
            v = (v << 8) | (stored[i] & 0xFF);
        }
        return v;
    }

    private static void requireLength(byte[] stored, int expected) {
        if (stored.length != expected) {
            throw new IllegalArgumentException(
                    "stored value of type " + stored[0] + " has " + stored.length + " bytes, expected " + expected);
        }
    }
}
