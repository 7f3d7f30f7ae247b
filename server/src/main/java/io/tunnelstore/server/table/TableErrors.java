package io.tunnelstore.server.table;

import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;

/**
 * The protocol errors of the table API, with the messages clients see: the public service's own wording wherever it
 * is known (docs/compatibility.md "Errors", checked by ErrorTableTest); names and other detail go to the server log
 * ({@link OtsException#withLogDetail}). Stateless.
 */
final class TableErrors {

    private TableErrors() {}

    static OtsException tableNotFound(String table) {
        return OtsException.of(ErrorCode.OBJECT_NOT_EXIST, "Requested table does not exist.")
                .withLogDetail("table " + table);
    }

    static OtsException tableExists(String table) {
        return OtsException.of(ErrorCode.OBJECT_ALREADY_EXIST, "Requested table already exists.")
                .withLogDetail("table " + table);
    }

    static OtsException conditionFailed() {
        return OtsException.of(ErrorCode.CONDITION_CHECK_FAIL, "Condition check failed.");
    }

    static OtsException invalidPk(String fmt, Object... args) {
        return OtsException.of(ErrorCode.INVALID_PK, fmt, args);
    }

    /**
     * A row whose partition this node does not own (its owner moved): nothing was written. The public service's
     * answer during a partition failover, which the SDKs always retry.
     */
    static OtsException partitionUnavailable() {
        return OtsException.of(ErrorCode.PARTITION_UNAVAILABLE, "The partition is not available, please retry.");
    }

    static OtsException invalid(String fmt, Object... args) {
        return OtsException.of(ErrorCode.PARAMETER_INVALID, fmt, args);
    }
}
