package io.tunnelstore.protocol.plainbuffer;

import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.core.protocol.PlainBufferBuilder;
import com.alicloud.openservices.tablestore.core.protocol.PlainBufferCell;
import com.alicloud.openservices.tablestore.core.protocol.PlainBufferCodedInputStream;
import com.alicloud.openservices.tablestore.core.protocol.PlainBufferInputStream;
import com.alicloud.openservices.tablestore.core.protocol.PlainBufferRow;
import com.alicloud.openservices.tablestore.core.protocol.PlainBufferSequenceInfo;
import com.alicloud.openservices.tablestore.model.Column;
import com.alicloud.openservices.tablestore.model.ColumnType;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.RowDeleteChange;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.RowUpdateChange;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.CellType;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Byte-for-byte agreement with the official Java SDK 5.17.10 (test-scope oracle): its PlainBufferBuilder
 * produces exactly our bytes for the same rows, and its PlainBufferCodedInputStream reads our rows (including
 * sequence info) back with the same content.
 */
class OfficialSdkPlainBufferCompatibilityProperties {

    private static final String TABLE = "t";

    // ------------------------------------------------------------------ conversion to the SDK model

    private static PrimaryKeyValue sdkPkValue(ColumnValue v) {
        return switch (v.type()) {
            case INTEGER -> PrimaryKeyValue.fromLong(v.asLong());
            case STRING -> PrimaryKeyValue.fromString(v.asString());
            case BINARY -> PrimaryKeyValue.fromBinary(v.asBinary());
            case INF_MIN -> PrimaryKeyValue.INF_MIN;
            case INF_MAX -> PrimaryKeyValue.INF_MAX;
            case AUTO_INCREMENT -> PrimaryKeyValue.AUTO_INCREMENT;
            default -> throw new IllegalArgumentException(v.type().name());
        };
    }

    private static com.alicloud.openservices.tablestore.model.ColumnValue sdkValue(ColumnValue v) {
        return switch (v.type()) {
            case INTEGER -> com.alicloud.openservices.tablestore.model.ColumnValue.fromLong(v.asLong());
            case DOUBLE -> com.alicloud.openservices.tablestore.model.ColumnValue.fromDouble(v.asDouble());
            case BOOLEAN -> com.alicloud.openservices.tablestore.model.ColumnValue.fromBoolean(v.asBoolean());
            case STRING -> com.alicloud.openservices.tablestore.model.ColumnValue.fromString(v.asString());
            case BINARY -> com.alicloud.openservices.tablestore.model.ColumnValue.fromBinary(v.asBinary());
            default -> throw new IllegalArgumentException(v.type().name());
        };
    }

    private static com.alicloud.openservices.tablestore.model.PrimaryKey sdkPk(PrimaryKey pk) {
        List<com.alicloud.openservices.tablestore.model.PrimaryKeyColumn> cols = new ArrayList<>();
        for (PrimaryKeyColumn c : pk.columns()) {
            cols.add(new com.alicloud.openservices.tablestore.model.PrimaryKeyColumn(c.name(), sdkPkValue(c.value())));
        }
        return new com.alicloud.openservices.tablestore.model.PrimaryKey(cols);
    }

