package io.tunnelstore.cli;

import io.tunnelstore.client.TableClient;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tunnelstore table delete NAME}: drops a table and its rows. */
@Command(name = "delete", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Delete a table and all its rows.")
final class TableDeleteCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "TABLE", description = "Table name.")
    String table;

    @Override
    int run() {
        try (TableClient client = TableClient.create(clientConfig())) {
            client.deleteTable(table);
        }
        if (json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("table", table);
            m.put("status", "deleted");
            printJson(m);
        } else {
            out().printf("table %s deleted%n", table);
            out().flush();
        }
        return 0;
    }
}
