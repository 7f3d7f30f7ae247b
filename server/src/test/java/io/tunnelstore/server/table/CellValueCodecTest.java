package io.tunnelstore.server.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.protocol.plainbuffer.PlainBufferRowWriter;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CellValueCodecTest {

    static Stream<ColumnValue> values() {
        return Stream.of(ColumnValue.ofLong(0), ColumnValue.ofLong(Long.MIN_VALUE), ColumnValue.ofLong(-42),
                ColumnValue.ofDouble(3.25), ColumnValue.ofDouble(-0.0), ColumnValue.ofDouble(Double.NaN),
                ColumnValue.ofBoolean(true), ColumnValue.ofBoolean(false), ColumnValue.ofString(""),
                ColumnValue.ofString("h\u00e9llo \u4e2d"), ColumnValue.ofBinary(new byte[0]),
                ColumnValue.ofBinary(new byte[] {0, -1, 7}));
    }

    @ParameterizedTest
    @MethodSource("values")
    void roundTripsEveryDataType(ColumnValue value) {
        ColumnValue decoded = CellValueCodec.decode(CellValueCodec.encode(value));
        assertThat(decoded).isEqualTo(value);
        assertThat(decoded.type()).isEqualTo(value.type());
    }

    /** Base-data records are written straight from stored bytes: the same PlainBuffer as via the decoded value. */
    @ParameterizedTest
    @MethodSource("values")
    void writesAStoredValueAsThePutCellOfItsDecodedValue(ColumnValue value) {
        PrimaryKey pk = PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.ofLong(5)));
        PlainBufferRowWriter writer = new PlainBufferRowWriter();
        writer.beginRow(pk);
        CellValueCodec.writeCell(writer, "c", CellValueCodec.encode(value), 1_700_000_000_000L);
        assertThat(writer.finishRow()).isEqualTo(PlainBufferCodec.encodeRow(
                PlainRow.of(pk, List.of(Cell.put("c", value, 1_700_000_000_000L)))));
    }

    @Test
    void writingCorruptStoredBytesFailsLikeDecoding() {
        PlainBufferRowWriter writer = new PlainBufferRowWriter();
        writer.beginRow(PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.ofLong(5))));
        assertThatThrownBy(() -> CellValueCodec.writeCell(writer, "c", new byte[0], 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("empty stored value");
        assertThatThrownBy(() -> CellValueCodec.writeCell(writer, "c", new byte[] {0, 1, 2}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("stored value of type 0 has 3 bytes, expected 9");
        assertThatThrownBy(() -> CellValueCodec.writeCell(writer, "c", new byte[] {5, 1}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown stored value type 5");
    }

    @Test
    void storedFormIsTypeByteThenPayload() {
        assertThat(CellValueCodec.encode(ColumnValue.ofLong(258))).containsExactly(0, 0, 0, 0, 0, 0, 0, 1, 2);
        assertThat(CellValueCodec.encode(ColumnValue.ofBoolean(true))).containsExactly(2, 1);
        assertThat(CellValueCodec.encode(ColumnValue.ofString("ab"))).containsExactly(3, 'a', 'b');
        assertThat(CellValueCodec.encode(ColumnValue.ofBinary(new byte[] {9}))).containsExactly(7, 9);
        assertThat(CellValueCodec.encode(ColumnValue.ofDouble(1.0)))
                .containsExactly(1, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void markersAndCorruptBytesAreRejected() {
        assertThatThrownBy(() -> CellValueCodec.encode(ColumnValue.INF_MAX))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CellValueCodec.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CellValueCodec.decode(new byte[] {0, 1})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CellValueCodec.decode(new byte[] {9})).isInstanceOf(IllegalArgumentException.class);
    }
}
