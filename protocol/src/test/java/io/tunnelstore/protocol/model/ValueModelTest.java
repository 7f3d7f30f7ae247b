package io.tunnelstore.protocol.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValueModelTest {

    @Test
    void primaryKeyOrderingAcrossTypesAndMarkers() {
        List<ColumnValue> sorted = List.of(
                ColumnValue.INF_MIN,
                ColumnValue.ofLong(Long.MIN_VALUE), ColumnValue.ofLong(-1), ColumnValue.ofLong(0), ColumnValue.ofLong(Long.MAX_VALUE),
                ColumnValue.ofString(""), ColumnValue.ofString("A"), ColumnValue.ofString("a"), ColumnValue.ofString("ab"),
                ColumnValue.ofString("\u00e9"), ColumnValue.ofString("\uD83D\uDE00"), // code point order via UTF-8
                ColumnValue.ofBinary(new byte[0]), ColumnValue.ofBinary(new byte[] {0x01}), ColumnValue.ofBinary(new byte[] {(byte) 0x80}),
                ColumnValue.ofBinary(new byte[] {(byte) 0xFF, 0x00}),
                ColumnValue.INF_MAX);
        List<ColumnValue> shuffled = new ArrayList<>(sorted);
        Collections.shuffle(shuffled, new java.util.Random(7));
        Collections.sort(shuffled);
        assertThat(shuffled).containsExactlyElementsOf(sorted);
    }

    @Test
    void documentedTypeRank() {
        List<ColumnValue> byRank = List.of(ColumnValue.INF_MIN, ColumnValue.ofLong(99), ColumnValue.ofDouble(-5),
                ColumnValue.ofBoolean(false), ColumnValue.ofString("z"), ColumnValue.ofBinary(new byte[] {0}),
                ColumnValue.AUTO_INCREMENT, ColumnValue.INF_MAX);
        for (int i = 0; i + 1 < byRank.size(); i++) {
            assertThat(byRank.get(i)).isLessThan(byRank.get(i + 1));
        }
    }

    @Test
    void doublesAndBooleansCompareNaturally() {
        assertThat(ColumnValue.ofDouble(-0.0)).isLessThan(ColumnValue.ofDouble(0.0));
        assertThat(ColumnValue.ofDouble(1.5)).isLessThan(ColumnValue.ofDouble(Double.NaN));
        assertThat(ColumnValue.ofDouble(Double.NaN)).isEqualTo(ColumnValue.ofDouble(Double.NaN))
                .hasSameHashCodeAs(ColumnValue.ofDouble(Double.NaN));
        assertThat(ColumnValue.ofBoolean(false)).isLessThan(ColumnValue.ofBoolean(true));
    }

    @Test
    void equalsHashCodeAndCopies() {
        byte[] b = {1, 2, 3};
        ColumnValue v = ColumnValue.ofBinary(b);
        b[0] = 9;
        assertThat(v.asBinary()).containsExactly(1, 2, 3);
        v.asBinary()[0] = 9;
        assertThat(v.rawBytes()).containsExactly(1, 2, 3);
        assertThat(v).isEqualTo(ColumnValue.ofBinary(new byte[] {1, 2, 3})).hasSameHashCodeAs(ColumnValue.ofBinary(new byte[] {1, 2, 3}));
        assertThat(ColumnValue.ofString("x")).isNotEqualTo(ColumnValue.ofBinary(new byte[] {'x'}));
        assertThat(ColumnValue.ofString("h\u00e9").rawBytes()).containsExactly('h', 0xC3, 0xA9);
        assertThat(ColumnValue.ofString("abc").toString()).isEqualTo("\"abc\"");
        assertThat(ColumnValue.ofBinary(new byte[] {(byte) 0xAB}).toString()).isEqualTo("0xab");
        assertThat(ColumnValue.ofLong(7).dataSize()).isEqualTo(8);
        assertThat(ColumnValue.ofString("h\u00e9").dataSize()).isEqualTo(3);
    }

    @Test
    void wrongAccessorFailsClearly() {
        assertThatThrownBy(() -> ColumnValue.ofLong(1).asString()).isInstanceOf(IllegalStateException.class)
                .hasMessage("value is INTEGER, not STRING");
        assertThatThrownBy(() -> ColumnValue.ofLong(1).rawBytes()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void primaryKeyOrderingAndEquality() {
        PrimaryKey a1 = PrimaryKey.of(PrimaryKeyColumn.of("a", ColumnValue.ofLong(1)), PrimaryKeyColumn.of("b", ColumnValue.ofString("x")));
        PrimaryKey a2 = PrimaryKey.of(PrimaryKeyColumn.of("a", ColumnValue.ofLong(1)), PrimaryKeyColumn.of("b", ColumnValue.ofString("y")));
        PrimaryKey prefix = PrimaryKey.of(PrimaryKeyColumn.of("a", ColumnValue.ofLong(1)));
        PrimaryKey min = PrimaryKey.of(PrimaryKeyColumn.of("a", ColumnValue.ofLong(1)), PrimaryKeyColumn.of("b", ColumnValue.INF_MIN));
        assertThat(a1).isLessThan(a2);
        assertThat(prefix).isLessThan(a1);
        assertThat(min).isLessThan(a1);
        assertThat(a1).isEqualTo(PrimaryKey.of(List.of(a1.get(0), a1.get(1)))).hasSameHashCodeAs(PrimaryKey.of(List.of(a1.get(0), a1.get(1))));
        assertThat(a1.size()).isEqualTo(2);
        assertThat(a1.columns()).hasSize(2);
        assertThat(a1.toString()).isEqualTo("[a=1, b=\"x\"]");
        assertThat(min.hasMarkerValue()).isTrue();
        assertThat(a1.hasMarkerValue()).isFalse();
        assertThatThrownBy(() -> PrimaryKeyColumn.of("d", ColumnValue.ofDouble(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot have type DOUBLE");
    }

    @Test
    void cellInvariants() {
        assertThat(Cell.put("c", ColumnValue.ofLong(1)).type()).isEqualTo(CellType.PUT);
        assertThat(Cell.deleteOneVersion("c", 5).timestamp()).isEqualTo(5L);
        assertThatThrownBy(() -> new Cell("c", null, CellType.PUT, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> new Cell("c", ColumnValue.ofLong(1), CellType.DELETE_ALL_VERSIONS, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot have a value");
        assertThatThrownBy(() -> new Cell("c", null, CellType.DELETE_ONE_VERSION, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a timestamp");
        assertThatThrownBy(() -> new Cell("c", ColumnValue.ofString("1"), CellType.INCREMENT, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("INTEGER");
        assertThatThrownBy(() -> Cell.put("c", ColumnValue.ofLong(1), -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative timestamp");
        assertThatThrownBy(() -> Cell.put("c", ColumnValue.INF_MAX)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cellTypeWireBytes() {
        assertThat(CellType.PUT.wireByte()).isEmpty();
        assertThat(CellType.DELETE_ALL_VERSIONS.wireByte()).hasValue(0x01);
        assertThat(CellType.DELETE_ONE_VERSION.wireByte()).hasValue(0x03);
        assertThat(CellType.INCREMENT.wireByte()).hasValue(0x04);
        assertThat(CellType.fromWireByte(0x03)).contains(CellType.DELETE_ONE_VERSION);
        assertThat(CellType.fromWireByte(0x02)).isEmpty();
        assertThat(CellType.fromWireByte(0x00)).isEmpty();
    }

    @Test
    void sequenceInfoIsLexicographic() {
        assertThat(new SequenceInfo(0, 5, 9)).isLessThan(new SequenceInfo(1, 0, 0));
        assertThat(new SequenceInfo(1, 5, 9)).isLessThan(new SequenceInfo(1, 6, 0));
        assertThat(new SequenceInfo(1, 6, 0)).isLessThan(new SequenceInfo(1, 6, 1));
        assertThat(new SequenceInfo(1, 6, 1)).isEqualByComparingTo(new SequenceInfo(1, 6, 1));
    }

    @Test
    void plainRowCopiesCells() {
        List<Cell> cells = new ArrayList<>(List.of(Cell.deleteAllVersions("x")));
        PlainRow row = PlainRow.of(PrimaryKey.of(PrimaryKeyColumn.of("a", ColumnValue.ofLong(1))), cells);
        cells.clear();
        assertThat(row.cells()).hasSize(1);
        assertThatThrownBy(() -> row.cells().add(Cell.deleteAllVersions("y"))).isInstanceOf(UnsupportedOperationException.class);
        assertThat(row.withSequenceInfo(new SequenceInfo(1, 2, 3)).sequenceInfo()).isEqualTo(new SequenceInfo(1, 2, 3));
    }
}
