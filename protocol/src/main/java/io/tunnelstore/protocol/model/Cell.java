package io.tunnelstore.protocol.model;

import java.util.Objects;

/**
 * An attribute cell of a row: a name, an operation, an optional value and an optional version timestamp
 * (milliseconds, non-negative).
 *
 * <p>Invariants (checked by the constructor, {@link IllegalArgumentException} otherwise): PUT and INCREMENT
 * carry a value, DELETE_ALL_VERSIONS and DELETE_ONE_VERSION do not; DELETE_ONE_VERSION carries a timestamp;
 * INCREMENT's value is an INTEGER; values are real data types (no INF_MIN/INF_MAX/AUTO_INCREMENT).
 * Whether a timestamp is mandatory (stream records) or forbidden (INCREMENT in UpdateRow) depends on where
 * the cell is used and is checked by the caller.
 */
public record Cell(String name, ColumnValue value, CellType type, Long timestamp) {

    public Cell {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (timestamp != null && timestamp < 0) {
            throw new IllegalArgumentException("cell '" + name + "' has a negative timestamp " + timestamp);
        }
        switch (type) {
            case PUT, INCREMENT -> {
                if (value == null) {
                    throw new IllegalArgumentException("cell '" + name + "' of type " + type + " needs a value");
                }
                if (!value.type().isDataType()) {
                    throw new IllegalArgumentException(
                            "cell '" + name + "' cannot hold the primary-key marker " + value.type());
                }
                if (type == CellType.INCREMENT && value.type() != ValueType.INTEGER) {
                    throw new IllegalArgumentException(
                            "INCREMENT cell '" + name + "' needs an INTEGER value, got " + value.type());
                }
            }
            case DELETE_ALL_VERSIONS, DELETE_ONE_VERSION -> {
                if (value != null) {
                    throw new IllegalArgumentException("cell '" + name + "' of type " + type + " cannot have a value");
                }
                if (type == CellType.DELETE_ONE_VERSION && timestamp == null) {
                    throw new IllegalArgumentException("DELETE_ONE_VERSION cell '" + name + "' needs a timestamp");
                }
            }
            default -> throw new AssertionError(type);
        }
    }

    /** A put cell without a timestamp (the server assigns one). */
    public static Cell put(String name, ColumnValue value) {
        return new Cell(name, value, CellType.PUT, null);
    }

    /** A put cell with an explicit version timestamp in ms. */
    public static Cell put(String name, ColumnValue value, long timestamp) {
        return new Cell(name, value, CellType.PUT, timestamp);
    }

    public static Cell deleteAllVersions(String name) {
        return new Cell(name, null, CellType.DELETE_ALL_VERSIONS, null);
    }

    public static Cell deleteOneVersion(String name, long timestamp) {
        return new Cell(name, null, CellType.DELETE_ONE_VERSION, timestamp);
    }

    public static Cell increment(String name, long delta) {
        return new Cell(name, ColumnValue.ofLong(delta), CellType.INCREMENT, null);
    }

    public boolean hasValue() {
        return value != null;
    }

    public boolean hasTimestamp() {
        return timestamp != null;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name);
        if (type != CellType.PUT) {
            sb.append(' ').append(type);
        }
        if (value != null) {
            sb.append('=').append(value);
        }
        if (timestamp != null) {
            sb.append(" @").append(timestamp);
        }
        return sb.toString();
    }
}
