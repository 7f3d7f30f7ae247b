package io.tunnelstore.cli;

import io.tunnelstore.server.ServerConfig;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.console.ConsoleModule;
import io.tunnelstore.server.metrics.MetricsModule;
import io.tunnelstore.server.stream.StreamModule;
import io.tunnelstore.server.table.TableModule;
import io.tunnelstore.server.tunnel.TunnelModule;

/**
 * The modules a complete Tunnelstore server runs: the table API (with its change log), the Stream API, the Tunnel
 * Service, Prometheus metrics and the web console.
 */
final class StandardModules {
    private StandardModules() {}

    static TunnelstoreServer.Builder server(ServerConfig config) {
        return TunnelstoreServer.builder(config)
                .module(TableModule::new)
                .module(StreamModule::new)
                .module(TunnelModule::new)
                .module(MetricsModule::new)
                .module(ConsoleModule::new);
    }
}
