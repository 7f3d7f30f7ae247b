package io.tunnelstore.client;

import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A row read from a table: its primary key and its attribute cells (sorted by column name, then newest
 * version first, as the server returns them). Immutable.
 *
 * @param primaryKey the full primary key
 * @param cells      attribute cells (unmodifiable); each read cell carries its version timestamp
 */
public record Row(PrimaryKey primaryKey, List<Cell> cells) {

    public Row {
        Objects.requireNonNull(primaryKey, "primaryKey");
        cells = List.copyOf(cells);
    }

    /** The newest value of column {@code name}, if the row has that column. */
    public Optional<ColumnValue> latest(String name) {
        Cell best = null;
        for (Cell c : cells) {
            if (c.name().equals(name) && c.hasValue()
                    && (best == null || timestampOf(c) > timestampOf(best))) {
                best = c;
            }
        }
        return best == null ? Optional.empty() : Optional.of(best.value());
    }

    /** Every version of column {@code name}, newest first. */
    public List<Cell> versions(String name) {
        List<Cell> out = new ArrayList<>();
        for (Cell c : cells) {
            if (c.name().equals(name)) {
                out.add(c);
            }
        }
        out.sort((a, b) -> Long.compare(timestampOf(b), timestampOf(a)));
        return List.copyOf(out);
    }

    /** The distinct attribute column names, in the order they first appear. */
    public List<String> columnNames() {
        List<String> names = new ArrayList<>();
        for (Cell c : cells) {
            if (!names.contains(c.name())) {
                names.add(c.name());
            }
        }
        return List.copyOf(names);
    }

    private static long timestampOf(Cell c) {
        return c.timestamp() == null ? Long.MIN_VALUE : c.timestamp();
    }
}
