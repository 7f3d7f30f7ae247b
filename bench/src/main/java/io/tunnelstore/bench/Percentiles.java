package io.tunnelstore.bench;

import java.util.Arrays;

/** Nearest-rank percentiles of a sample of longs. */
final class Percentiles {
    private final long[] sorted;

    Percentiles(long[] values) {
        this.sorted = values.clone();
        Arrays.sort(sorted);
    }

    int count() {
        return sorted.length;
    }

    /** The nearest-rank {@code p}-th percentile ({@code 0 < p <= 100}); 0 for an empty sample. */
    long at(double p) {
        if (sorted.length == 0) {
            return 0;
        }
        // the epsilon keeps binary rounding (99.9 / 100 * 1000 = 999.0000000000001) from moving up one rank
        int rank = (int) Math.ceil(p / 100.0 * sorted.length - 1e-9);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
