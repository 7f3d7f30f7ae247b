package io.tunnelstore.server.table;

import java.time.Duration;
import java.util.Objects;

/**
 * When partitions are split automatically.
 *
 * @param maxPartitionBytes a partition whose rows take more than this many bytes (as
 *                          {@link io.tunnelstore.storage.StorageEngine#approximateSize} counts them) is split in two
 * @param checkInterval     how often the table module looks for such partitions; {@link Duration#ZERO} turns the
 *                          periodic check off (splits then only happen through {@link TableModule#splitPartition} and
 *                          {@link TableModule#splitOversizedPartitions})
 */
public record PartitionSplitConfig(long maxPartitionBytes, Duration checkInterval) {

    /**
     * 256 MiB per partition, checked every 10 minutes (the embedded engine's size estimate walks the partition's
     * keys, so a check reads every row key of every table once).
     */
    public static final PartitionSplitConfig DEFAULT =
            new PartitionSplitConfig(256L * 1024 * 1024, Duration.ofMinutes(10));

    public PartitionSplitConfig {
        Objects.requireNonNull(checkInterval, "checkInterval");
        if (maxPartitionBytes < 1) {
            throw new IllegalArgumentException("maxPartitionBytes must be positive: " + maxPartitionBytes);
        }
        if (checkInterval.isNegative()) {
            throw new IllegalArgumentException("checkInterval must not be negative: " + checkInterval);
        }
    }
}
