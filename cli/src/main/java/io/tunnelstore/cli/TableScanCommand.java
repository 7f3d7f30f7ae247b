package io.tunnelstore.cli;

import io.tunnelstore.client.Direction;
import io.tunnelstore.client.Row;
import io.tunnelstore.client.ScanOptions;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code tunnelstore table scan NAME [--start id=1] [--end id=9] [--limit N]}: reads a key range. */
@Command(name = "scan", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Read the rows of a primary-key range, in key order.",
                "--start is inclusive, --end exclusive; each gives a prefix of the key (NAME=VALUE, repeatable),",
                "the remaining columns are open. Without bounds the whole table is read.",
                "Text output is an aligned table (buffered); json prints one object per row as it arrives."})
final class TableScanCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "TABLE", description = "Table name.")
    String table;

    @Option(names = "--start", paramLabel = "NAME=VALUE", description = "Inclusive lower bound (key prefix).")
    List<String> start = new ArrayList<>();

    @Option(names = "--end", paramLabel = "NAME=VALUE", description = "Exclusive upper bound (key prefix).")
    List<String> end = new ArrayList<>();

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
            description = "Stop after N rows; 0 reads the whole range (default: ${DEFAULT-VALUE}).")
    long limit;

    @Option(names = "--backward", description = "Read from --start down to --end (start is the higher key).")
    boolean backward;

    @Option(names = "--columns", split = ",", paramLabel = "NAME",
            description = "Attribute columns to return (default: all).")
    List<String> columnsToGet = new ArrayList<>();

    @Override
    int run() {
        if (limit < 0) {
            throw new ParameterException(spec.commandLine(), "--limit must not be negative, got " + limit);
        }
        try (TableClient client = TableClient.create(clientConfig())) {
            TableSchema schema = TableSchema.of(client, table);
            PrimaryKey from;
            PrimaryKey to;
            try {
                Map<String, String> s = PrimaryKeys.assignments(start, "--start");
                Map<String, String> e = PrimaryKeys.assignments(end, "--end");
                // Forward: [prefix+MIN, prefix+MIN) covers whole prefixes; backward mirrors it with MAX.
                ColumnValue fill = backward ? ColumnValue.INF_MAX : ColumnValue.INF_MIN;
                from = schema.bound(s, fill, backward ? ColumnValue.INF_MAX : ColumnValue.INF_MIN);
                to = schema.bound(e, fill, backward ? ColumnValue.INF_MIN : ColumnValue.INF_MAX);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            ScanOptions options = ScanOptions.builder().limit(limit).columnsToGet(columnsToGet)
                    .direction(backward ? Direction.BACKWARD : Direction.FORWARD).build();
            RowPrinter printer = new RowPrinter(out(), json(), schema.keyNames());
            Iterator<Row> rows = client.scan(table, from, to, options);
            while (rows.hasNext()) {
                printer.add(rows.next());
            }
            printer.finish();
        }
        return 0;
    }
}
