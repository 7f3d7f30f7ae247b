package io.tunnelstore.server;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A {@link TunnelstoreServer} in the caller's JVM on a loopback port, for tests and embedding: the one in-process
 * server builder of the project (docs/architecture.md, "Test support"). Every module's tests, the CLI's, the SDK's and
 * the published test kit start their servers through it.
 *
 * <pre>{@code
 * try (InProcessServer server = InProcessServer.builder(dataDir).adminKey("ak", "sk")
 *         .module(TableModule::new).module(TunnelModule::new).start()) {
 *     String endpoint = server.endpoint();
 * }
 * }</pre>
 *
 * <p>Defaults differ from {@link ServerConfig}'s where a test wants them to: port 0 (a free port), 4 worker
 * threads and 4 row-write threads, writes not synced (the data is thrown away), the console silenced. Modules are
 * the caller's choice (none by default), so the builder stays in the wiring layer. {@link #restart()} closes the server and starts a new one
 * with the same configuration on the same directory and port: what a crash-and-restart looks like to clients.
 *
 * <p>Thread-safe: {@link #restart()} and {@link #close()} are synchronized; readers see the current server.
 */
public final class InProcessServer implements AutoCloseable {

    private final ServerConfig firstConfig;
    private final List<Function<ServerContext, ServerModule>> modules;
    private final PrintStream console;
    private volatile TunnelstoreServer server;

    private InProcessServer(Builder builder) {
        this.firstConfig = builder.config.build();
        this.modules = List.copyOf(builder.modules);
        this.console = builder.console;
        this.server = startServer(firstConfig);
    }

    /** A builder for a server over {@code dataDir} with the test defaults above. */
    public static Builder builder(Path dataDir) {
        return builder(ServerConfig.builder().dataDir(Objects.requireNonNull(dataDir, "dataDir"))
                .port(0).workerThreads(4).writeThreads(4).syncWrites(false));
    }

    /** A builder that starts from {@code config} exactly as the caller shaped it (none of the defaults above). */
    public static Builder builder(ServerConfig.Builder config) {
        return new Builder(Objects.requireNonNull(config, "config"));
    }

    private TunnelstoreServer startServer(ServerConfig config) {
        TunnelstoreServer.Builder b = TunnelstoreServer.builder(config).console(console);
        modules.forEach(b::module);
        TunnelstoreServer s = b.build();
        s.start(); // closes what it opened if it fails
        return s;
    }

    /** The running server (a new object after each {@link #restart()}). */
    public TunnelstoreServer server() {
        return server;
    }

    /** {@code http://host:port} of the running server. */
    public String endpoint() {
        return server.endpoint();
    }

    public int port() {
        return server.port();
    }

    /** The running server's configuration (its real port once started). */
    public ServerConfig config() {
        return server.config();
    }

    /** The clock the server reads its time from. */
    public Clock clock() {
        return firstConfig.clock();
    }

    /**
     * The running server's module of {@code type}.
     *
     * @throws IllegalStateException if the server has none
     */
    public <T extends ServerModule> T module(Class<T> type) {
        return server.module(type).orElseThrow(
                () -> new IllegalStateException("the in-process server has no " + type.getSimpleName()));
    }

    /** Closes the server and starts it again on the same data directory and port, with the same modules. */
    public synchronized void restart() {
        int port = server.port();
        server.close();
        server = startServer(firstConfig.toBuilder().port(port).build());
    }

    @Override
    public synchronized void close() {
        server.close();
    }

    /** Builder of {@link InProcessServer}. Not thread-safe. */
    public static final class Builder {
        private final ServerConfig.Builder config;
        private final List<Function<ServerContext, ServerModule>> modules = new ArrayList<>();
        private PrintStream console = new PrintStream(OutputStream.nullOutputStream());

        private Builder(ServerConfig.Builder config) {
            this.config = config;
        }

        /** The instances the server answers for (default {@code tunnelstore}). */
        public Builder instances(String... names) {
            config.instanceNames(List.of(names));
            return this;
        }

        public Builder adminKey(String accessKeyId, String accessKeySecret) {
            config.adminKey(accessKeyId, accessKeySecret);
            return this;
        }

        /**
         * The server's time source. A test clock is moved or stands still, so the request-date skew check is
         * turned off with it (clients sign with the real time); without this call the server uses the system
         * clock and checks skew.
         */
        public Builder clock(Clock clock) {
            config.clock(Objects.requireNonNull(clock, "clock")).withoutClockSkewCheck();
            return this;
        }

        public Builder workerThreads(int workerThreads) {
            config.workerThreads(workerThreads);
            return this;
        }

        /** Any other setting of the server configuration. */
        public Builder configure(Consumer<ServerConfig.Builder> settings) {
            settings.accept(config);
            return this;
        }

        /** Adds a module, created when the server starts (again at each restart). */
        public Builder module(Function<ServerContext, ServerModule> factory) {
            modules.add(Objects.requireNonNull(factory, "factory"));
            return this;
        }

        /** Where the server prints its start-up lines (default: nowhere). */
        public Builder console(PrintStream console) {
            this.console = Objects.requireNonNull(console, "console");
            return this;
        }

        /**
         * Builds and starts the server.
         *
         * @throws RuntimeException if it cannot start (the port is taken, the directory is locked...)
         */
        public InProcessServer start() {
            return new InProcessServer(this);
        }
    }
}
