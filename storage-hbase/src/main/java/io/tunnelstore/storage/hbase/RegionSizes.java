package io.tunnelstore.storage.hbase;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.hbase.HRegionLocation;
import org.apache.hadoop.hbase.RegionMetrics;
import org.apache.hadoop.hbase.ServerName;
import org.apache.hadoop.hbase.Size;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.RegionLocator;

/**
 * Approximate sizes and split keys from region information instead of a walk over the keys: the bytes come from the
 * region servers' {@link RegionMetrics} (store files + memstore, reported in whole megabytes), the distribution of a
 * region's bytes over a key range is assumed uniform between the range's first and last key (linear interpolation on
 * the bytes after their common prefix, as Bigtable-style samplers do). Since a Tunnelstore table never spans a
 * region boundary, a table that shares its region with other tables is charged the whole region's bytes: an
 * over-estimate that only makes base channels and split points finer than needed.
 */
final class RegionSizes {
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    private RegionSizes() {}

    /** Bytes of the regions overlapping {@code [start, end)} (end null: unbounded). */
    static long regionBytes(Connection connection, TableName table, byte[] start, byte[] end) throws IOException {
        Map<ServerName, List<byte[]>> regionsByServer = new HashMap<>();
        try (RegionLocator locator = connection.getRegionLocator(table)) {
            for (HRegionLocation location : locator.getAllRegionLocations()) {
                byte[] rs = location.getRegion().getStartKey();
                byte[] re = location.getRegion().getEndKey();
                boolean beforeEnd = end == null || rs.length == 0 || Arrays.compareUnsigned(rs, end) < 0;
                boolean afterStart = re.length == 0 || Arrays.compareUnsigned(re, start) > 0;
                if (beforeEnd && afterStart) {
                    regionsByServer.computeIfAbsent(location.getServerName(), s -> new ArrayList<>())
                            .add(location.getRegion().getRegionName());
                }
            }
        }
        long bytes = 0;
        try (Admin admin = connection.getAdmin()) {
            for (Map.Entry<ServerName, List<byte[]>> e : regionsByServer.entrySet()) {
                for (RegionMetrics metrics : admin.getRegionMetrics(e.getKey(), table)) {
                    for (byte[] wanted : e.getValue()) {
                        if (Arrays.equals(wanted, metrics.getRegionName())) {
                            bytes += (long) (metrics.getStoreFileSize().get(Size.Unit.BYTE)
                                    + metrics.getMemStoreSize().get(Size.Unit.BYTE));
                        }
                    }
                }
            }
        }
        return bytes;
    }

    /**
     * The share of the keys {@code [from, to)} within {@code [low, high)} under a uniform distribution (0 to 1).
     */
    static double fraction(byte[] low, byte[] high, byte[] from, byte[] to) {
        byte[] a = max(low, from);
        byte[] b = min(high, to);
        if (Arrays.compareUnsigned(a, b) >= 0) {
            return 0;
        }
        int common = commonPrefix(low, high);
        double span = position(high, common) - position(low, common);
        if (span <= 0) {
            return 1;
        }
        return Math.min(1, Math.max(0, (position(b, common) - position(a, common)) / span));
    }

    /**
     * {@code count} keys that cut {@code [low, high)} into equal parts under a uniform distribution: ascending,
     * distinct, strictly between the bounds (fewer when the bounds are too close to cut).
     */
    static List<byte[]> cuts(byte[] low, byte[] high, int count) {
        int common = commonPrefix(low, high);
        double lo = position(low, common);
        double hi = position(high, common);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            double p = lo + (hi - lo) * i / (count + 1);
            byte[] key = keyAt(low, common, p);
            if (Arrays.compareUnsigned(key, low) > 0 && Arrays.compareUnsigned(key, high) < 0
                    && (keys.isEmpty() || Arrays.compareUnsigned(key, keys.get(keys.size() - 1)) > 0)) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static int commonPrefix(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        return i;
    }

    /** The 8 bytes after {@code common} (zero-padded) as an unsigned number. */
    private static double position(byte[] key, int common) {
        byte[] eight = new byte[8];
        for (int i = 0; i < 8 && common + i < key.length; i++) {
            eight[i] = key[common + i];
        }
        return new BigInteger(1, eight).doubleValue();
    }

    private static byte[] keyAt(byte[] low, int common, double position) {
        BigInteger value = new BigInteger(String.format("%.0f", Math.floor(position)));
        if (value.compareTo(TWO_64) >= 0) {
            value = TWO_64.subtract(BigInteger.ONE);
        }
        byte[] raw = value.toByteArray();
        byte[] eight = new byte[8];
        int copy = Math.min(8, raw.length);
        System.arraycopy(raw, raw.length - copy, eight, 8 - copy, copy);
        int length = 8;
        while (length > 1 && eight[length - 1] == 0) {
            length--;
        }
        byte[] key = Arrays.copyOf(low, common + length);
        System.arraycopy(eight, 0, key, common, length);
        return key;
    }

    private static byte[] max(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b) >= 0 ? a : b;
    }

    private static byte[] min(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b) <= 0 ? a : b;
    }
}
