package io.tunnelstore.cli;

import io.tunnelstore.client.RowPutChange;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code tunnelstore table put NAME --pk id=1 --column price=double:9.5 ...}: writes a whole row. */
@Command(name = "put", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Write a row (replacing any row with the same primary key).",
                "Column values are typed by a prefix: int:42, double:1.5, bool:true, str:text, bin:<base64>;",
                "a value without a prefix is a string."})
final class TablePutCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "TABLE", description = "Table name.")
    String table;

    @Option(names = "--pk", required = true, paramLabel = "NAME=VALUE",
            description = "A primary key column and its value (repeat for each key column; typed by the schema).")
    List<String> primaryKey;

    @Option(names = {"-c", "--column"}, paramLabel = "NAME=VALUE",
            description = "An attribute column and its typed value (repeatable).")
    List<String> columns = new ArrayList<>();

    @Override
    int run() {
        try (TableClient client = TableClient.create(clientConfig())) {
            TableSchema schema = TableSchema.of(client, table);
            PrimaryKey key;
            List<Cell> cells = new ArrayList<>();
            try {
                key = schema.fullKey(PrimaryKeys.assignments(primaryKey, "--pk"));
                PrimaryKeys.assignments(columns, "--column").forEach((name, text) ->
                        cells.add(Cell.put(name, typed(name, text))));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            client.putRow(RowPutChange.of(table, key, cells));
            if (json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("table", table);
                m.put("status", "written");
                m.put("primaryKey", keyJson(key));
                printJson(m);
            } else {
                out().printf("row %s written to %s%n", keyText(key), table);
                out().flush();
            }
        }
        return 0;
    }

    private static io.tunnelstore.protocol.model.ColumnValue typed(String name, String text) {
        try {
            return Values.parseTyped(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("column '" + name + "': " + e.getMessage(), e);
        }
    }

    /** {@code id=1, name=abc}. */
    static String keyText(PrimaryKey key) {
        StringBuilder sb = new StringBuilder();
        for (PrimaryKeyColumn c : key.columns()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(c.name()).append('=').append(Values.text(c.value()));
        }
        return sb.toString();
    }

    static Map<String, Object> keyJson(PrimaryKey key) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (PrimaryKeyColumn c : key.columns()) {
            m.put(c.name(), Values.json(c.value()));
        }
        return m;
    }
}
