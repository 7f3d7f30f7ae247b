package io.tunnelstore.client;

import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.model.ValueType;
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
 * @param splitPoints where the table is split into partitions (each a stream shard / tunnel channel of its own):
 *                    strictly increasing keys of the partition-key column only; {@code n} points give {@code n + 1}
 *                    partitions {@code [INF_MIN, p1), [p1, p2) … [pn, INF_MAX)}. Default: empty (one partition)
 */
public record CreateTableRequest(String tableName, List<PrimaryKeySchema> primaryKey, TableOptions options,
                                 StreamSpecification stream, List<PrimaryKey> splitPoints) {

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
        splitPoints = List.copyOf(splitPoints);
        validateSplitPoints(primaryKey.get(0), splitPoints);
    }

    /** A request with a single partition. */
    public CreateTableRequest(String tableName, List<PrimaryKeySchema> primaryKey, TableOptions options,
            StreamSpecification stream) {
        this(tableName, primaryKey, options, stream, List.of());
    }

    private static void validateSplitPoints(PrimaryKeySchema partitionKey, List<PrimaryKey> points) {
        ValueType expected = switch (partitionKey.type()) {
            case INTEGER -> ValueType.INTEGER;
            case STRING -> ValueType.STRING;
            case BINARY -> ValueType.BINARY;
        };
        ColumnValue previous = null;
        for (int i = 0; i < points.size(); i++) {
            PrimaryKey p = points.get(i);
            if (p.size() != 1 || !p.get(0).name().equals(partitionKey.name())) {
                throw new IllegalArgumentException("split point " + i + " must hold only the partition key column '"
                        + partitionKey.name() + "', got " + p);
            }
            ColumnValue v = p.get(0).value();
            if (v.type() != expected) {
                throw new IllegalArgumentException("split point " + i + " must be " + partitionKey.type()
                        + " like the partition key, got " + v.type());
            }
            if (previous != null && previous.compareTo(v) >= 0) {
                throw new IllegalArgumentException("split points must be strictly increasing: " + previous
                        + " then " + v);
            }
            previous = v;
        }
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
        private List<PrimaryKey> splitPoints = List.of();

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

        /**
         * Splits the table into {@code splitPoints.size() + 1} partitions at these keys (partition-key column only,
         * strictly increasing; checked in {@link #build()}). Default: one partition.
         */
        public Builder splitPoints(List<PrimaryKey> splitPoints) {
            this.splitPoints = List.copyOf(Objects.requireNonNull(splitPoints, "splitPoints"));
            return this;
        }

        /** {@link #splitPoints(List)} for an INTEGER partition key named {@code column}. */
        public Builder splitPoints(String column, long... values) {
            List<PrimaryKey> points = new ArrayList<>(values.length);
            for (long v : values) {
                points.add(PrimaryKey.of(PrimaryKeyColumn.of(column, ColumnValue.ofLong(v))));
            }
            return splitPoints(points);
        }

        public CreateTableRequest build() {
            return new CreateTableRequest(tableName, primaryKey, new TableOptions(timeToLiveSeconds, maxVersions),
                    stream, splitPoints);
        }
    }
}
