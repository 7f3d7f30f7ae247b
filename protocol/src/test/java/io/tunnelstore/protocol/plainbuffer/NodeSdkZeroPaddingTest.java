package io.tunnelstore.protocol.plainbuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Single-row request fields as the official Node.js SDK (npm {@code tablestore} 5.6.5) sends them: a well-formed
 * row followed by the zero-filled rest of an over-sized buffer. Each byte string below was produced by that SDK's
 * {@code TableStore.PlainBufferBuilder} (serializePrimaryKey / serializeForPutRow / serializeForUpdateRow).
 */
class NodeSdkZeroPaddingTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static PrimaryKey key(Object... nameValues) {
        PrimaryKeyColumn[] cols = new PrimaryKeyColumn[nameValues.length / 2];
        for (int i = 0; i < nameValues.length; i += 2) {
            cols[i / 2] = PrimaryKeyColumn.of((String) nameValues[i], (ColumnValue) nameValues[i + 1]);
        }
        return PrimaryKey.of(cols);
    }

    /** serializePrimaryKey([{pk: INF_MIN}, {id: INF_MAX}]): one padding byte per INF cell. */
    static final String RANGE_BOUND_WITH_INF =
            "75 00 00 00 01 03 04 02 00 00 00 70 6B 05 01 00 00 00 09 0A 3A 03 04 02 00 00 00 69 64 05 01 00 00 00 0A 0A 68 09 3B"
                    + " 00 00";

    /** serializeForPutRow([{pk: 'a'}, {id: PK_AUTO_INCR}], [{c: 'v'}]): one padding byte for the AUTO_INCREMENT cell. */
    static final String PUT_WITH_AUTO_INCREMENT =
            "75 00 00 00 01 03 04 02 00 00 00 70 6B 05 06 00 00 00 03 01 00 00 00 61 0A D4 03 04 02 00 00 00 69 64 05 01 00 00 00"
                    + " 0B 0A 6F 02 03 04 01 00 00 00 63 05 06 00 00 00 03 01 00 00 00 76 0A DE 09 7B"
                    + " 00";

    /** serializeForUpdateRow([{pk: 'a'}], [{PUT: [{c: Long(7), timestamp: Long(1000)}]}]): 22 padding bytes. */
    static final String UPDATE_PUT_WITH_TIMESTAMP =
            "75 00 00 00 01 03 04 02 00 00 00 70 6B 05 06 00 00 00 03 01 00 00 00 61 0A D4 02 03 04 01 00 00 00 63 05 09 00 00 00"
                    + " 00 07 00 00 00 00 00 00 00 07 E8 03 00 00 00 00 00 00 0A 6E 09 A7"
                    + " 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00";

    /** serializeForUpdateRow([{pk: 'a'}], [{DELETE: [{c: Long(1000)}]}]): 5 padding bytes. */
    static final String UPDATE_DELETE_ONE_VERSION =
            "75 00 00 00 01 03 04 02 00 00 00 70 6B 05 06 00 00 00 03 01 00 00 00 61 0A D4 02 03 04 01 00 00 00 63 06 03 07 E8 03"
                    + " 00 00 00 00 00 00 0A 03 09 BB"
                    + " 00 00 00 00 00";

    @Test
    void rangeBoundWithInfCellsDecodesToTheKey() {
        PlainRow row = PlainBufferCodec.decodeSingleRowIgnoringZeroPadding(hex(RANGE_BOUND_WITH_INF));
        assertThat(row).isEqualTo(PlainRow.ofPrimaryKey(key("pk", ColumnValue.INF_MIN, "id", ColumnValue.INF_MAX)));
    }

    @Test
    void putWithAutoIncrementKeyDecodesToTheRow() {
        PlainRow row = PlainBufferCodec.decodeSingleRowIgnoringZeroPadding(hex(PUT_WITH_AUTO_INCREMENT));
        assertThat(row).isEqualTo(PlainRow.of(key("pk", ColumnValue.ofString("a"), "id", ColumnValue.AUTO_INCREMENT),
                List.of(Cell.put("c", ColumnValue.ofString("v")))));
    }

    @Test
    void updatePutWithTimestampDecodesToTheRow() {
        PlainRow row = PlainBufferCodec.decodeSingleRowIgnoringZeroPadding(hex(UPDATE_PUT_WITH_TIMESTAMP));
        assertThat(row).isEqualTo(PlainRow.of(key("pk", ColumnValue.ofString("a")),
                List.of(Cell.put("c", ColumnValue.ofLong(7), 1000L))));
    }

    @Test
    void updateDeleteOneVersionDecodesToTheRow() {
        PlainRow row = PlainBufferCodec.decodeSingleRowIgnoringZeroPadding(hex(UPDATE_DELETE_ONE_VERSION));
        assertThat(row).isEqualTo(PlainRow.of(key("pk", ColumnValue.ofString("a")),
                List.of(Cell.deleteOneVersion("c", 1000L))));
    }

    @Test
    void theStrictDecoderStillRejectsThePadding() {
        // Stored data and responses keep the strict grammar; only request fields tolerate the Node.js padding.
        assertThatThrownBy(() -> PlainBufferCodec.decodeSingleRow(hex(RANGE_BOUND_WITH_INF)))
                .isInstanceOf(PlainBufferException.class)
                .hasMessage("malformed PlainBuffer: expected TAG_ROW_PK (tag 0x01) at offset 39 but found 0x00");
    }

    @Test
    void anExactRowWithoutPaddingStillDecodes() {
        PlainRow row = PlainRow.of(key("pk", ColumnValue.ofLong(1)), List.of(Cell.increment("n", 2)));
        assertThat(PlainBufferCodec.decodeSingleRowIgnoringZeroPadding(PlainBufferCodec.encodeRow(row))).isEqualTo(row);
    }

    @Test
    void aNonZeroByteAfterTheRowIsRejected() {
        byte[] bytes = hex(UPDATE_DELETE_ONE_VERSION);
        bytes[bytes.length - 2] = 0x01;
        assertThatThrownBy(() -> PlainBufferCodec.decodeSingleRowIgnoringZeroPadding(bytes))
                .isInstanceOf(PlainBufferException.class)
                .hasMessage("expected exactly one row in PlainBuffer but found 0x01 at offset 52 after the row ending at offset 49"
                        + " (only zero padding may follow it)");
    }

    @Test
    void aSecondRowAfterTheFirstIsRejected() {
        PlainRow first = PlainRow.ofPrimaryKey(key("pk", ColumnValue.ofLong(1)));
        PlainRow second = PlainRow.ofPrimaryKey(key("pk", ColumnValue.ofLong(2)));
        byte[] two = PlainBufferCodec.encodeRows(List.of(first, second));
        assertThatThrownBy(() -> PlainBufferCodec.decodeSingleRowIgnoringZeroPadding(two))
                .isInstanceOf(PlainBufferException.class)
                .hasMessageStartingWith("expected exactly one row in PlainBuffer but found 0x01 at offset 31");
    }

    @Test
    void aTruncatedRowIsStillRejected() {
        byte[] bytes = hex(RANGE_BOUND_WITH_INF);
        byte[] cut = java.util.Arrays.copyOf(bytes, 20);
        assertThatThrownBy(() -> PlainBufferCodec.decodeSingleRowIgnoringZeroPadding(cut))
                .isInstanceOf(PlainBufferException.class)
                .hasMessageContaining("truncated PlainBuffer");
        assertThatThrownBy(() -> PlainBufferCodec.decodeSingleRowIgnoringZeroPadding(new byte[0]))
                .isInstanceOf(PlainBufferException.class)
                .hasMessageContaining("truncated PlainBuffer: header");
    }
}
