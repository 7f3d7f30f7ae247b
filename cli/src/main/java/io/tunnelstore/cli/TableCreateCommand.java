package io.tunnelstore.cli;

import io.tunnelstore.client.CreateTableRequest;
import io.tunnelstore.client.PrimaryKeySchema;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.client.TableOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code tunnelstore table create NAME --pk id:integer,... [--stream-hours N] [--ttl S] [--max-versions N]}. */
@Command(name = "create", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Create a table.")
final class TableCreateCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "TABLE", description = "Table name.")
    String table;

    @Option(names = "--pk", required = true, paramLabel = "NAME:TYPE[,...]",
            description = "Primary key columns in order, 1 to 4: NAME:integer|string|binary (an integer column "
                    + "after the first may be NAME:integer:auto for auto-increment), e.g. id:integer,name:string.")
    String primaryKey;

    @Option(names = "--stream-hours", paramLabel = "HOURS",
            description = "Enable the change stream (needed by stream tunnels), keeping changes HOURS hours (1-168).")
    Integer streamHours;

    @Option(names = "--ttl", defaultValue = "-1", paramLabel = "SECONDS",
            description = "Time to live of cells in seconds; -1 keeps them forever (default: ${DEFAULT-VALUE}).")
    int ttlSeconds;

    @Option(names = "--max-versions", defaultValue = "1", paramLabel = "N",
            description = "Versions kept per cell (default: ${DEFAULT-VALUE}).")
    int maxVersions;

    @Override
    int run() {
        CreateTableRequest request;
        try {
            List<PrimaryKeySchema> schema = PrimaryKeys.parseSchema(primaryKey);
            CreateTableRequest.Builder b = CreateTableRequest.builder(table).timeToLiveSeconds(ttlSeconds)
                    .maxVersions(maxVersions);
            schema.forEach(b::addPrimaryKey);
            if (streamHours != null) {
                b.streamEnabled(streamHours);
            }
            request = b.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try (TableClient client = TableClient.create(clientConfig())) {
            client.createTable(request);
        }
        if (json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("table", table);
            m.put("status", "created");
            printJson(m);
        } else {
            out().printf("table %s created (primary key %s%s)%n", table,
                    PrimaryKeys.formatSchema(request.primaryKey()),
                    request.stream().enabled() ? ", stream " + request.stream().expirationHours() + " h" : "");
        }
        return 0;
    }

    static String ttl(TableOptions options) {
        return options.timeToLiveSeconds() == TableOptions.TTL_FOREVER ? "forever"
                : options.timeToLiveSeconds() + " s";
    }
}
