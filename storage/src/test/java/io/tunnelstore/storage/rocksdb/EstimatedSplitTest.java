package io.tunnelstore.storage.rocksdb;

import static io.tunnelstore.storage.contract.TestRows.apply;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.ScanRange;
import io.tunnelstore.storage.StorageOptions;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * estimatedSplitKeys: on a range RocksDB estimates above the walk threshold, cuts come from size estimates (no walk),
 * keep the splitKeys contract (real row keys, ascending, strictly inside the range) and give pieces of roughly the
 * target size; small ranges are split exactly like splitKeys.
 */
class EstimatedSplitTest extends EngineTestBase {
    private static final long TABLE = 21;
    private static final int ROWS = 24_000;
    private static final int PAYLOAD = 1024;

    @Override
    StorageOptions options() {
        return StorageOptions.builder().clock(clock).syncWrites(false).build();
    }

    /** 8-byte big-endian ids like INTEGER keys: long shared prefixes of escaped zero bytes. */
    private static byte[] key(int i) {
        return ByteBuffer.allocate(8).putLong(i).array();
    }

    @Test
    void largeRangesAreCutFromSizeEstimatesIntoRoughlyEvenRealRowKeys() {
        Random random = new Random(7);
        for (int i = 0; i < ROWS; i++) {
            byte[] payload = new byte[PAYLOAD];
            random.nextBytes(payload);  // incompressible, so on-disk bytes track stored bytes
            apply(engine, TABLE, key(i), new RowMutation().put("v", 1, payload));
        }
        reopen();  // the WAL is replayed and flushed into SST files, as for a table that has been loaded a while ago
        long exactTotal = engine.approximateSize(TABLE, ScanRange.all());
        long target = exactTotal / 6;  // about 4 MiB: 6 pieces expected
        assertThat(exactTotal).isGreaterThan(RocksDbStorageEngine.ESTIMATE_SPLIT_MIN_BYTES);  // the estimate path

        List<byte[]> cuts = engine.estimatedSplitKeys(TABLE, ScanRange.all(), target);

        assertThat(cuts).hasSizeBetween(4, 7);
        byte[] previous = null;
        for (byte[] cut : cuts) {
            assertThat(engine.readRow(TABLE, cut, ReadSpec.latest())).as("a real row key").isPresent();
            if (previous != null) {
                assertThat(Arrays.compareUnsigned(cut, previous)).isPositive();
            }
            previous = cut;
        }
        assertThat(Arrays.compareUnsigned(cuts.get(0), key(0))).isPositive();
        // every piece (measured exactly) is within a factor of two of the target
        byte[] start = null;
        for (int i = 0; i <= cuts.size(); i++) {
            byte[] end = i < cuts.size() ? cuts.get(i) : null;
            long piece = engine.approximateSize(TABLE, new ScanRange(start, end, false));
            assertThat(piece).as("piece %d", i).isBetween(target / 2, target * 2);
            start = end;
        }
        // a sub-range keeps its bounds: cuts strictly inside
        List<byte[]> inner = engine.estimatedSplitKeys(TABLE, new ScanRange(key(4_000), key(20_000), false),
                target);
        assertThat(inner).isNotEmpty().allSatisfy(k -> {
            assertThat(Arrays.compareUnsigned(k, key(4_000))).isPositive();
            assertThat(Arrays.compareUnsigned(k, key(20_000))).isNegative();
        });
    }

    @Test
    void smallRangesAreSplitExactlyLikeSplitKeys() {
        for (int i = 0; i < 200; i++) {
            apply(engine, TABLE, key(i), new RowMutation().put("v", 1, new byte[PAYLOAD]));
        }
        List<byte[]> exact = engine.splitKeys(TABLE, ScanRange.all(), 20_000);
        List<byte[]> estimated = engine.estimatedSplitKeys(TABLE, ScanRange.all(), 20_000);
        assertThat(estimated).hasSameSizeAs(exact);
        for (int i = 0; i < exact.size(); i++) {
            assertThat(estimated.get(i)).isEqualTo(exact.get(i));
        }
    }
}
