package io.tunnelstore.server.table;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** Limits of the public service that we enforce (PROTOCOL.md §7), and name validation. Stateless. */
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
    static final int MAX_NAME_BYTES = 255;

    static final int DEFAULT_MAX_VERSIONS = 1;
    static final long DEFAULT_DEVIATION_SECONDS = 86_400;

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private TableLimits() {}

    static boolean isValidName(String name) {
        return name != null && !name.isEmpty() && name.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME_BYTES
                && NAME.matcher(name).matches();
    }

    /** @throws io.tunnelstore.protocol.errors.OtsException OTSParameterInvalid when {@code name} is not valid */
    static void requireValidName(String what, String name) {
        if (!isValidName(name)) {
            throw TableErrors.invalid("Invalid %s name: '%s' (1-255 bytes of [A-Za-z0-9_], not starting with a digit).",
                    what, name);
        }
    }
}
