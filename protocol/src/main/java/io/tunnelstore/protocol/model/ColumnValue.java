package io.tunnelstore.protocol.model;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An immutable cell or primary-key value.
 *
 * <p>Ordering ({@link #compareTo}) is the primary-key order: {@code INF_MIN} is below every value and
 * {@code INF_MAX} above every value. Values of the same type compare naturally: INTEGER as signed 64-bit,
 * DOUBLE by {@link Double#compare} (so {@code -0.0 < 0.0} and NaN is largest), BOOLEAN with
 * {@code false < true}, STRING and BINARY by their bytes compared unsigned and lexicographically (for STRING
 * that is the UTF-8 encoding, which matches code-point order). Values of different types compare by this
 * documented type rank:
 * <pre>INF_MIN &lt; INTEGER &lt; DOUBLE &lt; BOOLEAN &lt; STRING &lt; BINARY &lt; AUTO_INCREMENT &lt; INF_MAX</pre>
 * (stored primary keys only ever mix INTEGER &lt; STRING &lt; BINARY; filters must check types themselves
 * before relying on a cross-type comparison). The order is consistent with {@link #equals}.
 *
 * <p>Instances are thread-safe. Byte arrays are copied on the way in and out.
 */
public final class ColumnValue implements Comparable<ColumnValue> {

    /** Range bound below every value (GetRange requests only). */
    public static final ColumnValue INF_MIN = new ColumnValue(ValueType.INF_MIN, 0L, null, null);
    /** Range bound above every value (GetRange requests only). */
    public static final ColumnValue INF_MAX = new ColumnValue(ValueType.INF_MAX, 0L, null, null);
    /** Placeholder for a server-assigned auto-increment primary key value (write requests only). */
    public static final ColumnValue AUTO_INCREMENT = new ColumnValue(ValueType.AUTO_INCREMENT, 0L, null, null);

    private static final ColumnValue TRUE = new ColumnValue(ValueType.BOOLEAN, 1L, null, null);
    private static final ColumnValue FALSE = new ColumnValue(ValueType.BOOLEAN, 0L, null, null);

    private final ValueType type;
    /** INTEGER value, DOUBLE raw bits, or BOOLEAN 0/1. */
    private final long bits;
    /** STRING (UTF-8) or BINARY bytes; never exposed without copying. */
    private final byte[] bytes;
    /** Decoded string for STRING values. */
    private final String string;

    private ColumnValue(ValueType type, long bits, byte[] bytes, String string) {
        this.type = type;
        this.bits = bits;
        this.bytes = bytes;
        this.string = string;
    }

    public static ColumnValue ofLong(long value) {
        return new ColumnValue(ValueType.INTEGER, value, null, null);
    }

    public static ColumnValue ofDouble(double value) {
        return new ColumnValue(ValueType.DOUBLE, Double.doubleToRawLongBits(value), null, null);
    }

    public static ColumnValue ofBoolean(boolean value) {
        return value ? TRUE : FALSE;
    }

    /** A STRING value; it is stored as its UTF-8 encoding (unpaired surrogates become '?'). */
    public static ColumnValue ofString(String value) {
        Objects.requireNonNull(value, "value");
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        return new ColumnValue(ValueType.STRING, 0L, utf8, new String(utf8, StandardCharsets.UTF_8));
    }

    /** A BINARY value (the array is copied). */
    public static ColumnValue ofBinary(byte[] value) {
        Objects.requireNonNull(value, "value");
        return new ColumnValue(ValueType.BINARY, 0L, value.clone(), null);
    }

    public ValueType type() {
        return type;
    }

    /** @throws IllegalStateException unless the type is INTEGER */
    public long asLong() {
        requireType(ValueType.INTEGER);
        return bits;
    }

    /** @throws IllegalStateException unless the type is DOUBLE */
    public double asDouble() {
        requireType(ValueType.DOUBLE);
        return Double.longBitsToDouble(bits);
    }

    /** @throws IllegalStateException unless the type is BOOLEAN */
    public boolean asBoolean() {
        requireType(ValueType.BOOLEAN);
        return bits != 0;
    }

    /** @throws IllegalStateException unless the type is STRING */
    public String asString() {
        requireType(ValueType.STRING);
        return string;
    }

    /** A copy of the BINARY bytes. @throws IllegalStateException unless the type is BINARY */
    public byte[] asBinary() {
        requireType(ValueType.BINARY);
        return bytes.clone();
    }

    /** A copy of the payload bytes: UTF-8 for STRING, the bytes for BINARY. @throws IllegalStateException otherwise */
    public byte[] rawBytes() {
        if (bytes == null) {
            throw new IllegalStateException("rawBytes() needs a STRING or BINARY value, but the type is " + type);
        }
        return bytes.clone();
    }

    /**
     * Copies the payload bytes ({@link #rawBytes()}) into {@code dest} at {@code offset}, without an intermediate copy
     * (encoders writing into their output buffer). @throws IllegalStateException unless STRING or BINARY
     */
    public void copyRawBytesTo(byte[] dest, int offset) {
        if (bytes == null) {
            throw new IllegalStateException("copyRawBytesTo() needs a STRING or BINARY value, but the type is " + type);
        }
        System.arraycopy(bytes, 0, dest, offset, bytes.length);
    }

    /** Length of {@link #rawBytes()} without copying. @throws IllegalStateException unless STRING or BINARY */
    public int rawLength() {
        if (bytes == null) {
            throw new IllegalStateException("rawLength() needs a STRING or BINARY value, but the type is " + type);
        }
        return bytes.length;
    }

    /**
     * Size used for capacity/row-size accounting: 8 for INTEGER and DOUBLE, 1 for BOOLEAN, the byte length for
     * STRING/BINARY, 0 for the markers.
     */
    public int dataSize() {
        return switch (type) {
            case INTEGER, DOUBLE -> 8;
            case BOOLEAN -> 1;
            case STRING, BINARY -> bytes.length;
            case INF_MIN, INF_MAX, AUTO_INCREMENT -> 0;
        };
    }

    private void requireType(ValueType expected) {
        if (type != expected) {
            throw new IllegalStateException("value is " + type + ", not " + expected);
        }
    }

    private static int rank(ValueType t) {
        return switch (t) {
            case INF_MIN -> 0;
            case INTEGER -> 1;
            case DOUBLE -> 2;
            case BOOLEAN -> 3;
            case STRING -> 4;
            case BINARY -> 5;
            case AUTO_INCREMENT -> 6;
            case INF_MAX -> 7;
        };
    }

    @Override
    public int compareTo(ColumnValue other) {
        if (type != other.type) {
            return Integer.compare(rank(type), rank(other.type));
        }
        return switch (type) {
            case INTEGER -> Long.compare(bits, other.bits);
            case DOUBLE -> Double.compare(Double.longBitsToDouble(bits), Double.longBitsToDouble(other.bits));
            case BOOLEAN -> Long.compare(bits, other.bits);
            case STRING, BINARY -> Arrays.compareUnsigned(bytes, other.bytes);
            case INF_MIN, INF_MAX, AUTO_INCREMENT -> 0;
        };
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof ColumnValue v && compareTo(v) == 0;
    }

    @Override
    public int hashCode() {
        return switch (type) {
            case INTEGER, BOOLEAN -> 31 * type.hashCode() + Long.hashCode(bits);
            // Double.compare equality == doubleToLongBits equality (canonical NaN)
            case DOUBLE -> 31 * type.hashCode() + Long.hashCode(Double.doubleToLongBits(Double.longBitsToDouble(bits)));
            case STRING, BINARY -> 31 * type.hashCode() + Arrays.hashCode(bytes);
            case INF_MIN, INF_MAX, AUTO_INCREMENT -> type.hashCode();
        };
    }

    @Override
    public String toString() {
        return switch (type) {
            case INTEGER -> Long.toString(bits);
            case DOUBLE -> Double.toString(Double.longBitsToDouble(bits));
            case BOOLEAN -> Boolean.toString(bits != 0);
            case STRING -> '"' + string + '"';
            case BINARY -> "0x" + HexFormat.of().formatHex(bytes);
            case INF_MIN, INF_MAX, AUTO_INCREMENT -> type.name();
        };
    }
}
