package io.tunnelstore.server.table;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.ValueType;
import io.tunnelstore.protocol.pb.FilterProtos;
import io.tunnelstore.protocol.pb.FilterProtos.ComparatorType;
import io.tunnelstore.protocol.pb.FilterProtos.LogicalOperator;
import io.tunnelstore.protocol.pb.FilterProtos.VariantType;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.protocol.plainbuffer.PlainBufferException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A row filter of the protocol (PROTOCOL.md §4.3): a predicate on a row's attribute cells, used for column
 * conditions of writes and {@code filter} of reads. Immutable and thread-safe.
 *
 * <p>Semantics: a single-column filter looks at the versions of its column among the cells it is given (for reads:
 * the cells the request reads, so a filter column outside {@code columns_to_get} counts as missing). A missing
 * column passes unless {@code filter_if_missing}; otherwise the row passes if the latest version (or, without
 * {@code latest_version_only}, any version) satisfies the comparison. Values of another type than the operand only
 * satisfy CT_NOT_EQUAL. A regex rule applies to STRING values: group 1 of the first match, cast to the rule's type; a
 * value that does not match or cannot be cast satisfies nothing. Composite filters combine with NOT (one operand),
 * AND, OR. Regexes run on RE2/J ({@link FilterRegex}): linear time, whatever the pattern. Column pagination is not a predicate: it selects columns of a read and is only allowed as the whole
 * filter of a read.
 */
sealed interface RowFilter {

    /** Maximum nesting of composite filters (protects the stack from hostile requests). */
    int MAX_DEPTH = 32;

    /** Whether a row with these attribute cells (sorted by name, then timestamp descending) passes. */
    boolean matches(List<Cell> cells);

    /** The cells a read returns for a passing row: all of them, except for column pagination. */
    default List<Cell> select(List<Cell> cells) {
        return cells;
    }

    /**
     * Parses a serialized {@code Filter}.
     *
     * @param allowPagination whether a top-level column pagination filter is acceptable (reads only)
     * @throws io.tunnelstore.protocol.errors.OtsException OTSParameterInvalid for malformed or invalid filters
     */
    static RowFilter parse(ByteString bytes, boolean allowPagination) {
        return parse(bytes, allowPagination, 0);
    }

    private static RowFilter parse(ByteString bytes, boolean allowPagination, int depth) {
        if (depth > MAX_DEPTH) {
            throw TableErrors.invalid("Filter nesting is deeper than %d.", MAX_DEPTH);
        }
        try {
            FilterProtos.Filter filter = FilterProtos.Filter.parseFrom(bytes);
            return switch (filter.getType()) {
                case FT_SINGLE_COLUMN_VALUE -> SingleColumn.of(
                        FilterProtos.SingleColumnValueFilter.parseFrom(filter.getFilter()));
                case FT_COMPOSITE_COLUMN_VALUE -> {
                    FilterProtos.CompositeColumnValueFilter c =
                            FilterProtos.CompositeColumnValueFilter.parseFrom(filter.getFilter());
                    List<RowFilter> subs = new ArrayList<>();
                    for (FilterProtos.Filter sub : c.getSubFiltersList()) {
                        subs.add(parse(sub.toByteString(), false, depth + 1));
                    }
                    yield Composite.of(c.getCombinator(), subs);
                }
                case FT_COLUMN_PAGINATION -> {
                    if (!allowPagination) {
                        throw TableErrors.invalid("Column pagination filters are only allowed as the filter of a read.");
                    }
                    FilterProtos.ColumnPaginationFilter p =
                            FilterProtos.ColumnPaginationFilter.parseFrom(filter.getFilter());
                    if (p.getOffset() < 0 || p.getLimit() < 0) {
                        throw TableErrors.invalid("Column pagination offset and limit cannot be negative.");
                    }
                    yield new ColumnPagination(p.getOffset(), p.getLimit());
                }
            };
        } catch (InvalidProtocolBufferException e) {
            throw TableErrors.invalid("Deserialize filter failed.").withLogDetail(e.getMessage());
        }
    }

