package io.tunnelstore.protocol.model;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * An immutable primary key: columns in schema order. May be empty only as a decoded wire artefact
 * (schema validation is the server's job).
 *
 * <p>Ordering compares column values pairwise in order ({@link ColumnValue#compareTo}); when one key is a
 * prefix of the other, the shorter key sorts first. Names are not compared (they come from the schema), so
 * {@code compareTo} is consistent with {@code equals} only for keys of the same schema; {@code equals}
 * compares names and values.
 */
public final class PrimaryKey implements Comparable<PrimaryKey> {

    public static final PrimaryKey EMPTY = new PrimaryKey(List.of());

    private final List<PrimaryKeyColumn> columns;

    private PrimaryKey(List<PrimaryKeyColumn> columns) {
        this.columns = columns;
    }

    public static PrimaryKey of(PrimaryKeyColumn... columns) {
        return new PrimaryKey(List.of(columns));
    }

    public static PrimaryKey of(List<PrimaryKeyColumn> columns) {
        return new PrimaryKey(List.copyOf(columns));
    }

    /** Unmodifiable list of the columns in order. */
    public List<PrimaryKeyColumn> columns() {
        return columns;
    }

    public PrimaryKeyColumn get(int index) {
        return columns.get(index);
    }

    public int size() {
        return columns.size();
    }

    public boolean isEmpty() {
        return columns.isEmpty();
    }

    /** True if some column is INF_MIN, INF_MAX or AUTO_INCREMENT. */
    public boolean hasMarkerValue() {
        for (PrimaryKeyColumn c : columns) {
            if (!c.value().type().isDataType()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int compareTo(PrimaryKey other) {
        int n = Math.min(columns.size(), other.columns.size());
        for (int i = 0; i < n; i++) {
            int c = columns.get(i).value().compareTo(other.columns.get(i).value());
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(columns.size(), other.columns.size());
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof PrimaryKey pk && columns.equals(pk.columns));
    }

    @Override
    public int hashCode() {
        return Objects.hash(columns);
    }

    @Override
    public String toString() {
        return columns.stream().map(PrimaryKeyColumn::toString).collect(Collectors.joining(", ", "[", "]"));
    }
}
