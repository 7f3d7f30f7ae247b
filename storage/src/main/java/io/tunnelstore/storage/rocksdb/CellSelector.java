package io.tunnelstore.storage.rocksdb;

import io.tunnelstore.storage.ReadSpec;
import java.util.Objects;

/**
 * Applies a {@link ReadSpec} to the cells of one row, which must be offered in stored order (column ascending, then
 * timestamp descending): a cell is selected when its column is requested, its timestamp is inside the time range,
 * and fewer than {@code maxVersions} versions of its column inside the time range came before it. Not thread-safe;
 * one instance per row.
 */
final class CellSelector {
    private final ReadSpec spec;
    private String currentColumn;
    private int versionsOfCurrentColumn;

    CellSelector(ReadSpec spec) {
        this.spec = spec;
    }

    /** Checks a spec once per call, so that a bad one fails before any native resource is allocated. */
    static void validate(ReadSpec spec) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(spec.columns(), "spec.columns");
        if (spec.maxVersions() < 1) {
            throw new IllegalArgumentException("maxVersions must be at least 1: " + spec.maxVersions());
        }
        if (spec.minTimestamp() > spec.maxTimestampExclusive()) {
            throw new IllegalArgumentException("time range is inverted: [" + spec.minTimestamp() + ", "
                    + spec.maxTimestampExclusive() + ")");
        }
    }

    /** Whether the row's column is requested at all (lets callers skip decoding values). */
    boolean wantsColumn(String column) {
        return spec.columns().isEmpty() || spec.columns().contains(column);
    }

    boolean select(String column, long timestamp) {
        if (!wantsColumn(column)) {
            return false;
        }
        if (timestamp < spec.minTimestamp() || timestamp >= spec.maxTimestampExclusive()) {
            return false;
        }
        if (!column.equals(currentColumn)) {
            currentColumn = column;
            versionsOfCurrentColumn = 0;
        }
        if (versionsOfCurrentColumn >= spec.maxVersions()) {
            return false;
        }
        versionsOfCurrentColumn++;
        return true;
    }
}
