package io.tunnelstore.storage;

/** One metadata key and its value. */
public record MetaEntry(String key, byte[] value) {}
