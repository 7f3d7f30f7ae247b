package io.tunnelstore.client;

import io.tunnelstore.protocol.model.PrimaryKey;

/**
 * One row write: {@link RowPutChange} (replace the row), {@link RowUpdateChange} (change some columns) or
 * {@link RowDeleteChange} (delete the row). Used alone with {@code putRow/updateRow/deleteRow} or mixed in
 * {@link TableClient#batchWriteRow}.
 */
public sealed interface RowChange permits RowPutChange, RowUpdateChange, RowDeleteChange {

    /** The table written to. */
    String tableName();

    /** The row's primary key. */
    PrimaryKey primaryKey();

    /** The row-existence condition. */
    RowExistence condition();
}
