package io.tunnelstore.cli;

import io.tunnelstore.server.ServerConfig;
import io.tunnelstore.server.TunnelstoreServer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tunnelstore server}: runs the server in the foreground on the embedded engine until SIGTERM or Ctrl-C.
 * This is a stable contract other tools script against: when ready it prints
 * {@code endpoint=http://H:P instance=NAME} (one line per instance).
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Run the Tunnelstore server in the foreground on the embedded (RocksDB) engine.",
                "Prints 'endpoint=http://HOST:PORT instance=NAME' when ready; stops cleanly on SIGTERM / Ctrl-C.",
                "If OTS_AK_ENV and OTS_SK_ENV are set, that key pair is an administrator key of every instance;",
                "otherwise a key pair is generated at first start, kept in the data directory and printed once."})
final class ServerCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "" + ServerConfig.DEFAULT_PORT,
            description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", defaultValue = "./data",
            description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--instance", defaultValue = "tunnelstore", split = ",",
            description = "Instance name(s), comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> instances;

    /** Environment variable holding the {@code /metrics} bearer token (preferred to the flag: not in ps output). */
    static final String METRICS_TOKEN_ENV = "TUNNELSTORE_METRICS_TOKEN";

    @Option(names = "--metrics-token", paramLabel = "TOKEN",
            description = "Require 'Authorization: Bearer TOKEN' on GET /metrics (default: $" + METRICS_TOKEN_ENV
                    + " if set, else /metrics is open).")
    String metricsToken;

    @Option(names = "--console-secure-cookies",
            description = "Mark the console session cookie Secure (set when clients reach the server over HTTPS, "
                    + "e.g. through a TLS proxy).")
    boolean consoleSecureCookies;

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config = ServerConfig.builder()
                .host(host).port(port).dataDir(dataDir).instanceNames(instances)
                .adminKeyFromEnvironment(System.getenv())
                .build();
        String token = metricsToken != null ? metricsToken : System.getenv(METRICS_TOKEN_ENV);
        TunnelstoreServer server = StandardModules.server(config,
                new StandardModules.Options(token == null || token.isBlank() ? null : token.strip(),
                        consoleSecureCookies)).build();
        CountDownLatch stopped = new CountDownLatch(1);
        // The JVM runs shutdown hooks on SIGTERM and SIGINT (Ctrl-C): close the server there so storage is flushed.
        Thread hook = new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "tunnelstore-shutdown");
        server.start();
        Runtime.getRuntime().addShutdownHook(hook);
        stopped.await();
        return 0;
    }
}
