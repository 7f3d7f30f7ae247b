package io.tunnelstore.storage;

/** One version of one column: the name, its version timestamp in milliseconds and the opaque value bytes. */
public record StoredCell(String column, long timestamp, byte[] value) {}
