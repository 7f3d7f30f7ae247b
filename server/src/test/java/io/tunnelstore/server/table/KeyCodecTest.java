package io.tunnelstore.server.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.pb.TableProtos.PrimaryKeySchema;
import io.tunnelstore.protocol.pb.TableProtos.PrimaryKeyType;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;

class KeyCodecTest {

    /** Schema: (INTEGER, STRING, BINARY). */
    private static final List<PrimaryKeySchema> SCHEMA = List.of(
            PrimaryKeySchema.newBuilder().setName("a").setType(PrimaryKeyType.INTEGER).build(),
            PrimaryKeySchema.newBuilder().setName("b").setType(PrimaryKeyType.STRING).build(),
            PrimaryKeySchema.newBuilder().setName("c").setType(PrimaryKeyType.BINARY).build());

    @Property(tries = 2000)
    void byteOrderEqualsKeyOrder(@ForAll("keys") PrimaryKey a, @ForAll("keys") PrimaryKey b) {
        int expected = Integer.signum(a.compareTo(b));
        assertThat(Integer.signum(KeyCodec.compare(KeyCodec.encode(a), KeyCodec.encode(b)))).isEqualTo(expected);
    }

    @Property(tries = 1000)
    void boundsOrderLikeKeys(@ForAll("bounds") PrimaryKey a, @ForAll("bounds") PrimaryKey b) {
        assertThat(Integer.signum(KeyCodec.compare(KeyCodec.encode(a), KeyCodec.encode(b))))
                .isEqualTo(Integer.signum(a.compareTo(b)));
    }

    @Property(tries = 1000)
    void decodeInvertsEncode(@ForAll("keys") PrimaryKey key) {
        assertThat(KeyCodec.decode(KeyCodec.encode(key), SCHEMA)).isEqualTo(key);
    }

    /** The hand-over's direct path writes the same PlainBuffer key cells as the decoded PrimaryKey does. */
    @Property(tries = 1000)
    void writeKeyWritesTheDecodedKey(@ForAll("keys") PrimaryKey key) {
        io.tunnelstore.protocol.plainbuffer.PlainBufferRowWriter direct =
                new io.tunnelstore.protocol.plainbuffer.PlainBufferRowWriter();
        direct.beginRow();
        KeyCodec.writeKey(KeyCodec.encode(key), SCHEMA, direct);
        io.tunnelstore.protocol.plainbuffer.PlainBufferRowWriter decoded =
                new io.tunnelstore.protocol.plainbuffer.PlainBufferRowWriter();
        decoded.beginRow(KeyCodec.decode(KeyCodec.encode(key), SCHEMA));
        assertThat(direct.finishRow()).isEqualTo(decoded.finishRow());
    }

