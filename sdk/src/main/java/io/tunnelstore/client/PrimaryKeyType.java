package io.tunnelstore.client;

/** Type of a primary-key column. */
public enum PrimaryKeyType {
    INTEGER,
    STRING,
    BINARY
}
