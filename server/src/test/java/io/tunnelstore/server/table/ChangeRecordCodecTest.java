package io.tunnelstore.server.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.model.SequenceInfo;
import io.tunnelstore.protocol.pb.TableProtos.ActionType;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.storage.LogRecord;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeRecordCodecTest {

    private static final PrimaryKey PK = PrimaryKey.of(PrimaryKeyColumn.of("pk", ColumnValue.ofLong(1)));

    @Test
    void updateRecordWithOriginRoundTrips() {
        ChangeRecord record = new ChangeRecord(ActionType.UPDATE_ROW,
                PlainRow.of(PK, List.of(Cell.put("a", ColumnValue.ofString("x"), 1000),
                        Cell.deleteOneVersion("b", 5), Cell.deleteAllVersions("c"))),
                PlainRow.of(PK, List.of(Cell.put("a", ColumnValue.ofString("old"), 900))),
                1_700_000_000_000_000L);
        ChangeRecord decoded = ChangeRecordCodec.decode(ChangeRecordCodec.encode(record));
        assertThat(decoded).isEqualTo(record);
    }

    @Test
    void deleteRecordWithoutOriginRoundTrips() {
        ChangeRecord record = new ChangeRecord(ActionType.DELETE_ROW, PlainRow.ofPrimaryKey(PK), null, 42);
        ChangeRecord decoded = ChangeRecordCodec.decode(ChangeRecordCodec.encode(record));
        assertThat(decoded).isEqualTo(record);
        assertThat(ChangeRecordCodec.wireOriginRecord(decoded)).isNull();
    }

    @Test
    void wireRecordMatchesProtocolWorkedExample() {
        // PROTOCOL.md §5.8, last line: PUT pk=1, col="v"@1000, sequence (0, 1700000000000000, 0)
        ChangeRecord record = new ChangeRecord(ActionType.PUT_ROW,
                PlainRow.of(PK, List.of(Cell.put("col", ColumnValue.ofString("v"), 1000))), null,
                1_700_000_000_000_000L);
        String expected = "7500000001030402000000706b05090000000001000000000000000a4c02030403000000636f6c0506"
                + "00000003010000007607e8030000000000000a660b180000000c130000000d000000000e00401e18240a06000f"
                + "0000000009f7";
        assertThat(HexFormat.of().formatHex(ChangeRecordCodec.wireRecord(record))).isEqualTo(expected);
        LogRecord stored = new LogRecord(7, 1, 3, 1_700_000_000_000_000L, ChangeRecordCodec.encode(record));
        assertThat(HexFormat.of().formatHex(ChangeRecordCodec.wireRecord(stored))).isEqualTo(expected);
        assertThat(PlainBufferCodec.decodeSingleRow(ChangeRecordCodec.wireRecord(record)).sequenceInfo())
                .isEqualTo(new SequenceInfo(0, 1_700_000_000_000_000L, 0));
    }

    @Test
    void corruptPayloadIsRejected() {
        byte[] good = ChangeRecordCodec.encode(new ChangeRecord(ActionType.PUT_ROW, PlainRow.ofPrimaryKey(PK), null, 1));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        assertThatThrownBy(() -> ChangeRecordCodec.decode(truncated)).isInstanceOf(IllegalArgumentException.class);
        byte[] badType = good.clone();
        badType[1] = 9;
        assertThatThrownBy(() -> ChangeRecordCodec.decode(badType)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("action type");
    }
}
