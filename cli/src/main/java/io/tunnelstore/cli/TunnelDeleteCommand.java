package io.tunnelstore.cli;

import io.tunnelstore.client.TunnelClient;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tunnelstore tunnel delete TABLE TUNNEL}. */
@Command(name = "delete", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Delete a tunnel; its checkpoints are lost and its workers stop.")
final class TunnelDeleteCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "TABLE", description = "Table name.")
    String table;

    @Parameters(index = "1", paramLabel = "TUNNEL", description = "Tunnel name.")
    String tunnel;

    @Override
    int run() {
        try (TunnelClient client = TunnelClient.create(clientConfig())) {
            client.deleteTunnel(table, tunnel);
        }
        if (json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tunnelName", tunnel);
            m.put("tableName", table);
            m.put("status", "deleted");
            printJson(m);
        } else {
            out().printf("tunnel %s of table %s deleted%n", tunnel, table);
            out().flush();
        }
        return 0;
    }
}
