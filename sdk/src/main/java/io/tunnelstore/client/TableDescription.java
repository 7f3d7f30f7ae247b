package io.tunnelstore.client;

import io.tunnelstore.protocol.model.PrimaryKey;
import java.util.List;
import java.util.Objects;

/**
 * What {@link TableClient#describeTable} returns.
 *
 * @param tableName  the table
 * @param primaryKey primary-key schema in order (unmodifiable)
 * @param options    TTL and max versions
 * @param stream     stream state
 * @param shardSplits where the table is split into partitions, in key order: the first key of every partition but
 *                    the first (partition-key column only); empty for a single partition (unmodifiable)
 */
public record TableDescription(String tableName, List<PrimaryKeySchema> primaryKey, TableOptions options,
                               StreamDetails stream, List<PrimaryKey> shardSplits) {

    public TableDescription {
        Objects.requireNonNull(tableName, "tableName");
        primaryKey = List.copyOf(primaryKey);
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(stream, "stream");
        shardSplits = List.copyOf(shardSplits);
    }

    /** A single-partition table. */
    public TableDescription(String tableName, List<PrimaryKeySchema> primaryKey, TableOptions options,
            StreamDetails stream) {
        this(tableName, primaryKey, options, stream, List.of());
    }
}
