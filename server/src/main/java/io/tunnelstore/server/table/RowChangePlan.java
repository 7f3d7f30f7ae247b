package io.tunnelstore.server.table;

import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.ValueType;
import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.StoredCell;
import io.tunnelstore.storage.StoredRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds, for one row write, the storage {@link RowMutation} and the cells of its change record side by side, and
 * tracks the versions each column will hold so that versions beyond max versions can be dropped in the same write.
 * Used under the row lock by {@link RowWriter}; not thread-safe.
 */
final class RowChangePlan {

    private final long versionMillis;
    private final List<StoredCell> live;
    private final RowMutation mutation = new RowMutation();
    /** Cells in stream-record form: puts with value and timestamp, deletes with their type. */
    private final List<Cell> logged = new ArrayList<>();
    /** Versions each column will hold after the write, newest first. */
    private final Map<String, TreeSet<Long>> versions = new HashMap<>();
    private final Set<String> written = new LinkedHashSet<>();
    /** Whether {@link #put} wrote a cell, and the newest timestamp it wrote (of the PUT cells of {@link #logged}). */
    private boolean anyPut;
    private long newestPut;

    /**
     * @param current   the row before the write (all versions), if it exists
     * @param live      its versions not expired by TTL (newest first per column)
     * @param versionMillis the row version time (above every version of the row, taken under its lock):
     *                      timestamp of puts without one, of increments and of the row marker
     */
    RowChangePlan(Optional<StoredRow> current, List<StoredCell> live, long versionMillis) {
        this.versionMillis = versionMillis;
        this.live = live;
        current.ifPresent(r -> r.cells().forEach(c -> versionsOf(c.column()).add(c.timestamp())));
    }

    /** Removes the whole row (DeleteRow, and PutRow before writing the new row). */
    void deleteRow() {
        mutation.deleteRow();
        versions.clear();
    }

    /** Writes a version; a missing timestamp becomes the row version time. */
    void put(Cell c) {
        long ts = c.timestamp() != null ? c.timestamp() : versionMillis;
        mutation.put(c.name(), ts, CellValueCodec.encode(c.value()));
        logged.add(Cell.put(c.name(), c.value(), ts));
        newestPut = anyPut ? Math.max(newestPut, ts) : ts;
        anyPut = true;
        versionsOf(c.name()).add(ts);
        written.add(c.name());
    }

    /**
     * Writes the {@link RowMarker}, so the row exists even without attribute columns. Its timestamp is the newest
     * version this write puts (the row version time when it puts none), so a row whose data is older than the TTL stays
     * expired. Not part of the change record; its older versions are trimmed like any column's.
     */
    void putRowMarker() {
        long ts = anyPut ? newestPut : versionMillis;
        mutation.put(RowMarker.COLUMN, ts, RowMarker.VALUE);
        versionsOf(RowMarker.COLUMN).add(ts);
        written.add(RowMarker.COLUMN);
    }

    /**
     * Adds the delta to the newest live value (0 when absent) and writes the sum at the row version time, which is
     * above every version of the row, so the sum is the column's newest value; the change
     * record gets a plain put of the sum (stream readers reject INCREMENT cells).
     *
     * @throws io.tunnelstore.protocol.errors.OtsException OTSParameterInvalid when the current value is not an
     *     INTEGER or the sum overflows
     */
    void increment(Cell c) {
        long base = live.stream().filter(s -> !RowMarker.isMarker(s) && s.column().equals(c.name())).findFirst().map(stored -> {
            ColumnValue v = CellValueCodec.decode(stored.value());
            if (v.type() != ValueType.INTEGER) {
                throw TableErrors.invalid("Column %s holds a %s value and cannot be incremented.", c.name(), v.type());
            }
            return v.asLong();
        }).orElse(0L);
        long sum;
        try {
            sum = Math.addExact(base, c.value().asLong());
        } catch (ArithmeticException e) {
            throw TableErrors.invalid("Incrementing column %s overflows a 64-bit integer.", c.name());
        }
        put(Cell.put(c.name(), ColumnValue.ofLong(sum), versionMillis));
    }

    void deleteVersion(Cell c) {
        mutation.deleteVersion(c.name(), c.timestamp());
        TreeSet<Long> v = versions.get(c.name());
        if (v != null) {
            v.remove(c.timestamp());
        }
        logged.add(c);
    }

    void deleteColumn(Cell c) {
        mutation.deleteColumn(c.name());
        versions.remove(c.name());
        logged.add(c);
    }

    /** Deletes, for every column written, the versions beyond the newest {@code maxVersions}. */
    void trimVersions(int maxVersions) {
        for (String column : written) {
            TreeSet<Long> v = versions.get(column);
            if (v != null && v.size() > maxVersions) {
                v.stream().skip(maxVersions).forEach(ts -> mutation.deleteVersion(column, ts));
            }
        }
    }

    RowMutation mutation() {
        return mutation;
    }

    /** The change-record cells, in request order. */
    List<Cell> loggedCells() {
        return logged;
    }

    private TreeSet<Long> versionsOf(String column) {
        return versions.computeIfAbsent(column, k -> new TreeSet<>(Comparator.reverseOrder()));
    }
}
