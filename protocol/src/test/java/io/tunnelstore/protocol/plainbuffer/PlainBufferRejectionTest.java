package io.tunnelstore.protocol.plainbuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.model.SequenceInfo;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The strict decoder names each kind of malformed input precisely. */
class PlainBufferRejectionTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static void assertRejected(String hex, String messagePart) {
        assertThatThrownBy(() -> PlainBufferCodec.decodeRows(hex(hex)))
                .isInstanceOf(PlainBufferException.class).hasMessageContaining(messagePart);
    }

    @Test
    void wrongHeader() {
        assertRejected("76 00 00 00 01 09 00", "header is 0x00000076");
        assertRejected("75 00", "truncated PlainBuffer: header");
    }

    @Test
    void headerWithoutRow() {
        assertRejected("75 00 00 00", "header is not followed by any row");
    }

    @Test
    void missingRowPkTag() {
        assertRejected("75 00 00 00 02 03", "expected TAG_ROW_PK (tag 0x01) at offset 4 but found 0x02");
    }

    @Test
    void cellChecksumMismatch() {
        // GET_ROW_KEY with cell checksum 4C changed to 4D
        assertRejected("75 00 00 00 01 03 04 02 00 00 00 70 6B 05 09 00 00 00 00 01 00 00 00 00 00 00 00 0A 4D 09 A7",
                "cell checksum mismatch in cell 'pk' at offset 5: stored 0x4D, computed 0x4C");
    }

    @Test
    void rowChecksumMismatch() {
        assertRejected("75 00 00 00 01 03 04 02 00 00 00 70 6B 05 09 00 00 00 00 01 00 00 00 00 00 00 00 0A 4C 09 A8",
                "row checksum mismatch in row starting at offset 4: stored 0xA8, computed 0xA7");
        // the delete marker is folded into the row checksum: removing it must break the checksum
        assertRejected("75 00 00 00 01 03 04 02 00 00 00 70 6B 05 09 00 00 00 00 01 00 00 00 00 00 00 00 0A 4C 09 A0",
                "row checksum mismatch");
    }

    @Test
    void valueLengthPrefixMustMatch() {
        // INTEGER with L = 8 instead of 9
        assertRejected("75 00 00 00 01 03 04 02 00 00 00 70 6B 05 08 00 00 00 00 01 00 00 00 00 00 00 00 0A 4C 09 A7",
                "has length 9 but its length prefix says 8");
        // STRING whose inner length exceeds the outer L
        assertRejected("75 00 00 00 01 03 04 02 00 00 00 70 6B 05 06 00 00 00 03 02 00 00 00 61 0A D4 09 00",
                "exceeds the enclosing value length 6");
        assertRejected("75 00 00 00 01 03 04 02 00 00 00 70 6B 05 00 00 00 00", "invalid cell value length 0");
    }

    @Test
    void negativeLengthsAndTruncation() {
        assertRejected("75 00 00 00 01 03 04 FF FF FF FF", "negative cell name length -1");
        assertRejected("75 00 00 00 01 03 04 10 00 00 00 70 6B", "truncated PlainBuffer: cell name needs 16 byte(s)");
    }

    @Test
    void valueErrorsNameTheirCellAlthoughTheLabelIsBuiltOnlyOnFailure() {
        // STRING value of cell 'pk' whose inner length (3) exceeds the outer L (2)
        assertRejected("75 00 00 00 01 03 04 02 00 00 00 70 6B 05 02 00 00 00 03 03 00 00 00",
                "length 3 of value of cell 'pk' at offset 19 exceeds the enclosing value length 2");
        // INTEGER value of cell 'pk' cut after 3 of its 8 bytes
        assertRejected("75 00 00 00 01 03 04 02 00 00 00 70 6B 05 09 00 00 00 00 01 02 03",
                "truncated PlainBuffer: value of cell 'pk' needs 8 byte(s) at offset 19 but only 3 remain");
        // a bare value (filters, partition ranges) is called "value"
        assertThatThrownBy(() -> PlainBufferCodec.decodeValueNoLengthPrefix(hex("03 05 00")))
                .isInstanceOf(PlainBufferException.class)
                .hasMessage("truncated PlainBuffer: value length needs 4 byte(s) at offset 1 but only 2 remain");
    }

    @Test
    void nonAsciiNamesAndStringsTakeTheStrictDecoder() {
        PlainRow row = PlainRow.of(PrimaryKey.of(PrimaryKeyColumn.of("clé", ColumnValue.ofString("日本"))),
                List.of(Cell.put("ß", ColumnValue.ofString("x\u00e9"), 5L)));
        assertThat(PlainBufferCodec.decodeSingleRow(PlainBufferCodec.encodeRow(row))).isEqualTo(row);
    }

    @Test
    void unknownValueTypeAndBadBoolean() {
        assertRejected("75 00 00 00 01 03 04 02 00 00 00 70 6B 05 01 00 00 00 05 0A 00 09 00", "unknown value type 0x05");
        byte[] row = PlainBufferCodec.encodeRow(PlainRow.of(PrimaryKey.of(PrimaryKeyColumn.of("k", ColumnValue.ofLong(1))),
                List.of(Cell.put("b", ColumnValue.ofBoolean(true)))));
        String h = HexFormat.of().formatHex(row);
        // the boolean payload "02 01" becomes "02 02"
        String bad = h.replace("0502000000" + "0201", "0502000000" + "0202");
        assertThat(bad).isNotEqualTo(h);
        assertRejected(bad, "invalid boolean byte 2");
    }

    @Test
    void unknownCellTypeAndNegativeTimestamp() {
        String base = HexFormat.of().formatHex(PlainBufferCodec.encodeRow(PlainRow.of(
                PrimaryKey.of(PrimaryKeyColumn.of("k", ColumnValue.ofLong(1))), List.of(Cell.deleteAllVersions("c")))));
        assertRejected(base.replace("0601", "0602"), "unknown cell type 0x02");
        String ts = HexFormat.of().formatHex(PlainBufferCodec.encodeRow(PlainRow.of(
                PrimaryKey.of(PrimaryKeyColumn.of("k", ColumnValue.ofLong(1))), List.of(Cell.put("c", ColumnValue.ofLong(2), 5)))));
        assertRejected(ts.replace("070500000000000000", "0705000000000000ff"), "negative timestamp");
    }

    @Test
    void primaryKeyCellsMustBePlainValues() {
        // a PK cell with a cell type tag (06 01): "pk" INTEGER 1, type 1; cell CRC over name, value, type
        int crc = Crc8.update(Crc8.updateInt64(Crc8.update(Crc8.update(0, new byte[] {0x70, 0x6B}), 0), 1L), 1);
        int rowCrc = Crc8.update(Crc8.update(0, crc), 0);
        assertRejected(String.format("75 00 00 00 01 03 04 02 00 00 00 70 6B 05 09 00 00 00 00 01 00 00 00 00 00 00 00 06 01 0A %02X 09 %02X",
                crc, rowCrc), "must not carry a cell type or timestamp");
        // a DOUBLE in a PK
        byte[] dbl = PlainBufferCodec.encodeRow(PlainRow.of(PrimaryKey.of(PrimaryKeyColumn.of("k", ColumnValue.ofLong(1))),
                List.of(Cell.put("k", ColumnValue.ofDouble(1)))));
        // move the attribute cell into the PK by dropping the TAG_ROW_DATA byte (checksums stay valid)
        String h = HexFormat.of().formatHex(dbl);
        int rowData = h.indexOf("0203040100000063".replace("63", "6b"));
        assertThat(rowData).isPositive();
        String moved = h.substring(0, rowData) + h.substring(rowData + 2);
        assertRejected(moved, "has type DOUBLE, which is not allowed in a primary key");
    }

    @Test
    void attributeCellInvariantsAreEnforced() {
        // a put cell without value: TAG_CELL, name "c", checksum over "c" only
        int crc = Crc8.update(0, 'c');
        String pk = "01 03 04 01 00 00 00 6B 05 09 00 00 00 00 01 00 00 00 00 00 00 00 0A ";
        int pkCrc = Crc8.updateInt64(Crc8.update(Crc8.update(0, 'k'), 0), 1L);
        int rowCrc = Crc8.update(Crc8.update(Crc8.update(0, pkCrc), crc), 0);
        assertRejected(String.format("75 00 00 00 %s %02X 02 03 04 01 00 00 00 63 0A %02X 09 %02X", pk, pkCrc, crc, rowCrc),
                "invalid attribute cell at offset 29: cell 'c' of type PUT needs a value");
        assertRejected(String.format("75 00 00 00 %s %02X 02 09 %02X", pk, pkCrc, rowCrc), "TAG_ROW_DATA at offset 28 is not followed by a cell");
    }

    @Test
    void extensionLengthsMustBeExact() {
        PlainRow row = PlainRow.ofPrimaryKey(PrimaryKey.of(PrimaryKeyColumn.of("k", ColumnValue.ofLong(1))))
                .withSequenceInfo(new SequenceInfo(1, 2, 3));
        String h = HexFormat.of().formatHex(PlainBufferCodec.encodeRow(row));
        assertThat(h).contains("0b18000000" + "0c13000000");
        assertRejected(h.replace("0b18000000", "0b19000000"), "unsupported row extension length 25");
        assertRejected(h.replace("0c13000000", "0c14000000"), "unsupported sequence info length 20");
    }

    @Test
    void invalidUtf8IsRejected() {
        // cell name 0xC3 0x28 (invalid UTF-8)
        assertRejected("75 00 00 00 01 03 04 02 00 00 00 C3 28 05 09 00 00 00 00 01 00 00 00 00 00 00 00 0A 00 09 00",
                "cell name at offset 11 is not valid UTF-8");
    }

    @Test
    void decodeSingleRowAndPrimaryKeyShapes() {
        PrimaryKey pk = PrimaryKey.of(PrimaryKeyColumn.of("pk", ColumnValue.ofLong(1)));
        assertThat(PlainBufferCodec.decodePrimaryKey(PlainBufferCodec.encodePrimaryKey(pk))).isEqualTo(pk);
        byte[] two = PlainBufferCodec.encodeRows(List.of(PlainRow.ofPrimaryKey(pk), PlainRow.ofPrimaryKey(pk)));
        assertThatThrownBy(() -> PlainBufferCodec.decodeSingleRow(two)).isInstanceOf(PlainBufferException.class)
                .hasMessage("expected exactly one row in PlainBuffer but found 2");
        assertThatThrownBy(() -> PlainBufferCodec.decodeSingleRow(new byte[0])).isInstanceOf(PlainBufferException.class)
                .hasMessage("expected exactly one row in PlainBuffer but found 0");
        assertThatThrownBy(() -> PlainBufferCodec.decodePrimaryKey(PlainBufferCodec.encodeRow(PlainRow.deleteMarkerRow(pk))))
                .isInstanceOf(PlainBufferException.class).hasMessageContaining("a delete marker");
        assertThatThrownBy(() -> PlainBufferCodec.decodeRows(null)).isInstanceOf(PlainBufferException.class);
    }

    @Test
    void valueNoLengthPrefixRejectsTrailingBytesAndGarbage() {
        assertThatThrownBy(() -> PlainBufferCodec.decodeValueNoLengthPrefix(hex("0A 00")))
                .isInstanceOf(PlainBufferException.class).hasMessageContaining("trailing bytes");
        assertThatThrownBy(() -> PlainBufferCodec.decodeValueNoLengthPrefix(hex("00 01 02")))
                .isInstanceOf(PlainBufferException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> PlainBufferCodec.decodeValueNoLengthPrefix(new byte[0]))
                .isInstanceOf(PlainBufferException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> PlainBufferCodec.decodeValueNoLengthPrefix(hex("06")))
                .isInstanceOf(PlainBufferException.class).hasMessageContaining("unknown value type 0x06");
    }
}
