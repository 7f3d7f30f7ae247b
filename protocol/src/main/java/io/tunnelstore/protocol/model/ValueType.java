package io.tunnelstore.protocol.model;

/**
 * Type of a {@link ColumnValue}. INTEGER, DOUBLE, BOOLEAN, STRING and BINARY are real data types;
 * INF_MIN, INF_MAX and AUTO_INCREMENT are primary-key markers that only appear in requests
 * (range bounds and the auto-increment placeholder, PROTOCOL.md §5.3).
 */
public enum ValueType {
    INTEGER,
    DOUBLE,
    BOOLEAN,
    STRING,
    BINARY,
    INF_MIN,
    INF_MAX,
    AUTO_INCREMENT;

    /** True for the types allowed in a stored primary key column (INTEGER, STRING, BINARY). */
    public boolean isPrimaryKeyDataType() {
        return this == INTEGER || this == STRING || this == BINARY;
    }

    /** True for the five real data types (everything except the three markers). */
    public boolean isDataType() {
        return this != INF_MIN && this != INF_MAX && this != AUTO_INCREMENT;
    }
}
