package io.tunnelstore.server.table;

import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.model.ValueType;
import io.tunnelstore.protocol.pb.TableProtos.PrimaryKeySchema;
import io.tunnelstore.protocol.pb.TableProtos.PrimaryKeyType;
import java.util.List;

/** Checks primary keys of requests against a table's schema; failures are OTSInvalidPK. Stateless. */
final class PrimaryKeyValidator {

    private PrimaryKeyValidator() {}

    /** A key that addresses one row: every column present, named and typed as in the schema. */
    static void requireRowKey(TableDescriptor table, PrimaryKey key) {
        check(table, key, false, false);
    }

    /** A PutRow key: like a row key, but an auto-increment column may hold the AUTO_INCREMENT placeholder. */
    static void requirePutKey(TableDescriptor table, PrimaryKey key) {
        check(table, key, false, true);
    }

    /** A GetRange bound: like a row key, but any column may be INF_MIN or INF_MAX. */
    static void requireRangeBound(TableDescriptor table, PrimaryKey key) {
        check(table, key, true, false);
    }

    private static void check(TableDescriptor table, PrimaryKey key, boolean allowInfinity,
                              boolean allowAutoIncrement) {
        List<PrimaryKeySchema> schema = table.primaryKeySchema();
        if (key.size() != schema.size()) {
            throw TableErrors.invalidPk("Validate PK size fail. Input: %d, Meta: %d.", key.size(), schema.size());
        }
        for (int i = 0; i < schema.size(); i++) {
            PrimaryKeySchema expected = schema.get(i);
            PrimaryKeyColumn column = key.get(i);
            if (!column.name().equals(expected.getName())) {
                throw TableErrors.invalidPk("Validate PK name fail. Input: %s, Meta: %s.",
                        column.name(), expected.getName());
            }
            ValueType type = column.value().type();
            boolean infinity = type == ValueType.INF_MIN || type == ValueType.INF_MAX;
            if (infinity && allowInfinity) {
                continue;
            }
            if (type == ValueType.AUTO_INCREMENT) {
                if (allowAutoIncrement && expected.hasOption()) {
                    continue;
                }
                throw TableErrors.invalidPk("Column %s is not an auto-increment column or the operation is not PutRow.",
                        expected.getName());
            }
            if (type != valueTypeOf(expected.getType())) {
                throw TableErrors.invalidPk("Validate PK type fail. Input: %s, Meta: %s.",
                        wireTypeName(type), wireTypeName(valueTypeOf(expected.getType())))
                        .withLogDetail("primary key column " + expected.getName());
            }
            if ((type == ValueType.STRING || type == ValueType.BINARY)
                    && column.value().rawLength() > TableLimits.MAX_PK_VALUE_BYTES) {
                throw TableErrors.invalid("The length of primary key column %s exceeds the limit of %d bytes.",
                        expected.getName(), TableLimits.MAX_PK_VALUE_BYTES);
            }
        }
    }

    /** The service's name of a value type in its messages (VT_INTEGER, VT_STRING, VT_BLOB…). */
    static String wireTypeName(ValueType type) {
        return switch (type) {
            case BINARY -> "VT_BLOB";
            default -> "VT_" + type.name();
        };
    }

        static ValueType valueTypeOf(PrimaryKeyType type) {
        return switch (type) {
            case INTEGER -> ValueType.INTEGER;
            case STRING -> ValueType.STRING;
            case BINARY -> ValueType.BINARY;
        };
    }
}
