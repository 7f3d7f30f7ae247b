package io.tunnelstore.cli;

import io.tunnelstore.client.ClientConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A complete server ({@link StandardModules}) on a free port and a temporary directory, for command tests: the
 * server's {@link io.tunnelstore.server.InProcessServer} plus the command-line flags that reach it.
 */
final class InProcessServer implements AutoCloseable {
    static final String AK = "cliTestKey";
    static final String SK = "cliTestSecret0123456789";

    private final io.tunnelstore.server.InProcessServer server;

    InProcessServer(Path dataDir) {
        io.tunnelstore.server.InProcessServer.Builder builder = io.tunnelstore.server.InProcessServer
                .builder(dataDir).adminKey(AK, SK)
                .workerThreads(32); // the launcher's default: a complete server
        StandardModules.modules(StandardModules.Options.DEFAULTS).forEach(builder::module);
        server = builder.start();
    }

    String endpoint() {
        return server.endpoint();
    }

    ClientConfig clientConfig() {
        return ClientConfig.builder().endpoint(endpoint()).instanceName("tunnelstore").credentials(AK, SK).build();
    }

    /** {@code args} followed by the connection flags of this server. */
    String[] args(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--endpoint", endpoint(), "--access-key-id", AK, "--access-key-secret", SK));
        return all.toArray(String[]::new);
    }

    /** Runs the command line against this server. */
    CliRun.Result run(String... args) {
        return CliRun.run(args(args));
    }

    @Override
    public void close() {
        server.close();
    }
}
