package io.tunnelstore.cli;

import io.tunnelstore.client.PrimaryKeySchema;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows to load, read one at a time from CSV or JSON lines and typed by the table's primary-key schema. The
 * primary-key fields are named by {@code keyFields} (in the table's key order); every other field becomes an
 * attribute column, and empty CSV cells / JSON nulls are left out. Not thread-safe.
 */
abstract class LoadInput {
    /** One row to write: its key, its cells, and the input line it came from (for error messages). */
    record Item(PrimaryKey key, List<Cell> cells, long line) {
    }

    final String source;
    final List<PrimaryKeySchema> schema;
    final List<String> keyFields;

    LoadInput(String source, List<PrimaryKeySchema> schema, List<String> keyFields) {
        if (keyFields.size() != schema.size()) {
            throw new IllegalArgumentException("--pk names " + keyFields.size() + " field(s) but the table's primary"
                    + " key has " + schema.size() + " column(s): " + PrimaryKeys.formatSchema(schema));
        }
        this.source = source;
        this.schema = List.copyOf(schema);
        this.keyFields = List.copyOf(keyFields);
    }

    /**
     * The next row, or {@code null} at the end.
     *
     * @throws IllegalArgumentException naming the source and line for malformed input or values
     */
    abstract Item next() throws IOException;

    IllegalArgumentException error(long line, String message) {
        return new IllegalArgumentException(source + ":" + line + ": " + message);
    }

    /** CSV with a header row; cells use the typed syntax of {@code --column} unless a type is declared. */
    static final class Csv extends LoadInput {
        private final CsvReader reader;
        private final Map<String, Values.Kind> declaredTypes;
        private List<String> header;
        private int[] keyIndexes;

        Csv(String source, BufferedReader in, List<PrimaryKeySchema> schema, List<String> keyFields,
                Map<String, Values.Kind> declaredTypes) {
            super(source, schema, keyFields);
            this.reader = new CsvReader(in);
            this.declaredTypes = Map.copyOf(declaredTypes);
        }

        @Override
        Item next() throws IOException {
            if (header == null && !readHeader()) {
                return null;
            }
            List<String> fields;
            try {
                fields = reader.next();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
            }
            if (fields == null) {
                return null;
            }
            long line = reader.recordLine();
            if (fields.size() != header.size()) {
                throw error(line, "has " + fields.size() + " fields, the header has " + header.size());
            }
            List<PrimaryKeyColumn> key = new ArrayList<>(schema.size());
            for (int k = 0; k < schema.size(); k++) {
                String text = fields.get(keyIndexes[k]);
                try {
                    key.add(PrimaryKeyColumn.of(schema.get(k).name(), Values.parseKey(schema.get(k).type(), text)));
                } catch (IllegalArgumentException e) {
                    throw error(line, "primary key field '" + keyFields.get(k) + "': " + e.getMessage());
                }
            }
            List<Cell> cells = new ArrayList<>();
            for (int i = 0; i < header.size(); i++) {
                String name = header.get(i);
                String text = fields.get(i);
                if (keyFields.contains(name) || text.isEmpty()) {
                    continue;
                }
                try {
                    Values.Kind kind = declaredTypes.get(name);
                    cells.add(Cell.put(name, kind != null ? Values.parse(kind, text) : Values.parseTyped(text)));
                } catch (IllegalArgumentException e) {
                    throw error(line, "column '" + name + "': " + e.getMessage());
                }
            }
            return new Item(PrimaryKey.of(key), cells, line);
        }

        private boolean readHeader() throws IOException {
            List<String> names = reader.next();
            if (names == null) {
                return false;
            }
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).isEmpty()) {
                    throw error(1, "header field " + (i + 1) + " is empty");
                }
                if (index.put(names.get(i), i) != null) {
                    throw error(1, "header names '" + names.get(i) + "' twice");
                }
            }
            keyIndexes = new int[keyFields.size()];
            for (int k = 0; k < keyFields.size(); k++) {
                Integer i = index.get(keyFields.get(k));
                if (i == null) {
                    throw error(1, "header has no primary key field '" + keyFields.get(k) + "' (header: "
                            + String.join(",", names) + ")");
                }
                keyIndexes[k] = i;
            }
            header = List.copyOf(names);
            return true;
        }
    }

    /** One JSON object per line, typed as {@code scan --output json} prints rows. */
    static final class JsonLines extends LoadInput {
        private final BufferedReader in;
        private long line;

        JsonLines(String source, BufferedReader in, List<PrimaryKeySchema> schema, List<String> keyFields) {
            super(source, schema, keyFields);
            this.in = in;
        }

        @Override
        Item next() throws IOException {
            String text;
            do {
                text = in.readLine();
                line++;
                if (text == null) {
                    return null;
                }
            } while (text.isBlank());
            Object parsed;
            try {
                parsed = Json.parse(text);
            } catch (IllegalArgumentException e) {
                throw error(line, e.getMessage());
            }
            if (!(parsed instanceof Map<?, ?> object)) {
                throw error(line, "expected a JSON object");
            }
            List<PrimaryKeyColumn> key = new ArrayList<>(schema.size());
            for (int k = 0; k < schema.size(); k++) {
                if (!object.containsKey(keyFields.get(k))) {
                    throw error(line, "no primary key field '" + keyFields.get(k) + "'");
                }
                try {
                    ColumnValue v = Values.keyFromJson(schema.get(k).type(), object.get(keyFields.get(k)));
                    key.add(PrimaryKeyColumn.of(schema.get(k).name(), v));
                } catch (IllegalArgumentException e) {
                    throw error(line, "primary key field '" + keyFields.get(k) + "': " + e.getMessage());
                }
            }
            List<Cell> cells = new ArrayList<>();
            for (Map.Entry<?, ?> e : object.entrySet()) {
                String name = (String) e.getKey();
                if (keyFields.contains(name)) {
                    continue;
                }
                try {
                    ColumnValue v = Values.fromJson(e.getValue());
                    if (v != null) {
                        cells.add(Cell.put(name, v));
                    }
                } catch (IllegalArgumentException ex) {
                    throw error(line, "column '" + name + "': " + ex.getMessage());
                }
            }
            return new Item(PrimaryKey.of(key), cells, line);
        }
    }
}
