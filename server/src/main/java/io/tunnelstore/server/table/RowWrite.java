package io.tunnelstore.server.table;

import com.google.protobuf.ByteString;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.CellType;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.model.ValueType;
import io.tunnelstore.protocol.pb.TableProtos.Condition;
import io.tunnelstore.protocol.pb.TableProtos.OperationType;
import io.tunnelstore.protocol.pb.TableProtos.ReturnContent;
import io.tunnelstore.protocol.pb.TableProtos.ReturnType;
import io.tunnelstore.protocol.pb.TableProtos.RowExistenceExpectation;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.protocol.plainbuffer.PlainBufferException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One validated row write (PutRow, UpdateRow, DeleteRow, or a BatchWriteRow row).
 *
 * @param type        PUT replaces the row; UPDATE changes the given cells; DELETE removes the row
 * @param primaryKey  the row key, checked against the schema
 * @param cells       PUT cells (PUT), PUT/DELETE_ONE_VERSION/DELETE_ALL_VERSIONS cells (UPDATE), none (DELETE);
 *                    put timestamps may be null (the server assigns the commit time)
 * @param expectation row-existence condition
 * @param columnCondition filter the current row must pass (evaluated on its live cells), or null
 * @param returnType  what to send back: nothing, the primary key (RT_PK) or the primary key and the values after
 *                    the write of {@code returnColumns} (RT_AFTER_MODIFY, UpdateRow)
 * @param returnColumns columns returned with RT_AFTER_MODIFY
 * @param dataSize    bytes of key and values, for the consumed write capacity
 */
