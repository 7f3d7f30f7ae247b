package io.tunnelstore.client;

import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.CellType;
import io.tunnelstore.protocol.model.PrimaryKey;
import java.util.List;
import java.util.Objects;

/**
 * Writes a whole row, replacing any existing one.
 *
 * @param tableName  the table
 * @param primaryKey the full primary key (an auto-increment column takes {@code ColumnValue.AUTO_INCREMENT})
 * @param cells      attribute cells, all of type PUT (with or without a version timestamp)
 * @param condition  row-existence condition
 */
public record RowPutChange(String tableName, PrimaryKey primaryKey, List<Cell> cells, RowExistence condition)
        implements RowChange {

    public RowPutChange {
        TableNames.validate(tableName);
        Objects.requireNonNull(primaryKey, "primaryKey");
        cells = List.copyOf(cells);
        Objects.requireNonNull(condition, "condition");
        if (primaryKey.isEmpty()) {
            throw new IllegalArgumentException("put of table '" + tableName + "' has an empty primary key");
        }
        for (Cell c : cells) {
            if (c.type() != CellType.PUT) {
                throw new IllegalArgumentException("a put can only hold PUT cells; cell " + c
                        + " belongs in a RowUpdateChange");
            }
        }
    }

    /** A put with no condition. */
    public static RowPutChange of(String tableName, PrimaryKey primaryKey, List<Cell> cells) {
        return new RowPutChange(tableName, primaryKey, cells, RowExistence.IGNORE);
    }
}
