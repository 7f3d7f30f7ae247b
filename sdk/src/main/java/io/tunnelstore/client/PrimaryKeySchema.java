package io.tunnelstore.client;

import java.util.Objects;

/**
 * One primary-key column of a table schema.
 *
 * @param name          column name
 * @param type          column type
 * @param autoIncrement whether the server assigns the value (INTEGER only, never the first column)
 */
public record PrimaryKeySchema(String name, PrimaryKeyType type, boolean autoIncrement) {

    public PrimaryKeySchema {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("primary key column name is empty");
        }
        if (autoIncrement && type != PrimaryKeyType.INTEGER) {
            throw new IllegalArgumentException(
                    "auto-increment primary key column '" + name + "' must be INTEGER, got " + type);
        }
    }

    public static PrimaryKeySchema of(String name, PrimaryKeyType type) {
        return new PrimaryKeySchema(name, type, false);
    }

    /** An INTEGER column whose values the server assigns. */
    public static PrimaryKeySchema autoIncrement(String name) {
        return new PrimaryKeySchema(name, PrimaryKeyType.INTEGER, true);
    }
}
