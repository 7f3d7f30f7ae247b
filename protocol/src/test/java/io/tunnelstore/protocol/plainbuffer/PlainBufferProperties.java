package io.tunnelstore.protocol.plainbuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PlainRow;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class PlainBufferProperties {

    @Provide
    Arbitrary<PlainRow> rows() {
        return RowArbitraries.rows();
    }

    @Provide
    Arbitrary<List<PlainRow>> rowLists() {
        return RowArbitraries.rows().list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<ColumnValue> values() {
        return Arbitraries.oneOf(RowArbitraries.attributeValues(),
                Arbitraries.of(ColumnValue.INF_MIN, ColumnValue.INF_MAX, ColumnValue.AUTO_INCREMENT));
    }

    @Property(tries = 500)
    void rowsRoundTrip(@ForAll("rowLists") List<PlainRow> rows) {
        byte[] encoded = PlainBufferCodec.encodeRows(rows);
        List<PlainRow> decoded = PlainBufferCodec.decodeRows(encoded);
        assertThat(decoded).isEqualTo(rows);
        assertThat(PlainBufferCodec.encodeRows(decoded)).isEqualTo(encoded);
    }

    @Property(tries = 300)
    void singleRowRoundTrip(@ForAll("rows") PlainRow row) {
        assertThat(PlainBufferCodec.decodeSingleRow(PlainBufferCodec.encodeRow(row))).isEqualTo(row);
    }

    /**
     * A row decoded in place inside a larger array (a record within a response body) is the row decoded from its own
     * copy, whatever bytes surround it; a slice one byte short fails as truncated although the array goes on.
     */
    @Property(tries = 300)
    void singleRowDecodesInPlaceWithinALargerArray(@ForAll("rows") PlainRow row,
            @ForAll @IntRange(max = 40) int before, @ForAll @IntRange(max = 40) int after, @ForAll byte filler) {
        byte[] encoded = PlainBufferCodec.encodeRow(row);
        byte[] body = new byte[before + encoded.length + after];
        java.util.Arrays.fill(body, filler);
        System.arraycopy(encoded, 0, body, before, encoded.length);
        assertThat(PlainBufferCodec.decodeSingleRow(body, before, encoded.length)).isEqualTo(row);
        Throwable shortSlice = catchThrowable(() -> PlainBufferCodec.decodeSingleRow(body, before,
                encoded.length - 1));
        assertThat(shortSlice).isInstanceOf(PlainBufferException.class);
    }

    /** The encoder sizes its buffer up front; the size must be exact (else it grows or copies at the end). */
    @Property(tries = 300)
    void computedRowSizeIsExact(@ForAll("rows") PlainRow row) {
        assertThat(PlainBufferCodec.rowSize(row)).isEqualTo(PlainBufferCodec.encodeRow(row).length - 4);
    }

    @Property(tries = 300)
    void valueNoLengthPrefixRoundTrip(@ForAll("values") ColumnValue value) {
        assertThat(PlainBufferCodec.decodeValueNoLengthPrefix(PlainBufferCodec.encodeValueNoLengthPrefix(value)))
                .isEqualTo(value);
    }

    @Property(tries = 1000)
    void randomGarbageOnlyThrowsPlainBufferException(@ForAll byte[] garbage) {
        assertOnlyPlainBufferException(garbage);
        byte[] withHeader = new byte[garbage.length + 4];
        withHeader[0] = 0x75;
        System.arraycopy(garbage, 0, withHeader, 4, garbage.length);
        assertOnlyPlainBufferException(withHeader);
        Throwable t = catchThrowable(() -> PlainBufferCodec.decodeValueNoLengthPrefix(garbage));
        assertThat(t).satisfiesAnyOf(x -> assertThat(x).isNull(), x -> assertThat(x).isInstanceOf(PlainBufferException.class));
    }

    @Property(tries = 500)
    void truncatedBuffersAreRejected(@ForAll("rows") PlainRow row, @ForAll @IntRange(min = 1, max = 10_000) int cut) {
        byte[] full = PlainBufferCodec.encodeRow(row);
        int length = cut % full.length; // 0 .. full.length-1, strictly shorter
        byte[] truncated = java.util.Arrays.copyOf(full, length);
        if (length == 0) {
            assertThat(PlainBufferCodec.decodeRows(truncated)).isEmpty();
            return;
        }
        Throwable t = catchThrowable(() -> PlainBufferCodec.decodeRows(truncated));
        assertThat(t).isInstanceOf(PlainBufferException.class);
    }

    @Property(tries = 1000)
    void bitFlippedBuffersOnlyThrowPlainBufferException(@ForAll("rows") PlainRow row,
                                                         @ForAll @IntRange(min = 0, max = 100_000) int position,
                                                         @ForAll @IntRange(min = 0, max = 7) int bit) {
        byte[] bytes = PlainBufferCodec.encodeRow(row);
        int i = position % bytes.length;
        bytes[i] ^= (byte) (1 << bit);
        assertOnlyPlainBufferException(bytes);
    }

    private static void assertOnlyPlainBufferException(byte[] bytes) {
        Throwable t = catchThrowable(() -> PlainBufferCodec.decodeRows(bytes));
        if (t != null) {
            assertThat(t).isInstanceOf(PlainBufferException.class);
            assertThat(t.getMessage()).isNotBlank();
        }
    }
}
