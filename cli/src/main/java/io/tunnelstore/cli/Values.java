package io.tunnelstore.cli;

import io.tunnelstore.client.PrimaryKeyType;
import io.tunnelstore.protocol.model.ColumnValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * Column values as the command line reads and shows them.
 *
 * <ul>
 *   <li>Typed text (flags and CSV cells): {@code int:42}, {@code double:1.5}, {@code bool:true}, {@code str:text},
 *       {@code bin:<base64>}; text without a known prefix is a string.</li>
 *   <li>Text output: integers, doubles and booleans as themselves, strings raw, binaries as {@code bin:<base64>}.</li>
 *   <li>JSON: integers and doubles as numbers (a double always has a '.' or an exponent), strings, booleans,
 *       binaries as {@code {"$binary":"<base64>"}}, NaN and infinities as {@code {"$double":"NaN"}}. Reading JSON
 *       maps the same forms back, so {@code scan --output json} output loads again unchanged.</li>
 * </ul>
 */
final class Values {
    private Values() {
    }

    /** Kinds a typed-text prefix names. */
    enum Kind {
        INT, DOUBLE, BOOL, STR, BIN;

        static Kind parse(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "int", "integer", "long" -> INT;
                case "double", "float" -> DOUBLE;
                case "bool", "boolean" -> BOOL;
                case "str", "string" -> STR;
                case "bin", "binary" -> BIN;
                default -> throw new IllegalArgumentException("unknown value type '" + name
                        + "': expected int, double, bool, str or bin");
            };
        }
    }

    /**
     * Parses typed text ({@code int:42}, …; no prefix means string).
     *
     * @throws IllegalArgumentException naming the text when it does not parse as its type
     */
    static ColumnValue parseTyped(String text) {
        int colon = text.indexOf(':');
        if (colon > 0) {
            String prefix = text.substring(0, colon);
            for (String known : new String[] {"int", "double", "bool", "str", "bin"}) {
                if (known.equals(prefix)) {
                    return parse(Kind.parse(prefix), text.substring(colon + 1));
                }
            }
        }
        return ColumnValue.ofString(text);
    }

    /** Parses {@code text} as {@code kind}. @throws IllegalArgumentException when it does not parse */
    static ColumnValue parse(Kind kind, String text) {
        try {
            return switch (kind) {
                case INT -> ColumnValue.ofLong(Long.parseLong(text.trim()));
                case DOUBLE -> ColumnValue.ofDouble(Double.parseDouble(text.trim()));
                case BOOL -> ColumnValue.ofBoolean(parseBoolean(text.trim()));
                case STR -> ColumnValue.ofString(text);
                case BIN -> ColumnValue.ofBinary(Base64.getDecoder().decode(text.trim()));
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid " + kind.name().toLowerCase(Locale.ROOT)
                    + (kind == Kind.BIN ? " (base64 expected)" : ""), e);
        }
    }

    private static boolean parseBoolean(String text) {
        if (text.equalsIgnoreCase("true")) {
            return true;
        }
        if (text.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("expected true or false");
    }

    /**
     * Parses a primary-key value of a column of type {@code type}; a matching type prefix ({@code int:7}) is
     * accepted and ignored.
     */
    static ColumnValue parseKey(PrimaryKeyType type, String text) {
        Kind kind = switch (type) {
            case INTEGER -> Kind.INT;
            case STRING -> Kind.STR;
            case BINARY -> Kind.BIN;
        };
        int colon = text.indexOf(':');
        if (colon > 0 && kind != Kind.STR) {
            String prefix = text.substring(0, colon);
            if (prefix.equals("int") || prefix.equals("bin")) {
                if (Kind.parse(prefix) != kind) {
                    throw new IllegalArgumentException(
                            "'" + text + "' is not a " + type.name().toLowerCase(Locale.ROOT));
                }
                text = text.substring(colon + 1);
            }
        } else if (kind == Kind.STR && text.startsWith("str:")) {
            text = text.substring(4);
        }
        return parse(kind, text);
    }

    /** The value as text output shows it. */
    static String text(ColumnValue v) {
        return switch (v.type()) {
            case INTEGER -> Long.toString(v.asLong());
            case DOUBLE -> Double.toString(v.asDouble());
            case BOOLEAN -> Boolean.toString(v.asBoolean());
            case STRING -> v.asString();
            case BINARY -> "bin:" + Base64.getEncoder().encodeToString(v.asBinary());
            case INF_MIN, INF_MAX, AUTO_INCREMENT -> v.type().name();
        };
    }

    /** The value as a {@link Json} value. */
    static Object json(ColumnValue v) {
        return switch (v.type()) {
            case INTEGER -> v.asLong();
            case DOUBLE -> {
                double d = v.asDouble();
                yield Double.isNaN(d) || Double.isInfinite(d) ? Map.of("$double", Double.toString(d)) : d;
            }
            case BOOLEAN -> v.asBoolean();
            case STRING -> v.asString();
            case BINARY -> Map.of("$binary", Base64.getEncoder().encodeToString(v.asBinary()));
            case INF_MIN, INF_MAX, AUTO_INCREMENT -> v.type().name();
        };
    }

    /**
     * The column value a {@link Json#parse} result stands for (see the class comment), or {@code null} for JSON
     * {@code null} (no value).
     *
     * @throws IllegalArgumentException for arrays, other objects and integers beyond 64 bits
     */
    static ColumnValue fromJson(Object json) {
        if (json == null) {
            return null;
        }
        if (json instanceof Long l) {
            return ColumnValue.ofLong(l);
        }
        if (json instanceof BigInteger b) {
            throw new IllegalArgumentException("integer " + b + " does not fit in 64 bits");
        }
        if (json instanceof BigDecimal d) {
            return ColumnValue.ofDouble(d.doubleValue());
        }
        if (json instanceof String s) {
            return ColumnValue.ofString(s);
        }
        if (json instanceof Boolean b) {
            return ColumnValue.ofBoolean(b);
        }
        if (json instanceof Map<?, ?> map && map.size() == 1) {
            if (map.get("$binary") instanceof String s) {
                return parse(Kind.BIN, s);
            }
            if (map.get("$double") instanceof String s) {
                return parse(Kind.DOUBLE, s);
            }
        }
        throw new IllegalArgumentException("no column value for JSON " + Json.write(json)
                + " (expected a number, string, boolean, {\"$binary\":\"…\"} or {\"$double\":\"…\"})");
    }

    /** A JSON value as the primary-key value of a column of type {@code type}. */
    static ColumnValue keyFromJson(PrimaryKeyType type, Object json) {
        ColumnValue v = fromJson(json);
        if (v == null) {
            throw new IllegalArgumentException("primary key value is null");
        }
        boolean ok = switch (type) {
            case INTEGER -> v.type() == io.tunnelstore.protocol.model.ValueType.INTEGER;
            case STRING -> v.type() == io.tunnelstore.protocol.model.ValueType.STRING;
            case BINARY -> v.type() == io.tunnelstore.protocol.model.ValueType.BINARY;
        };
        if (!ok) {
            throw new IllegalArgumentException("primary key value " + Json.write(json) + " is not a "
                    + type.name().toLowerCase(Locale.ROOT));
        }
        return v;
    }
}
