package io.tunnelstore.server.table;

/** Limits of the public service that we enforce (PROTOCOL.md §7); names: {@link ObjectNames}. Stateless. */
final class TableLimits {

    static final int MIN_PK_COLUMNS = 1;
    static final int MAX_PK_COLUMNS = 4;
    static final int MAX_PK_VALUE_BYTES = 1024;
    static final int MAX_ATTRIBUTE_VALUE_BYTES = 2 * 1024 * 1024;
    static final int MAX_COLUMNS_PER_WRITE = 1024;
    static final int MAX_COLUMNS_TO_GET = 128;
    static final int MAX_BATCH_GET_ROWS = 100;
    static final int MAX_BATCH_WRITE_ROWS = 200;
    static final int MAX_BATCH_WRITE_BYTES = 4 * 1024 * 1024;
    static final int MAX_ROW_WRITE_BYTES = 4 * 1024 * 1024;
    static final int MAX_RANGE_ROWS = 5000;
    static final int MAX_RANGE_BYTES = 4 * 1024 * 1024;

    static final int DEFAULT_MAX_VERSIONS = 1;
    static final long DEFAULT_DEVIATION_SECONDS = 86_400;

    private TableLimits() {}
}
