package io.tunnelstore.cli;

import io.tunnelstore.server.ServerConfig;
import io.tunnelstore.server.ServerContext;
import io.tunnelstore.server.ServerModule;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.admin.AdminModule;
import io.tunnelstore.server.console.ConsoleModule;
import io.tunnelstore.server.console.ConsoleSettings;
import io.tunnelstore.server.metrics.MetricsModule;
import io.tunnelstore.server.metrics.MetricsSettings;
import io.tunnelstore.server.stream.StreamModule;
import io.tunnelstore.server.table.TableModule;
import io.tunnelstore.server.tunnel.TunnelModule;
import java.util.List;
import java.util.function.Function;

/**
 * The modules a complete Tunnelstore server runs: administration (temporary credentials), the table API (with its
 * change log), the Stream API, the Tunnel Service, Prometheus metrics and the web console.
 */
final class StandardModules {
    private StandardModules() {}

    /**
     * Launcher settings of the modules.
     *
     * @param metricsBearerToken  token {@code GET /metrics} requires, or null for an open endpoint
     * @param consoleSecureCookies whether the console cookie carries {@code Secure}
     */
    record Options(String metricsBearerToken, boolean consoleSecureCookies) {
        static final Options DEFAULTS = new Options(null, false);
    }

    static TunnelstoreServer.Builder server(ServerConfig config) {
        return server(config, Options.DEFAULTS);
    }

    static TunnelstoreServer.Builder server(ServerConfig config, Options options) {
        TunnelstoreServer.Builder builder = TunnelstoreServer.builder(config);
        modules(options).forEach(builder::module);
        return builder;
    }

    /** The module factories of a complete server, in start order (tests start them in an in-process server). */
    static List<Function<ServerContext, ServerModule>> modules(Options options) {
        // Metrics and the console find the tunnel module's views (every connected client, checkpoint positions)
        // through the server's ServerServices; no module is handed to another here.
        return List.of(
                AdminModule::new,
                TableModule::new,
                StreamModule::new,
                TunnelModule::new,
                context -> new MetricsModule(context,
                        MetricsSettings.defaults().withBearerToken(options.metricsBearerToken())),
                context -> new ConsoleModule(context,
                        ConsoleSettings.defaults().withSecureCookies(options.consoleSecureCookies())));
    }
}
