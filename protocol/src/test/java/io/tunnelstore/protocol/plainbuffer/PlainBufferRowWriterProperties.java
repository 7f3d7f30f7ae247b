package io.tunnelstore.protocol.plainbuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;

/** The row writer (base-data records from stored bytes) writes exactly what {@code encodeRow} writes. */
class PlainBufferRowWriterProperties {

    @Provide
    Arbitrary<List<PlainRow>> putRows() {
        Arbitrary<Cell> cell = Combinators.combine(RowArbitraries.names(), RowArbitraries.attributeValues(),
                RowArbitraries.timestamps()).as(Cell::put);
        Arbitrary<PlainRow> row = Combinators.combine(RowArbitraries.primaryKeys(false), cell.list().ofMaxSize(5))
                .as(PlainRow::of);
        return row.list().ofMinSize(1).ofMaxSize(4);
    }

    /** Several rows through one writer: its reused buffer must not leak one row into the next. */
    @Property(tries = 400)
    void sameBytesAsEncodeRow(@ForAll("putRows") List<PlainRow> rows) {
        PlainBufferRowWriter writer = new PlainBufferRowWriter();
        for (PlainRow row : rows) {
            writer.beginRow(row.primaryKey());
            for (Cell c : row.cells()) {
                write(writer, c);
            }
            byte[] written = writer.finishRow();
            assertThat(written).isEqualTo(PlainBufferCodec.encodeRow(row));
            assertThat(PlainBufferCodec.decodeSingleRow(written)).isEqualTo(row);
        }
    }

    /** The key written column by column (straight from a stored key) gives the same bytes as from a PrimaryKey. */
    @Property(tries = 400)
    void keyWrittenColumnByColumnIsTheSame(@ForAll("putRows") List<PlainRow> rows) {
        PlainBufferRowWriter writer = new PlainBufferRowWriter();
        for (PlainRow row : rows) {
            writer.beginRow();
            for (PrimaryKeyColumn k : row.primaryKey().columns()) {
                writeKey(writer, k);
            }
            for (Cell c : row.cells()) {
                write(writer, c);
            }
            assertThat(writer.finishRow()).isEqualTo(PlainBufferCodec.encodeRow(row));
        }
    }

    @Example
    void keyColumnsAfterAttributesAreRefused() {
        PlainBufferRowWriter writer = new PlainBufferRowWriter();
        assertThatThrownBy(() -> writer.integerKey("id", 1)).isInstanceOf(IllegalStateException.class);
        writer.beginRow();
        writer.stringKey("k", new byte[] {0, 'a', 'b'}, 1, 2);
        writer.integerCell("a", 1, 1);
        assertThatThrownBy(() -> writer.integerKey("id", 1)).isInstanceOf(IllegalStateException.class);
        assertThat(writer.finishRow()).isEqualTo(PlainBufferCodec.encodeRow(PlainRow.of(
                PrimaryKey.of(PrimaryKeyColumn.of("k", ColumnValue.ofString("ab"))),
                List.of(Cell.put("a", ColumnValue.ofLong(1), 1L)))));
    }

    private static void writeKey(PlainBufferRowWriter w, PrimaryKeyColumn k) {
        ColumnValue v = k.value();
        switch (v.type()) {
            case INTEGER -> w.integerKey(k.name(), v.asLong());
            case STRING -> {
                byte[] raw = v.rawBytes();
                w.stringKey(k.name(), raw, 0, raw.length);
            }
            case BINARY -> {
                byte[] raw = v.rawBytes();
                w.binaryKey(k.name(), raw, 0, raw.length);
            }
            default -> throw new AssertionError(v.type());
        }
    }

    @Example
    void payloadIsTakenFromTheGivenRangeOnly() {
        PlainBufferRowWriter writer = new PlainBufferRowWriter();
        PrimaryKey pk = PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.ofLong(7)));
        writer.beginRow(pk);
        writer.binaryCell("v", new byte[] {9, 1, 2, 3, 9}, 1, 3, 42L);
        writer.stringCell("s", new byte[] {0, 'h', 'i'}, 1, 2, 43L);
        assertThat(writer.finishRow()).isEqualTo(PlainBufferCodec.encodeRow(PlainRow.of(pk, List.of(
                Cell.put("v", ColumnValue.ofBinary(new byte[] {1, 2, 3}), 42L),
                Cell.put("s", ColumnValue.ofString("hi"), 43L)))));
    }

    @Example
    void misuseIsRefused() {
        PlainBufferRowWriter writer = new PlainBufferRowWriter();
        assertThatThrownBy(() -> writer.integerCell("a", 1, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(writer::finishRow).isInstanceOf(IllegalStateException.class);
        writer.beginRow(PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.ofLong(1))));
        assertThatThrownBy(() -> writer.integerCell("a", 1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> writer.binaryCell("a", new byte[2], 1, 2, 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    private static void write(PlainBufferRowWriter w, Cell c) {
        ColumnValue v = c.value();
        long ts = c.timestamp();
        switch (v.type()) {
            case INTEGER -> w.integerCell(c.name(), v.asLong(), ts);
            case DOUBLE -> w.doubleCell(c.name(), v.asDouble(), ts);
            case BOOLEAN -> w.booleanCell(c.name(), v.asBoolean(), ts);
            case STRING -> {
                byte[] raw = v.rawBytes();
                w.stringCell(c.name(), raw, 0, raw.length, ts);
            }
            case BINARY -> {
                byte[] raw = v.rawBytes();
                w.binaryCell(c.name(), raw, 0, raw.length, ts);
            }
            default -> throw new AssertionError(v.type());
        }
    }
}