    @Example
    void writeKeyRefusesCorruptKeys() {
        io.tunnelstore.protocol.plainbuffer.PlainBufferRowWriter w =
                new io.tunnelstore.protocol.plainbuffer.PlainBufferRowWriter();
        w.beginRow();
        byte[] good = KeyCodec.encode(key(1, ColumnValue.ofString("x"), ColumnValue.ofBinary(new byte[] {0})));
        assertThatThrownBy(() -> KeyCodec.writeKey(java.util.Arrays.copyOf(good, good.length - 1), SCHEMA, w))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyCodec.writeKey(new byte[] {0x10, 1}, SCHEMA, w))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated INTEGER");
    }

    @Example
    void infinityBoundsEncloseEveryKeyWithTheSamePrefix() {
        PrimaryKey low = key(5, ColumnValue.INF_MIN, ColumnValue.INF_MIN);
        PrimaryKey high = key(5, ColumnValue.INF_MAX, ColumnValue.INF_MAX);
        PrimaryKey inside = key(5, ColumnValue.ofString("\u0000"), ColumnValue.ofBinary(new byte[] {-1, -1}));
        PrimaryKey next = key(6, ColumnValue.ofString(""), ColumnValue.ofBinary(new byte[0]));
        assertThat(KeyCodec.compare(KeyCodec.encode(low), KeyCodec.encode(inside))).isNegative();
        assertThat(KeyCodec.compare(KeyCodec.encode(inside), KeyCodec.encode(high))).isNegative();
        assertThat(KeyCodec.compare(KeyCodec.encode(high), KeyCodec.encode(next))).isNegative();
    }

    @Example
    void integersUseSignFlippedBigEndian() {
        assertThat(KeyCodec.encodeValue(ColumnValue.ofLong(-1)))
                .containsExactly(0x10, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF);
        assertThat(KeyCodec.encodeValue(ColumnValue.ofLong(1)))
                .containsExactly(0x10, 0x80, 0, 0, 0, 0, 0, 0, 1);
    }

    @Example
    void zeroBytesAreEscapedAndValuesTerminated() {
        assertThat(KeyCodec.encodeValue(ColumnValue.ofBinary(new byte[] {0, 7})))
                .containsExactly(0x30, 0x00, 0xFF, 0x07, 0x00, 0x01);
    }

    @Example
    void corruptKeysAreRejected() {
        byte[] good = KeyCodec.encode(key(1, ColumnValue.ofString("x"), ColumnValue.ofBinary(new byte[] {1})));
        assertThatThrownBy(() -> KeyCodec.decode(java.util.Arrays.copyOf(good, good.length - 1), SCHEMA))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unterminated");
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> KeyCodec.decode(trailing, SCHEMA))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing");
    }

    private static PrimaryKey key(long a, ColumnValue b, ColumnValue c) {
        return PrimaryKey.of(PrimaryKeyColumn.of("a", ColumnValue.ofLong(a)), PrimaryKeyColumn.of("b", b),
                PrimaryKeyColumn.of("c", c));
    }

    private static Arbitrary<byte[]> smallBytes() {
        // few distinct byte values so that shared prefixes, zero bytes and 0xFF are frequent
        return Arbitraries.of((byte) 0, (byte) 1, (byte) 0x7F, (byte) 0x80, (byte) 0xFF, (byte) 'a')
                .array(byte[].class).ofMaxSize(4);
    }

    @Provide
    Arbitrary<PrimaryKey> keys() {
        Arbitrary<Long> ints = Arbitraries.oneOf(Arbitraries.longs().between(-3, 3),
                Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 255L, 256L), Arbitraries.longs());
        Arbitrary<String> strings = smallBytes().map(b -> {
            StringBuilder sb = new StringBuilder();
            for (byte x : b) {
                sb.append(x == (byte) 0xFF ? '\u00ff' : x == (byte) 0x80 ? '\u4e2d' : (char) (x & 0x7F));
            }
            return sb.toString();
        });
        return Combinators.combine(ints, strings, smallBytes())
                .as((a, b, c) -> key(a, ColumnValue.ofString(b), ColumnValue.ofBinary(c)));
    }

    @Provide
    Arbitrary<PrimaryKey> bounds() {
        Arbitrary<ColumnValue> a = Arbitraries.oneOf(Arbitraries.longs().between(-2, 2).map(ColumnValue::ofLong),
                Arbitraries.of(ColumnValue.INF_MIN, ColumnValue.INF_MAX));
        Arbitrary<ColumnValue> b = Arbitraries.oneOf(Arbitraries.of("", "a", "ab", "b").map(ColumnValue::ofString),
                Arbitraries.of(ColumnValue.INF_MIN, ColumnValue.INF_MAX));
        Arbitrary<ColumnValue> c = Arbitraries.oneOf(smallBytes().map(ColumnValue::ofBinary),
                Arbitraries.of(ColumnValue.INF_MIN, ColumnValue.INF_MAX));
        return Combinators.combine(a, b, c).as((x, y, z) -> {
            List<PrimaryKeyColumn> cols = new ArrayList<>();
            cols.add(PrimaryKeyColumn.of("a", x));
            cols.add(PrimaryKeyColumn.of("b", y));
            cols.add(PrimaryKeyColumn.of("c", z));
            return PrimaryKey.of(cols);
        });
    }
}
