package io.tunnelstore.cli;

import io.tunnelstore.client.ClientConfig;
import io.tunnelstore.server.ServerConfig;
import io.tunnelstore.server.TunnelstoreServer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A complete server ({@link StandardModules}) on a free port and a temporary directory, for command tests. */
final class InProcessServer implements AutoCloseable {
    static final String AK = "cliTestKey";
    static final String SK = "cliTestSecret0123456789";

    private final TunnelstoreServer server;

    InProcessServer(Path dataDir) {
        server = StandardModules.server(ServerConfig.builder().port(0).dataDir(dataDir).adminKey(AK, SK)
                        .syncWrites(false).build())
                .console(new PrintStream(OutputStream.nullOutputStream()))
                .build();
        server.start();
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