record RowWrite(OperationType type, PrimaryKey primaryKey, List<Cell> cells, RowExistenceExpectation expectation,
                RowFilter columnCondition, ReturnType returnType, List<String> returnColumns, long dataSize) {

    RowWrite {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(primaryKey, "primaryKey");
        cells = List.copyOf(cells);
        returnColumns = List.copyOf(returnColumns);
    }

    /** Whether the key holds AUTO_INCREMENT placeholders the server must replace before writing. */
    boolean needsAutoIncrement() {
        return primaryKey.hasMarkerValue();
    }

    /**
     * This write with every AUTO_INCREMENT placeholder of the key replaced by {@code value} (a table has at most one
     * auto-increment column).
     */
    RowWrite withAutoIncrement(long value) {
        List<PrimaryKeyColumn> columns = new java.util.ArrayList<>(primaryKey.size());
        for (PrimaryKeyColumn c : primaryKey.columns()) {
            columns.add(c.value().type() == ValueType.AUTO_INCREMENT
                    ? PrimaryKeyColumn.of(c.name(), io.tunnelstore.protocol.model.ColumnValue.ofLong(value)) : c);
        }
        return new RowWrite(type, PrimaryKey.of(columns), cells, expectation, columnCondition, returnType,
                returnColumns, dataSize);
    }

    /**
     * Parses and validates one write of {@code table}.
     *
     * @param nowMillis current time, for the timestamp deviation check
     * @throws io.tunnelstore.protocol.errors.OtsException OTSParameterInvalid or OTSInvalidPK for bad input
     */
    static RowWrite parse(TableDescriptor table, OperationType type, ByteString rowBytes, Condition condition,
                          ReturnContent returnContent, long nowMillis) {
        RowFilter columnCondition = condition.hasColumnCondition() && !condition.getColumnCondition().isEmpty()
                ? RowFilter.parse(condition.getColumnCondition(), /* allowPagination= */ false) : null;
        ReturnType returnType = returnContent == null || !returnContent.hasReturnType()
                ? ReturnType.RT_NONE : returnContent.getReturnType();
        if (returnType == ReturnType.RT_AFTER_MODIFY && type != OperationType.UPDATE) {
            throw TableErrors.invalid("Return type RT_AFTER_MODIFY is only supported by UpdateRow.");
        }
        List<String> returnColumns = returnContent == null ? List.of() : returnContent.getReturnColumnNamesList();
        for (String c : returnColumns) {
            ObjectNames.requireColumnName(c);
        }
        if (rowBytes.size() > TableLimits.MAX_ROW_WRITE_BYTES) {
            throw TableErrors.invalid("The row is larger than %d bytes.", TableLimits.MAX_ROW_WRITE_BYTES);
        }
        PlainRow row;
        try {
            row = PlainBufferCodec.decodeSingleRowIgnoringZeroPadding(rowBytes.toByteArray());
        } catch (PlainBufferException e) {
            throw TableErrors.invalid("Invalid row: %s", e.getMessage());
        }
        row.primaryKey().columns().forEach(c -> ObjectNames.requireColumnName(c.name()));
        if (type == OperationType.PUT) {
            PrimaryKeyValidator.requirePutKey(table, row.primaryKey());
        } else {
            PrimaryKeyValidator.requireRowKey(table, row.primaryKey());
        }
        long size = 0;
        for (PrimaryKeyColumn c : row.primaryKey().columns()) {
            size += c.name().length() + c.value().dataSize();
        }
        switch (type) {
            case PUT -> {
                if (row.deleteMarker()) {
                    throw TableErrors.invalid(
                            "Invalid request of put/update row: unexpected RowDeleteMarker in request.");
                }
                for (Cell c : row.cells()) {
                    if (c.type() != CellType.PUT) {
                        throw TableErrors.invalid("OpType cannot be given for column name:%s in PutRow.", c.name());
                    }
                }
            }
            case UPDATE -> {
                if (row.deleteMarker()) {
                    throw TableErrors.invalid(
                            "Invalid request of put/update row: unexpected RowDeleteMarker in request.");
                }
                if (row.cells().isEmpty()) {
                    throw TableErrors.invalid("Invalid update row request: missing cells in request.");
                }
                Set<String> incremented = new HashSet<>();
                for (Cell c : row.cells()) {
                    if (c.type() == CellType.INCREMENT) {
                        if (c.timestamp() != null) {
                            throw TableErrors.invalid("The increment of column %s cannot carry a timestamp.",
                                    c.name());
                        }
                        if (!incremented.add(c.name())) {
                            throw TableErrors.invalid("Column %s is incremented twice in one row change.", c.name());
                        }
                    }
                }
                for (Cell c : row.cells()) {
                    if (c.type() != CellType.INCREMENT && incremented.contains(c.name())) {
                        throw TableErrors.invalid("Column %s cannot be incremented and changed otherwise at once.",
                                c.name());
                    }
                }
            }
            case DELETE -> {
                if (!row.cells().isEmpty()) {
                    throw TableErrors.invalid("Invalid delete row request: unexpected cells in request.");
                }
            }
        }
        if (row.cells().size() > TableLimits.MAX_COLUMNS_PER_WRITE) {
            throw TableErrors.invalid(
                    "The number of attribute columns exceeds the limit, limit count:%d, column count: %d.",
                    TableLimits.MAX_COLUMNS_PER_WRITE, row.cells().size());
        }
        long maxDeviationMillis = table.deviationSeconds() * 1000L;
        for (Cell c : row.cells()) {
            ObjectNames.requireColumnName(c.name());
            if (isPrimaryKeyColumn(table, c.name())) {
                throw TableErrors.invalid("Duplicated attribute column name with primary key column: %s.", c.name());
            }
            if (c.value() != null) {
                ValueType vt = c.value().type();
                if ((vt == ValueType.STRING || vt == ValueType.BINARY)
                        && c.value().rawLength() > TableLimits.MAX_ATTRIBUTE_VALUE_BYTES) {
                    throw TableErrors.invalid("The value of column %s exceeds the limit of %d bytes.",
                            c.name(), TableLimits.MAX_ATTRIBUTE_VALUE_BYTES);
                }
                size += c.value().dataSize();
            }
            size += c.name().length();
            if (c.type() == CellType.PUT && c.timestamp() != null
                    && Math.abs(c.timestamp() - nowMillis) > maxDeviationMillis) {
                throw TableErrors.invalid(
                        "The timestamp %d of column %s is more than %d seconds away from the server time %d.",
                        c.timestamp(), c.name(), table.deviationSeconds(), nowMillis);
            }
        }
        return new RowWrite(type, row.primaryKey(), row.cells(), condition.getRowExistence(), columnCondition,
                returnType, returnColumns, size);
    }

    /** Whether {@code name} is a primary-key column of {@code table} (1-4 columns: a scan, no per-row set). */
    private static boolean isPrimaryKeyColumn(TableDescriptor table, String name) {
        for (var column : table.primaryKeySchema()) {
            if (column.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
