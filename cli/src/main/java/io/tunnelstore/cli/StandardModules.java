package io.tunnelstore.cli;

import io.tunnelstore.server.ServerConfig;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.table.TableModule;
import io.tunnelstore.server.tunnel.TunnelModule;

/** The modules a complete Tunnelstore server runs: the table API (with its change log) and the Tunnel Service. */
final class StandardModules {
    private StandardModules() {}

    static TunnelstoreServer.Builder server(ServerConfig config) {
        return TunnelstoreServer.builder(config)
                .module(TableModule::new)
                .module(TunnelModule::new);
    }
}
