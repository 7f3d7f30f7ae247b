package io.tunnelstore.client;

import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.PrimaryKey;
import java.util.List;
import java.util.Objects;

/**
 * Changes some columns of a row (creating it if needed, unless the condition says otherwise).
 *
 * @param tableName  the table
 * @param primaryKey the full primary key
 * @param cells      at least one cell: {@link Cell#put}, {@link Cell#deleteAllVersions},
 *                   {@link Cell#deleteOneVersion} or {@link Cell#increment}
 * @param condition  row-existence condition
 */
public record RowUpdateChange(String tableName, PrimaryKey primaryKey, List<Cell> cells, RowExistence condition)
        implements RowChange {

    public RowUpdateChange {
        TableNames.validate(tableName);
        Objects.requireNonNull(primaryKey, "primaryKey");
        cells = List.copyOf(cells);
        Objects.requireNonNull(condition, "condition");
        if (primaryKey.isEmpty()) {
            throw new IllegalArgumentException("update of table '" + tableName + "' has an empty primary key");
        }
        if (cells.isEmpty()) {
            throw new IllegalArgumentException("update of " + primaryKey + " in '" + tableName + "' has no cells");
        }
    }

    /** An update with no condition. */
    public static RowUpdateChange of(String tableName, PrimaryKey primaryKey, List<Cell> cells) {
        return new RowUpdateChange(tableName, primaryKey, cells, RowExistence.IGNORE);
    }
}
