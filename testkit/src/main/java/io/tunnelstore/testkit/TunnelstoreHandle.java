package io.tunnelstore.testkit;

import io.tunnelstore.client.ClientConfig;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.server.InProcessServer;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.stream.StreamModule;
import io.tunnelstore.server.table.TableModule;
import io.tunnelstore.server.tunnel.TunnelModule;
import io.tunnelstore.tunnel.ChannelProcessorFactory;
import io.tunnelstore.tunnel.TunnelWorker;
import io.tunnelstore.tunnel.TunnelWorkerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running in-process Tunnelstore for tests: the whole service (table API, stream API, tunnel service) on a free
 * loopback port, storing into a fresh temporary directory, with a {@link ManualClock} as its only time source and
 * a {@link FaultProxy} in front of it. {@link TunnelstoreExtension} creates one per test class or test method and
 * injects it; outside JUnit use {@link #start(TunnelstoreOptions)} and {@link #close()}.
 *
 * <h3>Endpoints</h3>
 * The clients handed out ({@link #tableClient()}, {@link #tunnelClient()}, {@link #clientConfig()},
 * {@link #startWorker}) connect through the proxy ({@link #proxiedEndpoint()}), so {@link #faults()} can break
 * their connections. {@link #directEndpoint()} and the {@code direct*} clients bypass the proxy (set-up and
 * assertions that must not be disturbed by an injected fault).
 *
 * <h3>Lifecycle and threads</h3>
 * Thread-safe. {@link #close()} closes, in this order, every worker started through the handle and every tracked
 * resource (newest first), the clients, the proxy, the server, and deletes the data directory; it is idempotent
 * and logs instead of throwing.
 */
public final class TunnelstoreHandle implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TunnelstoreHandle.class);
    /** How long {@link #close()} lets each worker stop gracefully. */
    private static final Duration WORKER_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final TunnelstoreOptions options;
    private final ManualClock clock;
    private final Path dataDir;
    private final TunnelstoreServer server;
    private final TableModule tableModule;
    private final TunnelModule tunnelModule;
    private final FaultProxy proxy;
    private final ClientConfig proxiedConfig;
    private final ClientConfig directConfig;
    private final Faults faults;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private TableClient tableClient;
    private TunnelClient tunnelClient;
    private TableClient directTableClient;
    private TunnelClient directTunnelClient;
    private boolean closed;

    private TunnelstoreHandle(TunnelstoreOptions options, ManualClock clock, Path dataDir, TunnelstoreServer server,
                              TableModule tableModule, TunnelModule tunnelModule, FaultProxy proxy) {
        this.options = options;
        this.clock = clock;
        this.dataDir = dataDir;
        this.server = server;
        this.tableModule = tableModule;
        this.tunnelModule = tunnelModule;
        this.proxy = proxy;
        this.proxiedConfig = clientConfigFor(proxy.endpoint());
        this.directConfig = clientConfigFor(server.endpoint());
        this.faults = new Faults(this);
    }

    /**
     * Starts a service with {@code options}: creates the temporary data directory, starts the server on port 0 and
     * the proxy in front of it.
     *
     * @throws IllegalStateException if the server or the proxy cannot start (the cause says why); whatever was
     *                               started is closed again
     */
    public static TunnelstoreHandle start(TunnelstoreOptions options) {
        Objects.requireNonNull(options, "options");
        ManualClock clock = options.clockStart().map(ManualClock::startingAt).orElseGet(ManualClock::startingNow);
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("tunnelstore-testkit-");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create a temporary data directory", e);
        }
        InProcessServer server;
        try {
            server = InProcessServer.builder(dataDir)
                    .instances(options.instanceName())
                    .adminKey(options.accessKeyId(), options.accessKeySecret())
                    .clock(clock) // tests move the clock; clients sign with real time, so no skew check
                    .workerThreads(8)
                    .module(TableModule::new)
                    .module(StreamModule::new)
                    .module(ctx -> new TunnelModule(ctx, options.tunnelService()))
                    .start();
        } catch (RuntimeException e) {
            deleteRecursively(dataDir);
            throw new IllegalStateException("Cannot start the test Tunnelstore: " + e.getMessage(), e);
        }
        FaultProxy proxy = null;
        try {
            proxy = FaultProxy.start(server.config().host(), server.port());
            // The faults drive the modules' trim and tick directly.
            TunnelstoreHandle handle = new TunnelstoreHandle(options, clock, dataDir, server.server(),
                    server.module(TableModule.class), server.module(TunnelModule.class), proxy);
            log.info("Test Tunnelstore running: direct {} proxied {} data {}", server.endpoint(), proxy.endpoint(),
                    dataDir);
            return handle;
        } catch (IOException | RuntimeException e) {
            if (proxy != null) {
                proxy.close();
            }
            server.close();
            deleteRecursively(dataDir);
            throw new IllegalStateException("Cannot start the test Tunnelstore: " + e.getMessage(), e);
        }
    }

    private ClientConfig clientConfigFor(String endpoint) {
        return ClientConfig.builder().endpoint(endpoint).instanceName(options.instanceName())
                .credentials(options.accessKeyId(), options.accessKeySecret())
                .callTimeout(options.callTimeout()).build();
    }

    /** The options this service was started with. */
    public TunnelstoreOptions options() {
        return options;
    }

    /** The endpoint the handed-out clients use: {@link #proxiedEndpoint()}. */
    public String endpoint() {
        return proxiedEndpoint();
    }

    /** The fault proxy's endpoint, {@code http://127.0.0.1:<port>}. */
    public String proxiedEndpoint() {
        return proxy.endpoint();
    }

    /** The server's own endpoint, not affected by proxy faults. */
    public String directEndpoint() {
        return server.endpoint();
    }

    public String instanceName() {
        return options.instanceName();
    }

    public String accessKeyId() {
        return options.accessKeyId();
    }

    public String accessKeySecret() {
        return options.accessKeySecret();
    }

    /** The server's clock; advance it to make time pass for the service. */
    public ManualClock clock() {
        return clock;
    }

    /** Fault injection: network faults through the proxy, and server-side rebalance and expiry. */
    public Faults faults() {
        return faults;
    }

    /** The proxy in front of the server. */
    FaultProxy faultProxy() {
        return proxy;
    }

    /** Where the server stores its data (deleted by {@link #close()}). */
    public Path dataDir() {
        return dataDir;
    }

    /** The running server (for advanced use, e.g. its {@code context()}). */
    public TunnelstoreServer server() {
        return server;
    }

    /** The table module instance of this server. */
    public TableModule tableModule() {
        return tableModule;
    }

    /** The tunnel module instance of this server. */
    public TunnelModule tunnelModule() {
        return tunnelModule;
    }

    /** Client settings for the proxied endpoint with the admin key; derive variants with {@code toBuilder()}. */
    public ClientConfig clientConfig() {
        return proxiedConfig;
    }

    /** Client settings for the direct endpoint. */
    public ClientConfig directClientConfig() {
        return directConfig;
    }

    /** The shared table client over the proxy (closed with the handle). */
    public synchronized TableClient tableClient() {
        requireOpen();
        if (tableClient == null) {
            tableClient = TableClient.create(proxiedConfig);
        }
        return tableClient;
    }

    /** The shared tunnel client over the proxy (closed with the handle); workers started here use it. */
    public synchronized TunnelClient tunnelClient() {
        requireOpen();
        if (tunnelClient == null) {
            tunnelClient = TunnelClient.create(proxiedConfig);
        }
        return tunnelClient;
    }

    /** A table client that bypasses the proxy (closed with the handle). */
    public synchronized TableClient directTableClient() {
        requireOpen();
        if (directTableClient == null) {
            directTableClient = TableClient.create(directConfig);
        }
        return directTableClient;
    }

    /** A tunnel client that bypasses the proxy (closed with the handle). */
    public synchronized TunnelClient directTunnelClient() {
        requireOpen();
        if (directTunnelClient == null) {
            directTunnelClient = TunnelClient.create(directConfig);
        }
        return directTunnelClient;
    }

    /**
     * Worker settings suited to tests, to adjust and {@code build()}: the shortest heartbeat interval the SDK
     * allows (5 s), a 30 s heartbeat timeout, 100 ms idle back-off, two read and two process threads, and no JVM
     * exit hook (the handle closes its workers).
     */
    public TunnelWorkerConfig.Builder workerConfig(ChannelProcessorFactory factory) {
        return TunnelWorkerConfig.builder()
                .processorFactory(Objects.requireNonNull(factory, "factory"))
                .heartbeatInterval(TunnelWorkerConfig.MIN_HEARTBEAT_INTERVAL)
                .heartbeatTimeout(Duration.ofSeconds(30))
                .maxIdleBackoff(Duration.ofMillis(100))
                .readThreads(2)
                .processThreads(2)
                .closeOnJvmExit(false);
    }

    /**
     * Creates and starts a worker for {@code tunnelId} over {@link #tunnelClient()} (through the proxy). The
     * handle closes it (gracefully, up to 10 s) unless the test closed it first.
     */
    public TunnelWorker startWorker(String tunnelId, TunnelWorkerConfig config) {
        TunnelWorker worker = new TunnelWorker(tunnelClient(), tunnelId, config);
        track(() -> worker.close(WORKER_CLOSE_TIMEOUT));
        worker.start();
        return worker;
    }

    /** Closes {@code resource} with the handle, before the clients and the server (newest first). */
    public synchronized <T extends AutoCloseable> T track(T resource) {
        requireOpen();
        resources.push(Objects.requireNonNull(resource, "resource"));
        return resource;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the test Tunnelstore is closed");
        }
    }

    /** Closes everything (see the class comment). Idempotent; never throws. */
    @Override
    public void close() {
        Deque<AutoCloseable> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayDeque<>(resources);
            resources.clear();
        }
        // Faults left on would make the workers' final checkpoints and ShutdownTunnel calls time out.
        proxy.clearDelay();
        proxy.clearBlackhole();
        for (AutoCloseable r : toClose) {
            closeQuietly(r);
        }
        closeQuietly(tableClient);
        closeQuietly(tunnelClient);
        closeQuietly(directTableClient);
        closeQuietly(directTunnelClient);
        closeQuietly(proxy);
        closeQuietly(server);
        deleteRecursively(dataDir);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.warn("Closing {} failed", c, e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            log.warn("Could not delete the test data directory {}", dir, e);
        }
    }

    @Override
    public String toString() {
        return "TunnelstoreHandle[direct=" + server.endpoint() + ", proxied=" + proxy.endpoint() + "]";
    }
}
