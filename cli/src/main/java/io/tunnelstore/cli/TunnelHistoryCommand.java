package io.tunnelstore.cli;

import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.client.TunnelDescription;
import io.tunnelstore.client.TunnelHistoryEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code tunnelstore tunnel history TABLE TUNNEL}: the tunnel's history (re-baselines, data losses), oldest first,
 * from DescribeTunnel's Tunnelstore extension (empty against servers without it).
 */
@Command(name = "history", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Show a tunnel's history: re-baselines of channels that fell behind retention, data losses.")
final class TunnelHistoryCommand extends ClientCommand {

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
            List<Object> events = new ArrayList<>();
            for (TunnelHistoryEvent e : d.history()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("time", TunnelViews.jsonTime(e.at()));
                m.put("kind", e.kind());
                m.put("channel", e.channelId());
                m.put("by", e.actor());
                m.put("detail", e.detail());
                events.add(m);
            }
            printJson(events);
            return 0;
        }
        TextTable t = new TextTable(List.of("TIME", "KIND", "CHANNEL", "BY", "DETAIL"));
        for (TunnelHistoryEvent e : d.history()) {
            t.add(List.of(TunnelViews.time(e.at()), e.kind(), e.channelId() == null ? "-" : e.channelId(),
                    e.actor() == null ? "-" : e.actor(), e.detail()));
        }
        out().print(t.render());
        out().flush();
        return 0;
    }
}
