package io.tunnelstore.storage.rocksdb;

import io.tunnelstore.storage.contract.TestRows;

import static io.tunnelstore.storage.contract.TestRows.apply;
import static io.tunnelstore.storage.contract.TestRows.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.ScanRange;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** approximateSize and splitKeys count the stored key and value bytes of the range's rows. */
class SizeAndSplitTest extends EngineTestBase {
    private static final long TABLE = 11;
    /** Key: table id 8 + "rowNN" 5 + terminator 2 + "c" 1 + terminator 2 + timestamp 8 = 26; value 100. */
    private static final long ROW_BYTES = 126;

    @BeforeEach
    void writeTenRows() {
        for (int i = 0; i < 10; i++) {
            apply(engine, TABLE, bytes(String.format("row%02d", i)), new RowMutation().put("c", 1, new byte[100]));
        }
        apply(engine, TABLE + 1, bytes("row00"), new RowMutation().put("c", 1, new byte[1000]));
    }

    private static List<String> texts(List<byte[]> keys) {
        return keys.stream().map(TestRows::text).toList();
    }

    @Test
    void approximateSizeCountsKeyAndValueBytesOfTheRange() {
        assertThat(engine.approximateSize(TABLE, ScanRange.all())).isEqualTo(10 * ROW_BYTES);
        assertThat(engine.approximateSize(TABLE, new ScanRange(bytes("row02"), bytes("row05"), false)))
                .isEqualTo(3 * ROW_BYTES);
        assertThat(engine.approximateSize(TABLE, new ScanRange(bytes("row09"), null, true))).isEqualTo(ROW_BYTES);
        assertThat(engine.approximateSize(TABLE + 2, ScanRange.all())).isZero();
    }

    @Test
    void splitKeysAreRealRowKeysStrictlyInsideTheRange() {
        assertThat(texts(engine.splitKeys(TABLE, ScanRange.all(), 300))).containsExactly("row03", "row06", "row09");
        assertThat(texts(engine.splitKeys(TABLE, new ScanRange(bytes("row00"), bytes("row09"), false), 300)))
                .containsExactly("row03", "row06");
        assertThat(texts(engine.splitKeys(TABLE, new ScanRange(bytes("row01x"), null, false), 500)))
                .containsExactly("row06");
    }

    @Test
    void rangeSmallerThanTheTargetHasNoSplitKey() {
        assertThat(engine.splitKeys(TABLE, ScanRange.all(), 10 * ROW_BYTES + 1)).isEmpty();
        assertThat(engine.splitKeys(TABLE, new ScanRange(bytes("row05"), bytes("row06"), false), 1)).isEmpty();
        assertThatThrownBy(() -> engine.splitKeys(TABLE, ScanRange.all(), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
