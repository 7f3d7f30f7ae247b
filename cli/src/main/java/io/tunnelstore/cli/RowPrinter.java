package io.tunnelstore.cli;

import io.tunnelstore.client.Row;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prints rows (latest value of each column). JSON: one flat object per line, primary-key columns first, then the
 * attribute columns in the order the server returned them; printed as rows arrive. Text: an aligned table whose
 * columns are the primary key and then every attribute column seen, in first-seen order; buffered until
 * {@link #finish()} because the widths depend on every row (use JSON for very large scans). Not thread-safe.
 */
final class RowPrinter {
    private final PrintWriter out;
    private final boolean json;
    private final List<String> keyColumns;
    private final List<Row> buffered = new ArrayList<>();
    private long printed;

    /** @param keyColumns the table's primary-key column names, in order */
    RowPrinter(PrintWriter out, boolean json, List<String> keyColumns) {
        this.out = out;
        this.json = json;
        this.keyColumns = List.copyOf(keyColumns);
    }

    void add(Row row) {
        printed++;
        if (json) {
            out.println(Json.write(toJson(row)));
        } else {
            buffered.add(row);
        }
    }

    /** Prints the buffered text table (nothing for JSON, whose rows are already out) and flushes. */
    void finish() {
        if (!json) {
            Set<String> attributes = new LinkedHashSet<>();
            for (Row row : buffered) {
                attributes.addAll(row.columnNames());
            }
            List<String> header = new ArrayList<>(keyColumns);
            header.addAll(attributes);
            TextTable table = new TextTable(header);
            for (Row row : buffered) {
                List<String> cells = new ArrayList<>(header.size());
                for (PrimaryKeyColumn c : row.primaryKey().columns()) {
                    cells.add(Values.text(c.value()));
                }
                for (String name : attributes) {
                    cells.add(row.latest(name).map(Values::text).orElse(""));
                }
                table.add(cells);
            }
            out.print(table.render());
        }
        out.flush();
    }

    long count() {
        return printed;
    }

    /** The flat JSON object of a row. */
    static Map<String, Object> toJson(Row row) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (PrimaryKeyColumn c : row.primaryKey().columns()) {
            m.put(c.name(), Values.json(c.value()));
        }
        for (String name : row.columnNames()) {
            row.latest(name).ifPresent(v -> m.put(name, Values.json(v)));
        }
        return m;
    }
}
