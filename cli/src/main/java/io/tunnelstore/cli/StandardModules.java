package io.tunnelstore.cli;

import io.tunnelstore.server.ServerConfig;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.admin.AdminModule;
import io.tunnelstore.server.console.ConsoleModule;
import io.tunnelstore.server.console.ConsoleSettings;
import io.tunnelstore.server.metrics.MetricsModule;
import io.tunnelstore.server.metrics.MetricsSettings;
import io.tunnelstore.server.stream.StreamModule;
import io.tunnelstore.server.table.TableModule;
import io.tunnelstore.server.tunnel.TunnelModule;

/**
 * The modules a complete Tunnelstore server runs: administration (temporary credentials), the table API (with its
 * change log), the Stream API, the Tunnel Service, Prometheus metrics and the web console.
 */
final class StandardModules {
    private StandardModules() {}

    static TunnelstoreServer.Builder server(ServerConfig config) {
        // Metrics and the console find the tunnel module's views (every connected client, checkpoint positions)
        // through the server's ServerServices; no module is handed to another here.
        return TunnelstoreServer.builder(config)
                .module(AdminModule::new)
                .module(TableModule::new)
                .module(StreamModule::new)
                .module(TunnelModule::new)
                .module(context -> new MetricsModule(context, MetricsSettings.defaults()))
                .module(context -> new ConsoleModule(context, ConsoleSettings.defaults()));
    }
}
