package io.tunnelstore.client;

import java.util.Objects;
import java.util.regex.Pattern;

/** Client-side check of table names, so an obviously bad name fails before a round trip. */
final class TableNames {

    private static final Pattern NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]{0,254}$");

    private TableNames() {
    }

    static String validate(String tableName) {
        Objects.requireNonNull(tableName, "tableName");
        if (!NAME.matcher(tableName).matches()) {
            throw new IllegalArgumentException("invalid table name '" + tableName
                    + "': expected 1-255 characters [A-Za-z_][A-Za-z0-9_]*");
        }
        return tableName;
    }
}
