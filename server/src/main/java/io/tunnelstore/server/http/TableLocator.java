package io.tunnelstore.server.http;

import java.util.Optional;

/**
 * Finds the table a request field names indirectly (a tunnel id, a stream id, a shard iterator), so that a key
 * limited to named tables can be checked against requests that carry no table name. Registered by the module that
 * owns the ids ({@link OperationRegistry#registerTableLocator}). Must be fast and must not block (it runs for every
 * request of a table-limited key).
 */
@FunctionalInterface
public interface TableLocator {
    /** The table {@code value} belongs to in {@code instance}; empty when the id is unknown or malformed. */
    Optional<String> tableOf(String instance, String value);
}
