package io.tunnelstore.client;

import java.util.List;
import java.util.Objects;

/**
 * Options of a range read ({@link TableClient#getRange} / {@link TableClient#scan}). Build with
 * {@link #builder()}; {@link #defaults()} is forward, all columns, latest version, no limit.
 *
 * @param direction    scan order. Default: {@link Direction#FORWARD}
 * @param columnsToGet attribute columns to return; empty means all. Default: all
 * @param maxVersions  versions per column (at least 1). Default: 1
 * @param limit        total rows a {@code scan} returns; 0 means unlimited. Default: 0
 * @param pageSize     rows per request; 0 lets the server choose (up to 5000). Default: 0
 */
public record ScanOptions(Direction direction, List<String> columnsToGet, int maxVersions, long limit,
                          int pageSize) {

    private static final ScanOptions DEFAULTS = new ScanOptions(Direction.FORWARD, List.of(), 1, 0, 0);

    public ScanOptions {
        Objects.requireNonNull(direction, "direction");
        columnsToGet = List.copyOf(columnsToGet);
        if (maxVersions < 1) {
            throw new IllegalArgumentException("maxVersions must be at least 1, got " + maxVersions);
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0 (0 = unlimited), got " + limit);
        }
        if (pageSize < 0) {
            throw new IllegalArgumentException("pageSize must be >= 0 (0 = server default), got " + pageSize);
        }
    }

    public static ScanOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link ScanOptions}. Not thread-safe. */
    public static final class Builder {
        private Direction direction = Direction.FORWARD;
        private List<String> columnsToGet = List.of();
        private int maxVersions = 1;
        private long limit;
        private int pageSize;

        private Builder() {
        }

        public Builder direction(Direction direction) {
            this.direction = Objects.requireNonNull(direction, "direction");
            return this;
        }

        public Builder columnsToGet(List<String> columns) {
            this.columnsToGet = List.copyOf(columns);
            return this;
        }

        public Builder maxVersions(int maxVersions) {
            this.maxVersions = maxVersions;
            return this;
        }

        public Builder limit(long limit) {
            this.limit = limit;
            return this;
        }

        public Builder pageSize(int pageSize) {
            this.pageSize = pageSize;
            return this;
        }

        public ScanOptions build() {
            return new ScanOptions(direction, columnsToGet, maxVersions, limit, pageSize);
        }
    }
}
