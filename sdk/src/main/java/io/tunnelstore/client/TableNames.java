package io.tunnelstore.client;

import java.util.Objects;

/** Client-side check of table names, so an obviously bad name fails before a round trip. */
final class TableNames {

    /*
     * {@code [A-Za-z_][A-Za-z0-9_]{0,254}}, checked character by character: every RowChange checks its table name,
     * and a regex match per row was a visible part of the SDK's BatchWriteRow cost (JFR, 2026-12-07).
     */
    private static final int MAX_LENGTH = 255;

    private TableNames() {
    }

    static String validate(String tableName) {
        Objects.requireNonNull(tableName, "tableName");
        if (!isValid(tableName)) {
            throw new IllegalArgumentException("invalid table name '" + tableName
                    + "': expected 1-255 characters [A-Za-z_][A-Za-z0-9_]*");
        }
        return tableName;
    }

    private static boolean isValid(String name) {
        int n = name.length();
        if (n == 0 || n > MAX_LENGTH || isDigit(name.charAt(0))) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
