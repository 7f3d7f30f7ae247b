package io.tunnelstore.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Arguments of {@link TableClient#createTable}. Build with {@link #builder(String)}.
 *
 * @param tableName  table name ({@code [A-Za-z_][A-Za-z0-9_]*}, 1-255 characters)
 * @param primaryKey 1-4 primary-key columns; the first is the partition key
 * @param options    TTL and versions. Default: {@link TableOptions#defaults()}
 * @param stream     change stream. Default: disabled
 */
public record CreateTableRequest(String tableName, List<PrimaryKeySchema> primaryKey, TableOptions options,
                                 StreamSpecification stream) {

    public CreateTableRequest {
        TableNames.validate(tableName);
        primaryKey = List.copyOf(primaryKey);
        if (primaryKey.isEmpty() || primaryKey.size() > 4) {
            throw new IllegalArgumentException(
                    "a table needs 1 to 4 primary key columns, got " + primaryKey.size());
        }
        if (primaryKey.get(0).autoIncrement()) {
            throw new IllegalArgumentException("the first primary key column (partition key) '"
                    + primaryKey.get(0).name() + "' cannot be auto-increment");
        }
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(stream, "stream");
    }

    public static Builder builder(String tableName) {
        return new Builder(tableName);
    }

    /** Builder for {@link CreateTableRequest}. Not thread-safe. */
    public static final class Builder {
        private final String tableName;
        private final List<PrimaryKeySchema> primaryKey = new ArrayList<>();
        private int timeToLiveSeconds = TableOptions.TTL_FOREVER;
        private int maxVersions = 1;
        private StreamSpecification stream = StreamSpecification.disabled();

        private Builder(String tableName) {
            this.tableName = TableNames.validate(tableName);
        }

        /** Appends a primary-key column (call in key order). */
        public Builder addPrimaryKey(String name, PrimaryKeyType type) {
            primaryKey.add(PrimaryKeySchema.of(name, type));
            return this;
        }

        /** Appends a primary-key column (call in key order). */
        public Builder addPrimaryKey(PrimaryKeySchema column) {
            primaryKey.add(Objects.requireNonNull(column, "column"));
            return this;
        }

        /** Cell time to live in seconds, or {@link TableOptions#TTL_FOREVER}. Default: forever. */
        public Builder timeToLiveSeconds(int seconds) {
            this.timeToLiveSeconds = seconds;
            return this;
        }

        /** Versions kept per cell. Default: 1. */
        public Builder maxVersions(int maxVersions) {
            this.maxVersions = maxVersions;
            return this;
        }

        /** Enables the change stream with the given retention in hours (1-168). Default: stream off. */
        public Builder streamEnabled(int expirationHours) {
            this.stream = StreamSpecification.enabled(expirationHours);
            return this;
        }

        public CreateTableRequest build() {
            return new CreateTableRequest(tableName, primaryKey, new TableOptions(timeToLiveSeconds, maxVersions),
                    stream);
        }
    }
}