    private static Column sdkColumn(Cell c) {
        return c.timestamp() == null
                ? new Column(c.name(), sdkValue(c.value()))
                : new Column(c.name(), sdkValue(c.value()), c.timestamp());
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<PrimaryKey> keys() {
        return RowArbitraries.primaryKeys(true);
    }

    @Provide
    Arbitrary<PlainRow> putRows() {
        return Combinators.combine(RowArbitraries.primaryKeys(false), RowArbitraries.putCells().list().ofMaxSize(6))
                .as(PlainRow::of);
    }

    @Provide
    Arbitrary<PlainRow> updateRows() {
        return Combinators.combine(RowArbitraries.primaryKeys(false), RowArbitraries.cells().list().ofMinSize(1).ofMaxSize(6))
                .as(PlainRow::of);
    }

    @Provide
    Arbitrary<PlainRow> streamRows() {
        return Combinators.combine(RowArbitraries.primaryKeys(false),
                        RowArbitraries.cells().filter(c -> c.type() != CellType.INCREMENT).list().ofMaxSize(6),
                        Arbitraries.of(true, false), RowArbitraries.sequenceInfos().injectNull(0.3))
                .as(PlainRow::new);
    }

    // ------------------------------------------------------------------ SDK writer == our writer

    @Property(tries = 300)
    void primaryKeyBytesEqualSdk(@ForAll("keys") PrimaryKey pk) throws Exception {
        assertThat(PlainBufferCodec.encodePrimaryKey(pk)).isEqualTo(PlainBufferBuilder.buildPrimaryKeyWithHeader(sdkPk(pk)));
    }

    @Property(tries = 300)
    void deleteRowBytesEqualSdk(@ForAll("keys") PrimaryKey pk) throws Exception {
        assertThat(PlainBufferCodec.encodeRow(PlainRow.deleteMarkerRow(pk)))
                .isEqualTo(PlainBufferBuilder.buildRowDeleteChangeWithHeader(new RowDeleteChange(TABLE, sdkPk(pk))));
    }

    @Property(tries = 300)
    void putRowBytesEqualSdk(@ForAll("putRows") PlainRow row) throws Exception {
        RowPutChange change = new RowPutChange(TABLE, sdkPk(row.primaryKey()));
        row.cells().forEach(c -> change.addColumn(sdkColumn(c)));
        assertThat(PlainBufferCodec.encodeRow(row)).isEqualTo(PlainBufferBuilder.buildRowPutChangeWithHeader(change));
    }

    @Property(tries = 300)
    void updateRowBytesEqualSdk(@ForAll("updateRows") PlainRow row) throws Exception {
        RowUpdateChange change = new RowUpdateChange(TABLE, sdkPk(row.primaryKey()));
        for (Cell c : row.cells()) {
            switch (c.type()) {
                case PUT -> change.put(sdkColumn(c));
                case DELETE_ALL_VERSIONS -> change.deleteColumns(c.name());
                case DELETE_ONE_VERSION -> change.deleteColumn(c.name(), c.timestamp());
                case INCREMENT -> change.increment(new Column(c.name(), sdkValue(c.value())));
                default -> throw new AssertionError(c.type());
            }
        }
        assertThat(PlainBufferCodec.encodeRow(row)).isEqualTo(PlainBufferBuilder.buildRowUpdateChangeWithHeader(change));
    }

    @Property(tries = 300)
    void noLengthPrefixValuesEqualSdk(@ForAll("putRows") PlainRow row) throws Exception {
        for (PrimaryKeyColumn c : row.primaryKey().columns()) {
            assertThat(PlainBufferCodec.encodeValueNoLengthPrefix(c.value()))
                    .isEqualTo(PlainBufferBuilder.buildPrimaryKeyValueWithoutLengthPrefix(sdkPkValue(c.value())));
        }
        for (Cell c : row.cells()) {
            assertThat(PlainBufferCodec.encodeValueNoLengthPrefix(c.value()))
                    .isEqualTo(PlainBufferBuilder.buildColumnValueWithoutLengthPrefix(sdkValue(c.value())));
        }
    }

    // ------------------------------------------------------------------ SDK reader reads our bytes

    @Property(tries = 300)
    void sdkReaderReadsOurRows(@ForAll("streamRows") PlainRow row) throws Exception {
        List<PlainRow> rows = List.of(row, row.withSequenceInfo(null));
        PlainBufferCodedInputStream in = new PlainBufferCodedInputStream(
                new PlainBufferInputStream(PlainBufferCodec.encodeRows(rows)));
        List<PlainBufferRow> theirs = in.readRowsWithHeader(); // verifies every cell and row checksum
        assertThat(theirs).hasSize(2);
        for (int r = 0; r < 2; r++) {
            PlainRow ours = rows.get(r);
            PlainBufferRow sdk = theirs.get(r);
            assertSamePrimaryKey(ours.primaryKey(), sdk.getPrimaryKey());
            assertThat(sdk.getCells()).hasSize(ours.cells().size());
            for (int i = 0; i < ours.cells().size(); i++) {
                assertSameCell(ours.cells().get(i), sdk.getCells().get(i));
            }
            assertThat(sdk.hasDeleteMarker()).isEqualTo(ours.deleteMarker());
            if (ours.sequenceInfo() == null) {
                assertThat(sdk.hasExtension()).isFalse();
            } else {
                PlainBufferSequenceInfo seq = sdk.getExtension().getSequenceInfo();
                assertThat(seq.getHasSeq()).isTrue();
                assertThat(seq.getEpoch()).isEqualTo(ours.sequenceInfo().epoch());
                assertThat(seq.getTimestamp()).isEqualTo(ours.sequenceInfo().timestamp());
                assertThat(seq.getRowIndex()).isEqualTo(ours.sequenceInfo().rowIndex());
            }
        }
    }

    private static void assertSamePrimaryKey(PrimaryKey ours, List<PlainBufferCell> sdk) throws Exception {
        assertThat(sdk).hasSize(ours.size());
        for (int i = 0; i < ours.size(); i++) {
            PrimaryKeyColumn c = ours.get(i);
            PlainBufferCell s = sdk.get(i);
            assertThat(s.getCellName()).isEqualTo(c.name());
            PrimaryKeyValue v = s.getPkCellValue();
            switch (c.value().type()) {
                case INTEGER -> {
                    assertThat(v.getType()).isEqualTo(PrimaryKeyType.INTEGER);
                    assertThat(v.asLong()).isEqualTo(c.value().asLong());
                }
                case STRING -> {
                    assertThat(v.getType()).isEqualTo(PrimaryKeyType.STRING);
                    assertThat(v.asString()).isEqualTo(c.value().asString());
                }
                case BINARY -> {
                    assertThat(v.getType()).isEqualTo(PrimaryKeyType.BINARY);
                    assertThat(v.asBinary()).isEqualTo(c.value().asBinary());
                }
                default -> throw new AssertionError(c.value().type());
            }
        }
    }

    private static void assertSameCell(Cell ours, PlainBufferCell sdk) {
        assertThat(sdk.getCellName()).isEqualTo(ours.name());
        assertThat(sdk.hasCellValue()).isEqualTo(ours.hasValue());
        if (ours.hasValue()) {
            com.alicloud.openservices.tablestore.model.ColumnValue v = sdk.getCellValue();
            switch (ours.value().type()) {
                case INTEGER -> {
                    assertThat(v.getType()).isEqualTo(ColumnType.INTEGER);
                    assertThat(v.asLong()).isEqualTo(ours.value().asLong());
                }
                case DOUBLE -> {
                    assertThat(v.getType()).isEqualTo(ColumnType.DOUBLE);
                    assertThat(Double.doubleToRawLongBits(v.asDouble()))
                            .isEqualTo(Double.doubleToRawLongBits(ours.value().asDouble()));
                }
                case BOOLEAN -> {
                    assertThat(v.getType()).isEqualTo(ColumnType.BOOLEAN);
                    assertThat(v.asBoolean()).isEqualTo(ours.value().asBoolean());
                }
                case STRING -> {
                    assertThat(v.getType()).isEqualTo(ColumnType.STRING);
                    assertThat(v.asString()).isEqualTo(ours.value().asString());
                }
                case BINARY -> {
                    assertThat(v.getType()).isEqualTo(ColumnType.BINARY);
                    assertThat(v.asBinary()).isEqualTo(ours.value().asBinary());
                }
                default -> throw new AssertionError(ours.value().type());
            }
        }
        assertThat(sdk.hasCellType()).isEqualTo(ours.type() != CellType.PUT);
        if (ours.type() != CellType.PUT) {
            assertThat(sdk.getCellType() & 0xFF).isEqualTo(ours.type().wireByte().getAsInt());
        }
        assertThat(sdk.hasCellTimestamp()).isEqualTo(ours.hasTimestamp());
        if (ours.hasTimestamp()) {
            assertThat(sdk.getCellTimestamp()).isEqualTo(ours.timestamp());
        }
    }
}
