package io.tunnelstore.server.table;

import com.google.protobuf.ByteString;
import io.tunnelstore.protocol.pb.TableProtos.TimeRange;
import io.tunnelstore.storage.ReadSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a read returns of each row, validated from the request fields shared by GetRow, BatchGetRow and GetRange.
 *
 * @param spec           the storage read spec (attribute columns, versions, visible time window incl. TTL)
 * @param primaryKeyOnly the caller asked only for primary-key columns: rows are read in full (to know they exist)
 *                       but returned without attribute cells
 * @param filter         the request's row filter applied to the read cells, or null
 * @param startColumn    first column name returned (inclusive), or null
 * @param endColumn      column name where the returned columns end (exclusive), or null
 */
record ReadProjection(ReadSpec spec, boolean primaryKeyOnly, RowFilter filter, String startColumn, String endColumn) {

    /** Whether a column is inside the requested {@code [start_column, end_column)} window. */
    boolean inColumnWindow(String column) {
        return (startColumn == null || column.compareTo(startColumn) >= 0)
                && (endColumn == null || column.compareTo(endColumn) < 0);
    }

    /** Whether the request restricts columns by a name window. */
    boolean hasColumnWindow() {
        return startColumn != null || endColumn != null;
    }


    /** The optional request fields a read may carry, as sent. */
    record Request(List<String> columnsToGet, TimeRange timeRange, Integer maxVersions, ByteString filter,
                   String startColumn, String endColumn, ByteString token) {}

    /**
     * @throws io.tunnelstore.protocol.errors.OtsException OTSParameterInvalid when neither max versions nor a time
     *     range is given, when either is invalid, for too many or invalid column names, an invalid filter, or for the
     *     tokens (the server never hands out column-paging tokens, since it never truncates a row)
     */
    static ReadProjection of(TableDescriptor table, Request r, long nowMillis) {
        RowFilter filter = r.filter() != null && !r.filter().isEmpty()
                ? RowFilter.parse(r.filter(), /* allowPagination= */ true) : null;
        if (r.token() != null && !r.token().isEmpty()) {
            // we never return next_token (rows are never cut), so no valid token can exist
            throw TableErrors.invalid("Unknown column paging token.");
        }
        if (r.startColumn() != null && r.endColumn() != null && r.startColumn().compareTo(r.endColumn()) >= 0) {
            throw TableErrors.invalid("start_column %s must be less than end_column %s.", r.startColumn(),
                    r.endColumn());
        }
        if (r.columnsToGet().size() > TableLimits.MAX_COLUMNS_TO_GET) {
            throw TableErrors.invalid("The number of columns to get %d exceeds the limit of %d.",
                    r.columnsToGet().size(), TableLimits.MAX_COLUMNS_TO_GET);
        }
        if (r.maxVersions() == null && r.timeRange() == null) {
            throw TableErrors.invalid("No version condition is specified while querying row.");
        }
        int versions = table.maxVersions();
        if (r.maxVersions() != null) {
            if (r.maxVersions() <= 0) {
                throw TableErrors.invalid("max_versions must be positive, got %d.", r.maxVersions());
            }
            versions = Math.min(versions, r.maxVersions());
        }
        long min = 0;
        long maxExclusive = Long.MAX_VALUE;
        if (r.timeRange() != null) {
            TimeRange t = r.timeRange();
            if (t.hasSpecificTime()) {
                if (t.getSpecificTime() < 0 || t.getSpecificTime() == Long.MAX_VALUE) {
                    throw TableErrors.invalid("Invalid specific_time %d.", t.getSpecificTime());
                }
                min = t.getSpecificTime();
                maxExclusive = t.getSpecificTime() + 1;
            } else {
                if (!t.hasStartTime() && !t.hasEndTime()) {
                    throw TableErrors.invalid("time_range needs start_time and end_time, or specific_time.");
                }
                min = t.hasStartTime() ? t.getStartTime() : 0;
                maxExclusive = t.hasEndTime() ? t.getEndTime() : Long.MAX_VALUE;
                if (min < 0 || min >= maxExclusive) {
                    throw TableErrors.invalid("Invalid time_range [%d, %d).", min, maxExclusive);
                }
            }
        }
        min = Math.max(min, table.minVisibleTimestamp(nowMillis));
        Set<String> pkNames = new HashSet<>();
        table.primaryKeySchema().forEach(s -> pkNames.add(s.getName()));
        Set<String> attributes = new HashSet<>();
        for (String c : r.columnsToGet()) {
            ObjectNames.requireColumnName(c);
            if (!pkNames.contains(c)) {
                attributes.add(c);
            }
        }
        boolean pkOnly = !r.columnsToGet().isEmpty() && attributes.isEmpty();
        // An empty window (TTL beyond the range) still needs a valid spec: it simply matches nothing.
        long maxTs = Math.max(maxExclusive, min);
        return new ReadProjection(new ReadSpec(Set.copyOf(attributes), versions, min, maxTs), pkOnly, filter,
                r.startColumn(), r.endColumn());
    }
}
