package io.tunnelstore.tunnel;

import io.tunnelstore.protocol.model.ColumnValue;
import java.util.Objects;

/**
 * One attribute column change inside a {@link StreamRecord}. Immutable.
 *
 * @param name      column name
 * @param operation what happened to the column
 * @param value     the written value for {@link ColumnOperation#PUT}; null for deletes
 * @param timestamp the cell version in milliseconds; null only for {@link ColumnOperation#DELETE_ALL_VERSIONS}
 */
public record RecordColumn(String name, ColumnOperation operation, ColumnValue value, Long timestamp) {
    public RecordColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(operation, "operation");
        if (operation == ColumnOperation.PUT && value == null) {
            throw new IllegalArgumentException("PUT column '" + name + "' needs a value");
        }
        if (operation != ColumnOperation.PUT && value != null) {
            throw new IllegalArgumentException(operation + " column '" + name + "' cannot carry a value");
        }
    }

    /** Operation applied to a column by a change. */
    public enum ColumnOperation {
        /** A new value (version) was written. */
        PUT,
        /** One version (the {@link RecordColumn#timestamp()}) was deleted. */
        DELETE_ONE_VERSION,
        /** Every version of the column was deleted. */
        DELETE_ALL_VERSIONS
    }

    @Override
    public String toString() {
        return switch (operation) {
            case PUT -> name + "=" + value + "@" + timestamp;
            case DELETE_ONE_VERSION -> name + " DELETE_ONE_VERSION@" + timestamp;
            case DELETE_ALL_VERSIONS -> name + " DELETE_ALL_VERSIONS";
        };
    }
}
