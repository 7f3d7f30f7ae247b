package io.tunnelstore.client;

import io.tunnelstore.protocol.model.PrimaryKey;
import java.util.Objects;

/**
 * Deletes a row.
 *
 * @param tableName  the table
 * @param primaryKey the full primary key
 * @param condition  row-existence condition
 */
public record RowDeleteChange(String tableName, PrimaryKey primaryKey, RowExistence condition) implements RowChange {

    public RowDeleteChange {
        TableNames.validate(tableName);
        Objects.requireNonNull(primaryKey, "primaryKey");
        Objects.requireNonNull(condition, "condition");
        if (primaryKey.isEmpty()) {
            throw new IllegalArgumentException("delete of table '" + tableName + "' has an empty primary key");
        }
    }

    /** A delete with no condition. */
    public static RowDeleteChange of(String tableName, PrimaryKey primaryKey) {
        return new RowDeleteChange(tableName, primaryKey, RowExistence.IGNORE);
    }
}
