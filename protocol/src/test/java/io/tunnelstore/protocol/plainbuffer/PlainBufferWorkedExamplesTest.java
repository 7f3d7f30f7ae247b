package io.tunnelstore.protocol.plainbuffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.model.SequenceInfo;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every worked example of PROTOCOL.md §5.8, encoded and decoded byte for byte. */
class PlainBufferWorkedExamplesTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static final PrimaryKey PK_INT_1 = PrimaryKey.of(PrimaryKeyColumn.of("pk", ColumnValue.ofLong(1)));

    static final String GET_ROW_KEY =
            "75 00 00 00 01 03 04 02 00 00 00 70 6B 05 09 00 00 00 00 01 00 00 00 00 00 00 00 0A 4C 09 A7";
    static final String DELETE_ROW_KEY =
            "75 00 00 00 01 03 04 02 00 00 00 70 6B 05 09 00 00 00 00 01 00 00 00 00 00 00 00 0A 4C 08 09 A0";
    static final String PUT_ROW =
            "75 00 00 00 01 03 04 02 00 00 00 70 6B 05 09 00 00 00 00 01 00 00 00 00 00 00 00 0A 4C 02 03 04 03 00 00 00"
                    + " 63 6F 6C 05 06 00 00 00 03 01 00 00 00 76 07 E8 03 00 00 00 00 00 00 0A 66 09 F7";
    static final String UPDATE_ROW =
            "75 00 00 00 01 03 04 02 00 00 00 70 6B 05 06 00 00 00 03 01 00 00 00 61 0A D4 02 03 04 01 00 00 00 63 06 01"
                    + " 0A CD 03 04 01 00 00 00 64 06 03 07 05 00 00 00 00 00 00 00 0A 51 03 04 01 00 00 00 6E 05 09 00 00"
                    + " 00 00 02 00 00 00 00 00 00 00 06 04 0A 68 09 A4";
    static final String INF_MIN_BOUND = "75 00 00 00 01 03 04 02 00 00 00 70 6B 05 01 00 00 00 09 0A 3A 09 7B";
    static final String INF_MAX_BOUND = "75 00 00 00 01 03 04 02 00 00 00 70 6B 05 01 00 00 00 0A 0A 33 09 C6";
    static final String AUTO_INCREMENT_PK = "75 00 00 00 01 03 04 02 00 00 00 69 64 05 01 00 00 00 0B 0A 6F 09 36";
    static final String STREAM_RECORD =
            "75 00 00 00 01 03 04 02 00 00 00 70 6B 05 09 00 00 00 00 01 00 00 00 00 00 00 00 0A 4C 02 03 04 03 00 00 00"
                    + " 63 6F 6C 05 06 00 00 00 03 01 00 00 00 76 07 E8 03 00 00 00 00 00 00 0A 66 0B 18 00 00 00 0C 13 00"
                    + " 00 00 0D 00 00 00 00 0E 00 40 1E 18 24 0A 06 00 0F 00 00 00 00 09 F7";

    private static void assertEncodesAndDecodes(PlainRow row, String expectedHex) {
        byte[] expected = hex(expectedHex);
        assertThat(HexFormat.of().formatHex(PlainBufferCodec.encodeRow(row)))
                .isEqualTo(HexFormat.of().formatHex(expected));
        assertThat(PlainBufferCodec.decodeSingleRow(expected)).isEqualTo(row);
        assertThat(PlainBufferCodec.decodeRows(expected)).containsExactly(row);
    }

    @Test
    void getRowKey() {
        assertEncodesAndDecodes(PlainRow.ofPrimaryKey(PK_INT_1), GET_ROW_KEY);
        assertThat(PlainBufferCodec.encodePrimaryKey(PK_INT_1)).isEqualTo(hex(GET_ROW_KEY));
    }

    @Test
    void deleteRowKeyWithMarker() {
        assertEncodesAndDecodes(PlainRow.deleteMarkerRow(PK_INT_1), DELETE_ROW_KEY);
    }

    @Test
    void putRow() {
        assertEncodesAndDecodes(
                PlainRow.of(PK_INT_1, List.of(Cell.put("col", ColumnValue.ofString("v"), 1000))), PUT_ROW);
    }

    @Test
    void updateRowWithDeleteAllDeleteOneAndIncrement() {
        PrimaryKey pk = PrimaryKey.of(PrimaryKeyColumn.of("pk", ColumnValue.ofString("a")));
        assertEncodesAndDecodes(PlainRow.of(pk, List.of(
                Cell.deleteAllVersions("c"), Cell.deleteOneVersion("d", 5), Cell.increment("n", 2))), UPDATE_ROW);
    }

    @Test
    void rangeBoundsAndAutoIncrement() {
        assertEncodesAndDecodes(PlainRow.ofPrimaryKey(PrimaryKey.of(PrimaryKeyColumn.of("pk", ColumnValue.INF_MIN))), INF_MIN_BOUND);
        assertEncodesAndDecodes(PlainRow.ofPrimaryKey(PrimaryKey.of(PrimaryKeyColumn.of("pk", ColumnValue.INF_MAX))), INF_MAX_BOUND);
        assertEncodesAndDecodes(PlainRow.ofPrimaryKey(PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.AUTO_INCREMENT))),
                AUTO_INCREMENT_PK);
    }

    @Test
    void streamRecordWithSequenceInfo() {
        PlainRow row = PlainRow.of(PK_INT_1, List.of(Cell.put("col", ColumnValue.ofString("v"), 1000)))
                .withSequenceInfo(new SequenceInfo(0, 1_700_000_000_000_000L, 0));
        assertEncodesAndDecodes(row, STREAM_RECORD);
    }

    @Test
    void severalRowsShareOneHeader() {
        PlainRow a = PlainRow.ofPrimaryKey(PK_INT_1);
        PlainRow b = PlainRow.of(PK_INT_1, List.of(Cell.put("col", ColumnValue.ofString("v"), 1000)));
        byte[] both = PlainBufferCodec.encodeRows(List.of(a, b));
        // header + the row bytes of each example without its own header
        String expected = GET_ROW_KEY + " " + PUT_ROW.substring("75 00 00 00 ".length());
        assertThat(both).isEqualTo(hex(expected));
        assertThat(PlainBufferCodec.decodeRows(both)).containsExactly(a, b);
    }

    @Test
    void emptyRowListIsZeroLengthBuffer() {
        assertThat(PlainBufferCodec.encodeRows(List.of())).isEmpty();
        assertThat(PlainBufferCodec.decodeRows(new byte[0])).isEmpty();
    }

    @Test
    void noLengthPrefixValueForm() {
        // §4.3: string "v" -> 03 01 00 00 00 76
        assertThat(PlainBufferCodec.encodeValueNoLengthPrefix(ColumnValue.ofString("v"))).isEqualTo(hex("03 01 00 00 00 76"));
        assertThat(PlainBufferCodec.decodeValueNoLengthPrefix(hex("03 01 00 00 00 76"))).isEqualTo(ColumnValue.ofString("v"));
        assertThat(PlainBufferCodec.encodeValueNoLengthPrefix(ColumnValue.ofLong(-2)))
                .isEqualTo(hex("00 FE FF FF FF FF FF FF FF"));
        assertThat(PlainBufferCodec.encodeValueNoLengthPrefix(ColumnValue.ofBoolean(true))).isEqualTo(hex("02 01"));
        assertThat(PlainBufferCodec.encodeValueNoLengthPrefix(ColumnValue.ofDouble(1.0)))
                .isEqualTo(hex("01 00 00 00 00 00 00 F0 3F"));
        assertThat(PlainBufferCodec.encodeValueNoLengthPrefix(ColumnValue.ofBinary(new byte[] {1, 2})))
                .isEqualTo(hex("07 02 00 00 00 01 02"));
        assertThat(PlainBufferCodec.encodeValueNoLengthPrefix(ColumnValue.INF_MAX)).isEqualTo(hex("0A"));
        assertThat(PlainBufferCodec.decodeValueNoLengthPrefix(hex("09"))).isEqualTo(ColumnValue.INF_MIN);
    }
}