    /** Compares one column with a constant. */
    record SingleColumn(ComparatorType comparator, String column, ColumnValue operand, boolean filterIfMissing,
                        boolean latestVersionOnly, Pattern regex, VariantType castType) implements RowFilter {

        static SingleColumn of(FilterProtos.SingleColumnValueFilter f) {
            ObjectNames.requireColumnName(f.getColumnName());
            ColumnValue operand;
            try {
                operand = PlainBufferCodec.decodeValueNoLengthPrefix(f.getColumnValue().toByteArray());
            } catch (PlainBufferException e) {
                throw TableErrors.invalid("Invalid filter value of column %s: %s", f.getColumnName(), e.getMessage());
            }
            if (!operand.type().isDataType()) {
                throw TableErrors.invalid("Filter value of column %s cannot be %s.", f.getColumnName(), operand.type());
            }
            Pattern regex = null;
            VariantType cast = null;
            if (f.hasValueTransRule()) {
                regex = FilterRegex.compile(f.getValueTransRule().getRegex());
                cast = f.getValueTransRule().hasCastType() ? f.getValueTransRule().getCastType() : VariantType.VT_STRING;
            }
            return new SingleColumn(f.getComparator(), f.getColumnName(), operand, f.getFilterIfMissing(),
                    f.getLatestVersionOnly(), regex, cast);
        }

        @Override
        public boolean matches(List<Cell> cells) {
            List<ColumnValue> versions = new ArrayList<>();
            for (Cell c : cells) {
                if (c.name().equals(column) && c.value() != null) {
                    versions.add(c.value());
                }
            }
            if (comparator == ComparatorType.CT_EXIST) {
                return !versions.isEmpty();
            }
            if (comparator == ComparatorType.CT_NOT_EXIST) {
                return versions.isEmpty();
            }
            if (versions.isEmpty()) {
                return !filterIfMissing;
            }
            for (ColumnValue v : latestVersionOnly ? versions.subList(0, 1) : versions) {
                ColumnValue value = regex == null ? v : transform(v);
                if (value != null && satisfies(value)) {
                    return true;
                }
            }
            return false;
        }

        private boolean satisfies(ColumnValue value) {
            if (value.type() != operand.type()) {
                return comparator == ComparatorType.CT_NOT_EQUAL;
            }
            int c = value.compareTo(operand);
            return switch (comparator) {
                case CT_EQUAL -> c == 0;
                case CT_NOT_EQUAL -> c != 0;
                case CT_GREATER_THAN -> c > 0;
                case CT_GREATER_EQUAL -> c >= 0;
                case CT_LESS_THAN -> c < 0;
                case CT_LESS_EQUAL -> c <= 0;
                case CT_EXIST, CT_NOT_EXIST -> throw new IllegalStateException("handled by matches");
            };
        }

        /** Group 1 of the first regex match in a STRING value, cast; null when nothing usable comes out. */
        private ColumnValue transform(ColumnValue v) {
            if (v.type() != ValueType.STRING) {
                return null;
            }
            Matcher m = regex.matcher(v.asString());
            if (!m.find()) {
                return null;
            }
            String group = m.groupCount() >= 1 ? m.group(1) : m.group();
            if (group == null) {
                return null;
            }
            try {
                return switch (castType) {
                    case VT_INTEGER -> ColumnValue.ofLong(Long.parseLong(group.trim()));
                    case VT_DOUBLE -> ColumnValue.ofDouble(Double.parseDouble(group.trim()));
                    case VT_BLOB -> ColumnValue.ofBinary(group.getBytes(StandardCharsets.UTF_8));
                    case VT_STRING, VT_NULL -> ColumnValue.ofString(group);
                };
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    /** NOT / AND / OR of sub-filters. */
    record Composite(LogicalOperator operator, List<RowFilter> operands) implements RowFilter {

        static Composite of(LogicalOperator operator, List<RowFilter> operands) {
            if (operator == LogicalOperator.LO_NOT ? operands.size() != 1 : operands.size() < 2) {
                throw TableErrors.invalid("%s needs %s sub-filters, got %d.", operator,
                        operator == LogicalOperator.LO_NOT ? "exactly 1" : "at least 2", operands.size());
            }
            return new Composite(operator, List.copyOf(operands));
        }

        @Override
        public boolean matches(List<Cell> cells) {
            return switch (operator) {
                case LO_NOT -> !operands.get(0).matches(cells);
                case LO_AND -> operands.stream().allMatch(f -> f.matches(cells));
                case LO_OR -> operands.stream().anyMatch(f -> f.matches(cells));
            };
        }
    }

    /** Selects columns {@code offset .. offset + limit - 1} (by name order) of each row; every row passes. */
    record ColumnPagination(int offset, int limit) implements RowFilter {

        @Override
        public boolean matches(List<Cell> cells) {
            return true;
        }

        @Override
        public List<Cell> select(List<Cell> cells) {
            Set<String> names = new LinkedHashSet<>();
            cells.forEach(c -> names.add(c.name()));
            Set<String> kept = new LinkedHashSet<>(names.stream().skip(offset).limit(limit).toList());
            return cells.stream().filter(c -> kept.contains(c.name())).toList();
        }
    }
}
