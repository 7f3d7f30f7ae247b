package io.tunnelstore.server.table;

import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;

/**
 * The public service's naming rule for tables, columns (primary key and attribute) and tunnels: 1 to 255 characters,
 * letters, digits and underscores, not starting with a digit — {@code [A-Za-z_][A-Za-z0-9_]{0,254}} (its "naming
 * conventions" page for tables and columns; Alibaba's own Terraform provider applies the same rule to tunnel names).
 * A name that breaks it is answered with OTSParameterInvalid and the public service's message,
 * {@code Invalid table name: '<name>'.} / {@code Invalid column name: '<name>'.} (asserted verbatim by the official
 * C# SDK's tests); tunnels get {@code Invalid tunnel name: '<name>'.} by analogy.
 *
 * <p>Tunnel names also accept {@code -} after the first character: the public service does not document its tunnel
 * rule, and hyphenated tunnel names ({@code orders-to-search}) are common in scripts and in tunnels this server
 * already stores (docs/compatibility.md). Either way names are plain identifiers everywhere else: safe in log lines,
 * file names, metric labels and the console's HTML. Stateless.
 */
public final class ObjectNames {

    public static final int MAX_LENGTH = 255;

    private ObjectNames() {}

    /** Whether {@code name} follows the table and column rule (null is not a name). */
    public static boolean isValid(String name) {
        return follows(name, false);
    }

    /** Whether {@code name} follows the tunnel rule: the table rule, plus {@code -} after the first character. */
    public static boolean isValidTunnelName(String name) {
        return follows(name, true);
    }

    private static boolean follows(String name, boolean hyphens) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            boolean laterOnly = (c >= '0' && c <= '9') || (hyphens && c == '-');
            if (!letter && (i == 0 || !laterOnly)) {
                return false;
            }
        }
        return true;
    }

    /** @throws OtsException OTSParameterInvalid {@code Invalid table name: '<name>'.} */
    public static void requireTableName(String name) {
        require(name, "table");
    }

    /** @throws OtsException OTSParameterInvalid {@code Invalid column name: '<name>'.} */
    public static void requireColumnName(String name) {
        require(name, "column");
    }

    /** @throws OtsException OTSParameterInvalid {@code Invalid tunnel name: '<name>'.} */
    public static void requireTunnelName(String name) {
        require(name, "tunnel", isValidTunnelName(name));
    }

    private static void require(String name, String kind) {
        require(name, kind, isValid(name));
    }

    private static void require(String name, String kind, boolean valid) {
        if (!valid) {
            throw new OtsException(ErrorCode.PARAMETER_INVALID, "Invalid " + kind + " name: '" + name + "'.");
        }
    }
}
