package io.tunnelstore.storage.rocksdb;

import io.tunnelstore.storage.contract.TestRows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class KeyLayoutTest {

    @Test
    void rowPrefixEscapesZeroBytesAndEndsWithTerminator() {
        byte[] prefix = KeyLayout.rowPrefix(0x0102, TestRows.bytes(0x00, 0x41, 0x00));
        assertThat(TestRows.unsigned(prefix))
                .containsExactly(0, 0, 0, 0, 0, 0, 1, 2, 0x00, 0xFF, 0x41, 0x00, 0xFF, 0x00, 0x01);
    }

    @Test
    void cellKeyStoresInvertedTimestamp() {
        byte[] key = KeyLayout.cellKey(KeyLayout.rowPrefix(1, TestRows.bytes("r")), "c", 5);
        assertThat(KeyLayout.getLong(key, key.length - 8)).isEqualTo(Long.MAX_VALUE - 5);
    }

    @Test
    void malformedKeyIsRejected() {
        assertThatThrownBy(() -> KeyLayout.decodeCell(TestRows.bytes(0, 0, 0, 0, 0, 0, 0, 1, 0x41, 0x00, 0x07)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("malformed");
    }

    @Test
    void prefixSuccessorSkipsTrailingFfBytes() {
        assertThat(TestRows.unsigned(KeyLayout.prefixSuccessor(TestRows.bytes(1, 0xFF, 0xFF)))).containsExactly(2);
        assertThat(KeyLayout.prefixSuccessor(TestRows.bytes(0xFF, 0xFF))).isNull();
    }

    @Property(tries = 500)
    void rowPrefixesSortLikeUnsignedRowKeys(@ForAll @Size(max = 6) byte[] a, @ForAll @Size(max = 6) byte[] b) {
        int keyOrder = Integer.signum(Arrays.compareUnsigned(a, b));
        int encodedOrder = Integer.signum(Arrays.compareUnsigned(KeyLayout.rowPrefix(7, a), KeyLayout.rowPrefix(7, b)));
        assertThat(encodedOrder).isEqualTo(keyOrder);
    }

    @Property(tries = 500)
    void cellsOfARowSortBetweenItsPrefixAndTheNextRow(@ForAll @Size(max = 6) byte[] a,
            @ForAll @Size(max = 6) byte[] b, @ForAll @StringLength(max = 4) @CharRange(from = '\u0000', to = '\u07ff') String column,
            @ForAll @LongRange(min = 0) long timestamp) {
        byte[] cell = KeyLayout.cellKey(KeyLayout.rowPrefix(7, a), column, timestamp);
        byte[] otherRow = KeyLayout.rowPrefix(7, b);
        int rowOrder = Integer.signum(Arrays.compareUnsigned(a, b));
        if (rowOrder != 0) {
            // every cell of row a is on the same side of row b's prefix as a itself
            assertThat(Integer.signum(Arrays.compareUnsigned(cell, otherRow))).isEqualTo(rowOrder);
        } else {
            assertThat(KeyLayout.startsWith(cell, otherRow)).isTrue();
        }
    }

    @Property(tries = 500)
    void cellKeysDecodeToWhatWasEncoded(@ForAll @Size(max = 8) byte[] row, @ForAll @StringLength(max = 6) @CharRange(from = '\u0000', to = '\u07ff') String column,
            @ForAll @LongRange(min = 0) long timestamp) {
        byte[] prefix = KeyLayout.rowPrefix(-3, row);
        KeyLayout.DecodedCell decoded = KeyLayout.decodeCell(KeyLayout.cellKey(prefix, column, timestamp));
        assertThat(decoded.rowKey()).isEqualTo(row);
        assertThat(decoded.rowPrefixLength()).isEqualTo(prefix.length);
        assertThat(decoded.column()).isEqualTo(column);
        assertThat(decoded.timestamp()).isEqualTo(timestamp);
        // the per-row fast path (row key decoded once per row) agrees, also for columns holding zero bytes
        KeyLayout.DecodedCell ofRow = KeyLayout.decodeCellOfRow(KeyLayout.cellKey(prefix, column, timestamp), row,
                prefix.length);
        assertThat(ofRow.column()).isEqualTo(column);
        assertThat(ofRow.timestamp()).isEqualTo(timestamp);
        assertThat(ofRow.rowKey()).isSameAs(row);
    }

    @Property(tries = 200)
    void versionsOfAColumnSortNewestFirst(@ForAll @LongRange(min = 0) long older, @ForAll @LongRange(min = 0) long newer) {
        byte[] prefix = KeyLayout.rowPrefix(1, TestRows.bytes("r"));
        int order = Integer.signum(Arrays.compareUnsigned(KeyLayout.cellKey(prefix, "c", newer),
                KeyLayout.cellKey(prefix, "c", older)));
        assertThat(order).isEqualTo(Integer.signum(Long.compare(older, newer)));
    }

    /** A scan's column-name cache gives the same names as decoding, whatever sequence of columns it sees. */
    @Property(tries = 300)
    void columnNamesReusedAcrossRowsDecodeLikeFreshOnes(
            @ForAll @Size(min = 1, max = 12) java.util.List<@StringLength(max = 3) @CharRange(from = '\u0000', to = 'c') String> columns,
            @ForAll @Size(max = 4) byte[] row) {
        byte[] prefix = KeyLayout.rowPrefix(5, row);
        ColumnNames names = new ColumnNames();
        for (int i = 0; i < columns.size(); i++) {
            byte[] key = KeyLayout.cellKey(prefix, columns.get(i), i);
            int slot = i % 3;  // as if rows of up to 3 cells with changing columns followed each other
            KeyLayout.DecodedCell first = KeyLayout.decodeCell(key, names);
            KeyLayout.DecodedCell ofRow = KeyLayout.decodeCellOfRow(key, row, prefix.length, names, slot);
            assertThat(first.column()).isEqualTo(columns.get(i));
            assertThat(ofRow.column()).isEqualTo(columns.get(i));
            assertThat(ofRow.timestamp()).isEqualTo(i);
        }
    }

    @Test
    void columnNameSlotIsReusedOnlyForTheSameBytes() {
        ColumnNames names = new ColumnNames();
        byte[] key = TestRows.bytes("abcab");
        String ab = names.name(1, key, 0, 2);
        assertThat(names.name(1, key, 3, 5)).isSameAs(ab);
        assertThat(names.name(1, key, 1, 3)).isEqualTo("bc");
        assertThat(names.name(1, key, 0, 2)).isEqualTo("ab").isNotSameAs(ab);  // the slot now holds "bc"
    }
}
