package io.tunnelstore.cli;

import io.tunnelstore.client.PrimaryKeySchema;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.client.TableDescription;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tunnelstore table describe NAME}: schema, TTL, versions and stream of a table. */
@Command(name = "describe", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Show a table's schema and options.")
final class TableDescribeCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "TABLE", description = "Table name.")
    String table;

    @Override
    int run() {
        TableDescription d;
        try (TableClient client = TableClient.create(clientConfig())) {
            d = client.describeTable(table);
        }
        if (json()) {
            printJson(toJson(d));
            return 0;
        }
        TextTable t = new TextTable(List.of("PROPERTY", "VALUE"));
        t.add(List.of("table", d.tableName()));
        t.add(List.of("primary key", PrimaryKeys.formatSchema(d.primaryKey())));
        t.add(List.of("ttl", TableCreateCommand.ttl(d.options())));
        t.add(List.of("max versions", Integer.toString(d.options().maxVersions())));
        t.add(List.of("stream", d.stream().enabled()
                ? "enabled, " + d.stream().expirationHours() + " h retention" : "disabled"));
        if (d.stream().enabled() && d.stream().streamId() != null) {
            t.add(List.of("stream id", d.stream().streamId()));
        }
        out().print(t.render());
        out().flush();
        return 0;
    }

    static Map<String, Object> toJson(TableDescription d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("table", d.tableName());
        List<Object> pk = new ArrayList<>();
        for (PrimaryKeySchema c : d.primaryKey()) {
            Map<String, Object> col = new LinkedHashMap<>();
            col.put("name", c.name());
            col.put("type", c.type().name().toLowerCase(Locale.ROOT));
            if (c.autoIncrement()) {
                col.put("autoIncrement", true);
            }
            pk.add(col);
        }
        m.put("primaryKey", pk);
        m.put("ttlSeconds", d.options().timeToLiveSeconds());
        m.put("maxVersions", d.options().maxVersions());
        Map<String, Object> stream = new LinkedHashMap<>();
        stream.put("enabled", d.stream().enabled());
        if (d.stream().enabled()) {
            stream.put("expirationHours", d.stream().expirationHours());
            stream.put("streamId", d.stream().streamId());
        }
        m.put("stream", stream);
        return m;
    }
}
