package io.tunnelstore.client;

import io.tunnelstore.protocol.model.PrimaryKey;
import java.util.List;
import java.util.Objects;

/**
 * Arguments of {@link TableClient#getRow(GetRowRequest)}.
 *
 * @param tableName     the table
 * @param primaryKey    the full primary key
 * @param columnsToGet  attribute columns to return; empty means all
 * @param maxVersions   versions per column to return (at least 1)
 */
public record GetRowRequest(String tableName, PrimaryKey primaryKey, List<String> columnsToGet, int maxVersions) {

    public GetRowRequest {
        TableNames.validate(tableName);
        Objects.requireNonNull(primaryKey, "primaryKey");
        columnsToGet = List.copyOf(columnsToGet);
        if (maxVersions < 1) {
            throw new IllegalArgumentException("maxVersions must be at least 1, got " + maxVersions);
        }
    }

    /** All columns, latest version only. */
    public static GetRowRequest of(String tableName, PrimaryKey primaryKey) {
        return new GetRowRequest(tableName, primaryKey, List.of(), 1);
    }
}
