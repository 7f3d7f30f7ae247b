package io.tunnelstore.storage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Changes to one row, applied in order: put a cell version, delete one version, delete all versions of a column,
 * or delete the whole row. Not thread-safe.
 */
public final class RowMutation {
    public enum Kind { PUT, DELETE_VERSION, DELETE_COLUMN, DELETE_ROW }

    /** One change; {@code column}, {@code timestamp} and {@code value} are used as the kind requires. */
    public record Op(Kind kind, String column, long timestamp, byte[] value) {}

    private final List<Op> ops = new ArrayList<>();

    public RowMutation put(String column, long timestamp, byte[] value) {
        ops.add(new Op(Kind.PUT, column, timestamp, value));
        return this;
    }

    public RowMutation deleteVersion(String column, long timestamp) {
        ops.add(new Op(Kind.DELETE_VERSION, column, timestamp, null));
        return this;
    }

    public RowMutation deleteColumn(String column) {
        ops.add(new Op(Kind.DELETE_COLUMN, column, 0, null));
        return this;
    }

    public RowMutation deleteRow() {
        ops.add(new Op(Kind.DELETE_ROW, null, 0, null));
        return this;
    }

    public List<Op> ops() {
        return Collections.unmodifiableList(ops);
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }
}
