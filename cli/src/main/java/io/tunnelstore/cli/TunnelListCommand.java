package io.tunnelstore.cli;

import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.client.TunnelInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tunnelstore tunnel list [TABLE]}: tunnels of one table or of the whole instance. */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "List the tunnels of a table, or of every table when none is given.")
final class TunnelListCommand extends ClientCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "TABLE", description = "Table name (default: all).")
    String table;

    @Override
    int run() {
        List<TunnelInfo> tunnels;
        try (TunnelClient client = TunnelClient.create(clientConfig())) {
            tunnels = new ArrayList<>(table == null ? client.listTunnels() : client.listTunnels(table));
        }
        tunnels.sort(Comparator.comparing(TunnelInfo::tableName).thenComparing(TunnelInfo::tunnelName));
        if (json()) {
            List<Object> list = new ArrayList<>();
            tunnels.forEach(t -> list.add(TunnelViews.tunnelJson(t)));
            printJson(Map.of("tunnels", list));
            return 0;
        }
        TextTable t = new TextTable(List.of("TABLE", "TUNNEL", "ID", "TYPE", "STAGE", "EXPIRED", "CREATED"));
        for (TunnelInfo i : tunnels) {
            t.add(List.of(i.tableName(), i.tunnelName(), i.tunnelId(), i.type().wireName(), i.stage().wireName(),
                    Boolean.toString(i.expired()), TunnelViews.time(i.createTime())));
        }
        out().print(t.render());
        out().flush();
        return 0;
    }
}
