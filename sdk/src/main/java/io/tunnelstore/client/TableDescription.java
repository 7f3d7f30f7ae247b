package io.tunnelstore.client;

import java.util.List;
import java.util.Objects;

/**
 * What {@link TableClient#describeTable} returns.
 *
 * @param tableName  the table
 * @param primaryKey primary-key schema in order (unmodifiable)
 * @param options    TTL and max versions
 * @param stream     stream state
 */
public record TableDescription(String tableName, List<PrimaryKeySchema> primaryKey, TableOptions options,
                               StreamDetails stream) {

    public TableDescription {
        Objects.requireNonNull(tableName, "tableName");
        primaryKey = List.copyOf(primaryKey);
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(stream, "stream");
    }
}
