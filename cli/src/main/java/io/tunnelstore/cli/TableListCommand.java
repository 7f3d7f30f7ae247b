package io.tunnelstore.cli;

import io.tunnelstore.client.TableClient;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code tunnelstore table list}: the instance's tables, sorted by name. */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "List the tables of the instance.")
final class TableListCommand extends ClientCommand {

    @Override
    int run() {
        List<String> names;
        try (TableClient client = TableClient.create(clientConfig())) {
            names = client.listTables().stream().sorted().toList();
        }
        if (json()) {
            printJson(Map.of("tables", names));
        } else {
            TextTable t = new TextTable(List.of("TABLE"));
            names.forEach(n -> t.add(List.of(n)));
            out().print(t.render());
            out().flush();
        }
        return 0;
    }
}
