package io.tunnelstore.protocol.model;

import java.util.Objects;

/**
 * One primary-key column. The value is INTEGER, STRING or BINARY, or one of the request-only markers
 * INF_MIN, INF_MAX (range bounds) and AUTO_INCREMENT (placeholder); DOUBLE and BOOLEAN are rejected.
 */
public record PrimaryKeyColumn(String name, ColumnValue value) implements Comparable<PrimaryKeyColumn> {

    public PrimaryKeyColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (value.type() == ValueType.DOUBLE || value.type() == ValueType.BOOLEAN) {
            throw new IllegalArgumentException(
                    "primary key column '" + name + "' cannot have type " + value.type());
        }
    }

    public static PrimaryKeyColumn of(String name, ColumnValue value) {
        return new PrimaryKeyColumn(name, value);
    }

    /** Orders by value only (names are fixed by the table schema). */
    @Override
    public int compareTo(PrimaryKeyColumn other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return name + "=" + value;
    }
}
