package io.tunnelstore.cli;

import io.tunnelstore.client.GetRowRequest;
import io.tunnelstore.client.Row;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.protocol.model.PrimaryKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code tunnelstore table get NAME --pk id=1 [--columns a,b]}: reads one row. Exit code 1 if there is none. */
@Command(name = "get", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Read one row (latest version of each column).",
                "Prints the row as a table (text) or one JSON object; exits with 1 and prints nothing on stdout",
                "when there is no row with that key."})
final class TableGetCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "TABLE", description = "Table name.")
    String table;

    @Option(names = "--pk", required = true, paramLabel = "NAME=VALUE",
            description = "A primary key column and its value (repeat for each key column).")
    List<String> primaryKey;

    @Option(names = "--columns", split = ",", paramLabel = "NAME",
            description = "Attribute columns to return (default: all).")
    List<String> columnsToGet = new ArrayList<>();

    @Override
    int run() {
        try (TableClient client = TableClient.create(clientConfig())) {
            TableSchema schema = TableSchema.of(client, table);
            PrimaryKey key;
            try {
                key = schema.fullKey(PrimaryKeys.assignments(primaryKey, "--pk"));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            Optional<Row> row = client.getRow(new GetRowRequest(table, key, columnsToGet, 1));
            if (row.isEmpty()) {
                err().printf("%s: no row with primary key %s in table %s%n", spec.qualifiedName(),
                        TablePutCommand.keyText(key), table);
                err().flush();
                return 1;
            }
            RowPrinter printer = new RowPrinter(out(), json(), schema.keyNames());
            printer.add(row.get());
            printer.finish();
        }
        return 0;
    }
}
