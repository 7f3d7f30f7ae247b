package io.tunnelstore.cli;

import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.tunnel.RecordColumn;
import io.tunnelstore.tunnel.StreamRecord;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints tunnel records, at most {@code maxRecords} (0 = no limit), one per line: text
 * ({@code [base] PUT id=1, name=a: price=1.5} / {@code [stream <sequence>] UPDATE id=1: price=2.0, qty deleted})
 * or JSON. Thread-safe: the channels of a worker deliver in parallel, so {@link #offer} is synchronized and a
 * line is never interleaved with another.
 */
final class RecordPrinter {
    private final PrintWriter out;
    private final boolean json;
    private final long maxRecords;
    private long printed;

    RecordPrinter(PrintWriter out, boolean json, long maxRecords) {
        this.out = out;
        this.json = json;
        this.maxRecords = maxRecords;
    }

    /**
     * Prints as many of {@code records} as the limit allows.
     *
     * @return how many were printed (fewer than given only when the limit was reached)
     */
    synchronized int offer(String channelId, List<StreamRecord> records) {
        int n = 0;
        for (StreamRecord r : records) {
            if (maxRecords > 0 && printed >= maxRecords) {
                break;
            }
            out.println(json ? Json.write(toJson(channelId, r)) : text(r));
            printed++;
            n++;
        }
        out.flush();
        return n;
    }

    synchronized long printed() {
        return printed;
    }

    synchronized boolean limitReached() {
        return maxRecords > 0 && printed >= maxRecords;
    }

    static String text(StreamRecord r) {
        StringBuilder sb = new StringBuilder();
        sb.append(r.isBaseData() ? "[base] " : "[stream " + r.sequenceInfo().orElseThrow().serialize() + "] ");
        sb.append(r.type()).append(' ');
        List<PrimaryKeyColumn> key = r.primaryKey().columns();
        for (int i = 0; i < key.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(key.get(i).name()).append('=').append(Values.text(key.get(i).value()));
        }
        if (!r.columns().isEmpty()) {
            sb.append(':');
            for (int i = 0; i < r.columns().size(); i++) {
                RecordColumn c = r.columns().get(i);
                sb.append(i == 0 ? " " : ", ");
                switch (c.operation()) {
                    case PUT -> sb.append(c.name()).append('=').append(Values.text(c.value()));
                    case DELETE_ONE_VERSION -> sb.append(c.name()).append(" deleted@").append(c.timestamp());
                    case DELETE_ALL_VERSIONS -> sb.append(c.name()).append(" deleted");
                }
            }
        }
        return sb.toString();
    }

    static Map<String, Object> toJson(String channelId, StreamRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("channel", channelId);
        m.put("base", r.isBaseData());
        m.put("type", r.type().name());
        m.put("sequence", r.sequenceInfo().map(s -> (Object) s.serialize()).orElse(null));
        Map<String, Object> key = new LinkedHashMap<>();
        for (PrimaryKeyColumn c : r.primaryKey().columns()) {
            key.put(c.name(), Values.json(c.value()));
        }
        m.put("primaryKey", key);
        List<Object> columns = new ArrayList<>();
        for (RecordColumn c : r.columns()) {
            Map<String, Object> col = new LinkedHashMap<>();
            col.put("name", c.name());
            col.put("op", c.operation().name());
            if (c.value() != null) {
                col.put("value", Values.json(c.value()));
            }
            if (c.timestamp() != null) {
                col.put("timestamp", c.timestamp());
            }
            columns.add(col);
        }
        m.put("columns", columns);
        return m;
    }
}
