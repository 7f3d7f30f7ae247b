package io.tunnelstore.cli;

import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.client.TunnelDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tunnelstore tunnel describe TABLE TUNNEL}: the tunnel and its channels (status, owner, RPO, count). */
@Command(name = "describe", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Show a tunnel and its channels: id, type, status, owner, recovery point (RPO) and count.")
final class TunnelDescribeCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "TABLE", description = "Table name.")
    String table;

    @Parameters(index = "1", paramLabel = "TUNNEL", description = "Tunnel name.")
    String tunnel;

    @Override
    int run() {
        TunnelDescription d;
        try (TunnelClient client = TunnelClient.create(clientConfig())) {
            d = client.describeTunnel(table, tunnel);
        }
        if (json()) {
            printJson(TunnelViews.describeJson(d));
            return 0;
        }
        out().print(TunnelViews.tunnelTable(d).render());
        out().println();
        out().print(TunnelViews.channelTable(d.channels(), null).render());
        out().flush();
        return 0;
    }
}
