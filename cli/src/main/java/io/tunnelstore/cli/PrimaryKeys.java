package io.tunnelstore.cli;

import io.tunnelstore.client.PrimaryKeySchema;
import io.tunnelstore.client.PrimaryKeyType;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Primary-key schemas and values as written on the command line. Stateless. */
final class PrimaryKeys {
    private PrimaryKeys() {
    }

    /**
     * Parses a schema {@code id:integer,name:string} (types integer/int, string/str, binary/bin; an integer
     * column may be {@code id:integer:auto} for auto-increment).
     *
     * @throws IllegalArgumentException naming the bad part
     */
    static List<PrimaryKeySchema> parseSchema(String spec) {
        List<PrimaryKeySchema> out = new ArrayList<>();
        for (String part : spec.split(",", -1)) {
            String[] bits = part.trim().split(":", -1);
            if (bits.length < 2 || bits.length > 3 || bits[0].isEmpty()) {
                throw new IllegalArgumentException("bad primary key column '" + part
                        + "': expected NAME:TYPE, e.g. id:integer");
            }
            PrimaryKeyType type = switch (bits[1].toLowerCase(Locale.ROOT)) {
                case "integer", "int" -> PrimaryKeyType.INTEGER;
                case "string", "str" -> PrimaryKeyType.STRING;
                case "binary", "bin" -> PrimaryKeyType.BINARY;
                default -> throw new IllegalArgumentException("bad type '" + bits[1] + "' of primary key column '"
                        + bits[0] + "': expected integer, string or binary");
            };
            if (bits.length == 3) {
                if (!bits[2].equalsIgnoreCase("auto")) {
                    throw new IllegalArgumentException("bad primary key column '" + part
                            + "': the only option is ':auto' (auto-increment)");
                }
                out.add(new PrimaryKeySchema(bits[0], type, true));
            } else {
                out.add(PrimaryKeySchema.of(bits[0], type));
            }
        }
        return out;
    }

    /** {@code id:integer,name:string}, the form {@link #parseSchema} reads. */
    static String formatSchema(List<PrimaryKeySchema> schema) {
        StringBuilder sb = new StringBuilder();
        for (PrimaryKeySchema c : schema) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(c.name()).append(':').append(c.type().name().toLowerCase(Locale.ROOT));
            if (c.autoIncrement()) {
                sb.append(":auto");
            }
        }
        return sb.toString();
    }

    /**
     * Splits {@code NAME=VALUE} assignments (the value may itself contain '=').
     *
     * @throws IllegalArgumentException for an assignment without '=' or a name given twice
     */
    static Map<String, String> assignments(List<String> items, String flag) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String item : items) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("bad " + flag + " '" + item + "': expected NAME=VALUE");
            }
            String name = item.substring(0, eq);
            if (out.put(name, item.substring(eq + 1)) != null) {
                throw new IllegalArgumentException(flag + " " + name + " is given twice");
            }
        }
        return out;
    }

    /**
     * The full primary key from {@code NAME=VALUE} texts, typed and ordered by the table's schema.
     *
     * @throws IllegalArgumentException for a missing or unknown column or a value of the wrong type
     */
    static PrimaryKey fullKey(String table, List<PrimaryKeySchema> schema, Map<String, String> values) {
        Map<String, String> remaining = new LinkedHashMap<>(values);
        List<PrimaryKeyColumn> columns = new ArrayList<>();
        for (PrimaryKeySchema c : schema) {
            String text = remaining.remove(c.name());
            if (text == null) {
                throw new IllegalArgumentException("missing --pk " + c.name() + "=VALUE (primary key of table '"
                        + table + "' is " + formatSchema(schema) + ")");
            }
            columns.add(PrimaryKeyColumn.of(c.name(), value(c, text)));
        }
        rejectUnknown(table, schema, remaining);
        return PrimaryKey.of(columns);
    }

    /**
     * A range bound from a key prefix: the given leading columns, then {@code fill} (INF_MIN or INF_MAX) for the
     * rest; with no column given at all, every column is {@code fillIfEmpty} (the open end of the range).
     * Forward scans fill both bounds with INF_MIN, so {@code --start id=5 --end id=7} covers every row with id 5
     * or 6; backward scans fill with INF_MAX.
     */
    static PrimaryKey bound(String table, List<PrimaryKeySchema> schema, Map<String, String> values,
            ColumnValue fill, ColumnValue fillIfEmpty) {
        if (values.isEmpty()) {
            fill = fillIfEmpty;
        }
        Map<String, String> remaining = new LinkedHashMap<>(values);
        List<PrimaryKeyColumn> columns = new ArrayList<>();
        boolean open = false;
        for (PrimaryKeySchema c : schema) {
            String text = remaining.remove(c.name());
            if (text != null && open) {
                throw new IllegalArgumentException("range bound of table '" + table + "' gives column '"
                        + c.name() + "' but not an earlier key column; give a prefix of " + formatSchema(schema));
            }
            if (text == null) {
                open = true;
            }
            columns.add(PrimaryKeyColumn.of(c.name(), open ? fill : value(c, text)));
        }
        rejectUnknown(table, schema, remaining);
        return PrimaryKey.of(columns);
    }

    private static ColumnValue value(PrimaryKeySchema c, String text) {
        try {
            return Values.parseKey(c.type(), text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("primary key column '" + c.name() + "': " + e.getMessage(), e);
        }
    }

    private static void rejectUnknown(String table, List<PrimaryKeySchema> schema, Map<String, String> remaining) {
        if (!remaining.isEmpty()) {
            throw new IllegalArgumentException("table '" + table + "' has no primary key column "
                    + String.join(", ", remaining.keySet()) + " (its primary key is " + formatSchema(schema) + ")");
        }
    }
}
