package io.tunnelstore.server;

import io.tunnelstore.server.auth.AccessKey;
import io.tunnelstore.server.auth.CredentialStore;
import io.tunnelstore.server.auth.KeyOrigin;
import io.tunnelstore.server.auth.KeyScope;
import io.tunnelstore.server.cluster.ClusterPlacement;
import io.tunnelstore.server.cluster.RequestForwarder;
import io.tunnelstore.server.cluster.SingleNodePlacement;
import io.tunnelstore.server.http.HealthRoutes;
import io.tunnelstore.server.http.HttpServer;
import io.tunnelstore.server.http.OperationRegistry;
import io.tunnelstore.server.http.RequestDispatcher;
import io.tunnelstore.server.table.TableCatalog;
import io.tunnelstore.server.tls.ClusterTrust;
import io.tunnelstore.server.tls.ServerCertificates;
import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.rocksdb.RocksDbStorageEngine;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Tunnelstore server process: storage engine, credentials, pluggable modules and the HTTP listener.
 *
 * <pre>{@code
 * TunnelstoreServer server = TunnelstoreServer.builder(ServerConfig.builder().port(0).build())
 *     .module(ctx -> new TableModule(ctx))          // provided by the table team
 *     .build();
 * server.start();                                   // prints "endpoint=http://127.0.0.1:PORT instance=tunnelstore"
 *                                                   // (https:// with TLS, after "tls certificate=… sha256=…")
 * ...
 * server.close();
 * }</pre>
 *
 * <h3>Lifecycle</h3>
 * {@link #start()} opens the storage engine in {@link ServerConfig#dataDir()} (its lock makes a second server on the
 * same directory fail with a {@link ServerStartException} naming the directory), loads the credentials (installing the
 * configured admin key, or generating one for an instance that has none and printing it once), creates the modules
 * and lets them register, then binds. {@link #close()} stops the listener, closes modules in reverse order, stops
 * the worker and scheduler threads, and closes the storage engine; it is idempotent and never throws.
 *
 * <h3>Ownership</h3>
 * A server instance owns everything of its node: the storage engine, the {@link TableCatalog}, the credential store,
 * the scheduler and worker threads, the {@link OperationRegistry} (handlers, routes, request observers), the
 * {@link ServerServices} the modules offer each other, and the modules themselves. Modules reach all of it through
 * the {@link ServerContext} and the registry handed to them; nothing is kept in static fields, so any number of
 * servers on different data directories can run side by side in one JVM.
 *
 * <p>Thread-safety: {@code start} and {@code close} are synchronized; accessors may be called from any thread.
 */
public final class TunnelstoreServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TunnelstoreServer.class);

    /** Lifecycle states; the only transitions are NEW → RUNNING → CLOSED and NEW → CLOSED. */
    enum State { NEW, RUNNING, CLOSED }

    private final ServerConfig config;
    private final List<Function<ServerContext, ServerModule>> moduleFactories;
    private final PrintStream console;
    private final Function<ServerConfig, StorageEngine> storageOpener;
    private final Function<StorageEngine, ClusterPlacement> clusterJoiner;
    private ClusterPlacement placement;
    private final List<java.nio.file.Path> clusterTrust;
    private final Duration forwardAttemptTimeout;
    private final Duration forwardBudget;

    private volatile State state = State.NEW;
    /** Set when a clustered node starts handing over before its stop: {@code /health/ready} answers not ready. */
    private volatile boolean handingOver;
    private StorageEngine storage;
    private ScheduledThreadPoolExecutor scheduler;
    private volatile ThreadPoolExecutor workers;
    /** The row-write lane (docs/server-transport.md, "Request lanes"). */
    private volatile ThreadPoolExecutor writeWorkers;
    private ServerContext context;
    private final Deque<ServerModule> modules = new ArrayDeque<>();
    private final OperationRegistry registry = new OperationRegistry();
    private HttpServer http;

    private TunnelstoreServer(Builder builder) {
        this.config = builder.config;
        this.moduleFactories = List.copyOf(builder.moduleFactories);
        this.console = builder.console;
        this.storageOpener = builder.storageOpener;
        this.clusterJoiner = builder.clusterJoiner;
        this.clusterTrust = List.copyOf(builder.clusterTrust);
        this.forwardAttemptTimeout = builder.forwardAttemptTimeout;
        this.forwardBudget = builder.forwardBudget;
    }

    /** A builder for a server with {@code config}. */
    public static Builder builder(ServerConfig config) {
        return new Builder(config);
    }

    /** Builder of {@link TunnelstoreServer}; not thread-safe. */
    public static final class Builder {
        private final ServerConfig config;
        private final List<Function<ServerContext, ServerModule>> moduleFactories = new ArrayList<>();
        private PrintStream console = System.out;
        private Function<ServerConfig, StorageEngine> storageOpener = TunnelstoreServer::openRocksDb;
        private Function<StorageEngine, ClusterPlacement> clusterJoiner = SingleNodePlacement::new;
        private final List<java.nio.file.Path> clusterTrust = new ArrayList<>();
        private Duration forwardAttemptTimeout = FORWARD_ATTEMPT_TIMEOUT;
        private Duration forwardBudget = FORWARD_BUDGET;

        private Builder(ServerConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** Adds a module; factories run in the order added, during {@link TunnelstoreServer#start()}. */
        public Builder module(Function<ServerContext, ServerModule> factory) {
            moduleFactories.add(Objects.requireNonNull(factory, "factory"));
            return this;
        }

        /**
         * Where the ready line and generated admin keys are printed. Default: {@link System#out}.
         */
        public Builder console(PrintStream console) {
            this.console = Objects.requireNonNull(console, "console");
            return this;
        }

        /**
         * How {@link TunnelstoreServer#start()} opens the storage engine (the server closes it). Default: the embedded
         * RocksDB engine in {@link ServerConfig#dataDir()}. The HBase engine is opened by the CLI
         * ({@code server --engine hbase}); the server itself knows only the storage SPI.
         */
        public Builder storage(Function<ServerConfig, StorageEngine> opener) {
            this.storageOpener = Objects.requireNonNull(opener, "opener");
            return this;
        }

        /**
         * How {@link TunnelstoreServer#start()} joins a cluster once the storage engine is open (the server closes the
         * placement after its modules). Default: {@link SingleNodePlacement}, a server alone on its engine. The CLI
         * joins a cluster for {@code server --engine hbase --node-id …} (docs/scale-out.md); a clustered node must
         * listen on the port it advertised, so give it an explicit {@link ServerConfig#port()}.
         */
        public Builder cluster(Function<StorageEngine, ClusterPlacement> joiner) {
            this.clusterJoiner = Objects.requireNonNull(joiner, "joiner");
            return this;
        }

        /**
         * More certificates (PEM: a private CA, or the other nodes' own certificates) a clustered TLS node trusts when
         * it forwards a request to another node over https. It always trusts its own certificate chain, which is all
         * a cluster whose nodes share one certificate needs (docs/scale-out.md, "Forwarding over TLS").
         */
        public Builder clusterTrust(java.nio.file.Path pemFile) {
            clusterTrust.add(Objects.requireNonNull(pemFile, "pemFile"));
            return this;
        }

        /**
         * How a clustered node forwards requests to their owners: the timeout of one attempt and the budget after
         * which no attempt starts (docs/scale-out.md, "Request forwarding"). Defaults: 5 s and 10 s. Actions marked
         * slow on their owner wait up to the handler timeout instead ({@code OperationRegistry.registerSlowOnOwner}).
         */
        public Builder forwarding(Duration attemptTimeout, Duration budget) {
            if (attemptTimeout.isNegative() || attemptTimeout.isZero() || budget.isNegative()) {
                throw new IllegalArgumentException("forwarding timeouts must be positive: " + attemptTimeout + ", "
                        + budget);
            }
            this.forwardAttemptTimeout = attemptTimeout;
            this.forwardBudget = budget;
            return this;
        }

        public TunnelstoreServer build() {
            return new TunnelstoreServer(this);
        }
    }

    /**
     * Starts the server (see the class comment). On failure everything opened is closed again and the server is
     * {@code CLOSED}.
     *
     * @throws ServerStartException when the data directory cannot be opened (e.g. in use), a module fails, or the
     *                              address cannot be bound; the message says which
     * @throws IllegalStateException when called twice or after {@link #close()}
     */
    public synchronized void start() {
        if (state != State.NEW) {
            throw new IllegalStateException("server already " + state.name().toLowerCase());
        }
        try {
            storage = Objects.requireNonNull(storageOpener.apply(config), "storage opener returned null");
        } catch (RuntimeException e) {
            transitionTo(State.CLOSED);
            throw new ServerStartException("Cannot start Tunnelstore: " + e.getMessage(), e);
        }
        try {
            CredentialStore credentials = CredentialStore.open(storage, new SecureRandom());
            installAdminKeys(credentials);
            scheduler = new ScheduledThreadPoolExecutor(2, namedThreads("tunnelstore-scheduler"));
            scheduler.setRemoveOnCancelPolicy(true); // handler time-outs are cancelled on almost every request
            // a thread is started only when every thread of the lane is busy (not one per request up to the maximum)
            workers = new RequestPool(config.workerThreads(), config.workerQueueCapacity(), 60, TimeUnit.SECONDS,
                    namedThreads("tunnelstore-worker"));
            writeWorkers = new RequestPool(config.writeThreads(), config.writeQueueCapacity(), 60, TimeUnit.SECONDS,
                    namedThreads("tunnelstore-writer"));
            placement = Objects.requireNonNull(clusterJoiner.apply(storage), "cluster joiner returned null");
            if (placement.clustered()) {
                shareCredentials(credentials, placement);
            }
            ServerServices services = new ServerServices();
            services.provide(ClusterPlacement.class, placement);
            context = new ServerContext(storage, config.clock(), scheduler, credentials, config,
                    new TableCatalog(storage, placement), services);
            HealthRoutes.register(registry, () -> state == State.RUNNING && !handingOver);
            for (Function<ServerContext, ServerModule> factory : moduleFactories) {
                ServerModule module = Objects.requireNonNull(factory.apply(context), "module factory returned null");
                modules.push(module);
                module.register(registry);
            }
            ServerCertificates.ServerIdentity identity = config.tls()
                    .map(tls -> ServerCertificates.load(tls, config.dataDir().resolve("tls"), config.clock()))
                    .orElse(null);
            RequestForwarder forwarder = placement.clustered()
                    ? newForwarder(placement.nodeId(), identity, forwardAttemptTimeout, forwardBudget) : null;
            RequestDispatcher dispatcher = new RequestDispatcher(registry, new LinkedHashSet<>(config.instanceNames()),
                    credentials, workers, writeWorkers, scheduler, config.clock(), config.handlerTimeout(),
                    config.maxClockSkew(), forwarder == null ? null : placement, forwarder);
            http = HttpServer.bind(config.host(), config.port(), config.maxRequestBodyBytes(), config.ioThreads(),
                    config.connectionLimits(), identity == null ? null : identity.sslContext(), dispatcher);
            if (identity != null) {
                announceCertificate(identity);
            }
        } catch (Exception e) { // includes checked exceptions rethrown undeclared by modules or Netty
            closeResources();
            transitionTo(State.CLOSED);
            throw new ServerStartException("Cannot start Tunnelstore: " + e.getMessage(), e);
        }
        transitionTo(State.RUNNING);
        for (String instance : config.instanceNames()) {
            String line = "endpoint=" + endpoint() + " instance=" + instance;
            console.println(line);
            log.info("Tunnelstore ready: {}", line);
        }
    }

    /** Per-attempt timeout of a forwarded request (below the SDKs' request timeouts; docs/scale-out.md). */
    static final Duration FORWARD_ATTEMPT_TIMEOUT = Duration.ofSeconds(5);
    /** No forwarding attempt starts after this budget: a forwarded request takes at most budget + one attempt. */
    static final Duration FORWARD_BUDGET = Duration.ofSeconds(10);

    /**
     * The relay of requests to their owners, at the owner's client port: plain HTTP, or https when this node serves
     * TLS (every node of a cluster must then serve TLS), trusting this node's own certificate chain and the
     * {@link Builder#clusterTrust} certificates.
     */
    private RequestForwarder newForwarder(String nodeId, ServerCertificates.ServerIdentity identity,
                                          Duration attemptTimeout, Duration budget) {
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                .version(HttpClient.Version.HTTP_1_1);
        if (identity != null) {
            List<java.nio.file.Path> trusted = new ArrayList<>();
            trusted.add(identity.certificateFile());
            trusted.addAll(clusterTrust);
            http.sslContext(ClusterTrust.sslContext(trusted));
        }
        return new RequestForwarder(http.build(), nodeId, attemptTimeout, budget, System::nanoTime, identity != null);
    }

    /** At most one reload of the access keys per this interval on a key miss (docs/scale-out.md). */
    static final Duration CREDENTIAL_MISS_RELOAD_INTERVAL = Duration.ofSeconds(1);

    /**
     * Keys live in the shared storage, but each node holds them in memory: a change made here is announced to the
     * other nodes, which reload; a request with a key unknown here (announcement not arrived yet) reloads once,
     * rate-limited.
     */
    private static void shareCredentials(CredentialStore credentials, ClusterPlacement placement) {
        credentials.onChange(placement::announceCredentialChange);
        placement.addCredentialListener(credentials::reload);
        credentials.reloadOnMiss(CREDENTIAL_MISS_RELOAD_INTERVAL, System::nanoTime);
    }

    /** The default engine: RocksDB in the data directory, with the server's clock and sync setting. */
    private static StorageEngine openRocksDb(ServerConfig config) {
        return RocksDbStorageEngine.open(config.dataDir(), storageOptions(config));
    }

    /** The engine options the configuration implies (clock, synced writes), for any engine. */
    public static StorageOptions storageOptions(ServerConfig config) {
        return StorageOptions.builder().clock(config.clock()).syncWrites(config.syncWrites()).build();
    }

    /** Tells clients which certificate to trust (the fingerprint lets them check a copied file). */
    private void announceCertificate(ServerCertificates.ServerIdentity identity) {
        String line = "tls certificate=" + identity.certificateFile().toAbsolutePath() + " sha256="
                + identity.sha256Fingerprint();
        if (config.tls().orElseThrow() instanceof TlsSettings.SelfSigned) {
            line += (identity.generated() ? " (self-signed, generated now"
                    : " (self-signed, kept from an earlier start") + "; clients must trust this certificate)";
        }
        console.println(line);
        log.info("TLS: {}", line);
    }

    /**
     * Makes the configured environment key the instance's only environment key (a previous one stops working, a new
     * secret revokes the old one's temporary credentials), and generates an admin key for an instance left without
     * any enabled admin key (printed once).
     */
    private void installAdminKeys(CredentialStore credentials) {
        long now = config.clock().millis();
        Optional<ServerConfig.AdminKey> configured = config.adminKey();
        for (String instance : config.instanceNames()) {
            CredentialStore.EnvironmentKeyChange change = credentials.installEnvironmentKey(instance,
                    configured.map(ServerConfig.AdminKey::accessKeyId).orElse(null),
                    configured.map(ServerConfig.AdminKey::accessKeySecret).orElse(null), now);
            for (String removed : change.removedKeyIds()) {
                log.info("Removed the previous environment access key {} of instance {} (no longer configured)",
                        removed, instance);
            }
            if (change.installed()) {
                log.info("Installed the configured admin access key {} in instance {}",
                        configured.get().accessKeyId(), instance);
            }
            if (!credentials.hasEnabledAdminKey(instance)) {
                AccessKey generated = credentials.createAccessKey(instance, KeyScope.ADMIN, java.util.Set.of(),
                        CredentialStore.DEFAULT_ADMIN_TEMPORARY_TTL.toSeconds(), KeyOrigin.GENERATED, now);
                console.println("Generated admin access key for instance " + instance
                        + " (stored in the data directory; shown only once): accessKeyId="
                        + generated.accessKeyId() + " accessKeySecret=" + generated.accessKeySecret());
                log.info("Generated admin access key {} for instance {}", generated.accessKeyId(), instance);
            }
        }
    }

    /** The bound port (the real one when the configuration asked for 0). */
    public int port() {
        return requireStarted().localAddress().getPort();
    }

    /** {@code http://host:port} (or {@code https://} with TLS) as clients should configure it. */
    public String endpoint() {
        return (requireStarted().tls() ? "https://" : "http://") + config.host() + ":" + port();
    }

    /** Open client connections right now (0 when not running); for tests and metrics. */
    public int openConnections() {
        HttpServer server = http;
        return server == null || state != State.RUNNING ? 0 : server.openConnections();
    }

    /**
     * Request body bytes held in memory right now across all connections (0 when not running); for tests and
     * metrics. Bounded by {@link io.tunnelstore.server.http.ConnectionLimits#maxBufferedBodyBytes()}.
     */
    public long bufferedBodyBytes() {
        HttpServer server = http;
        return server == null || state != State.RUNNING ? 0 : server.bufferedBodyBytes();
    }

    /** The context handed to modules (valid while running). */
    public ServerContext context() {
        requireStarted();
        return context;
    }

    /**
     * The running module of type {@code type} (the first one added, when several are), for embedding code and tests
     * that drive a module directly (a scrape, a tick); empty when this server has none. Valid while running.
     */
    public synchronized <T extends ServerModule> Optional<T> module(Class<T> type) {
        requireStarted();
        for (java.util.Iterator<ServerModule> it = modules.descendingIterator(); it.hasNext(); ) {
            ServerModule m = it.next();
            if (type.isInstance(m)) {
                return Optional.of(type.cast(m));
            }
        }
        return Optional.empty();
    }

    /** The configuration. */
    public ServerConfig config() {
        return config;
    }

    /**
     * Requests other than row writes waiting for a worker thread right now (0 when not running); for metrics and
     * tests. A value at {@link ServerConfig#workerQueueCapacity()} means new ones are being answered
     * {@code 503 OTSServerBusy}.
     */
    public int queuedRequests() {
        ThreadPoolExecutor pool = workers;
        return pool == null ? 0 : pool.getQueue().size();
    }

    /**
     * Row writes waiting for a write thread right now (0 when not running); at
     * {@link ServerConfig#writeQueueCapacity()} new row writes are answered {@code 503 OTSServerBusy}.
     */
    public int queuedRowWrites() {
        ThreadPoolExecutor pool = writeWorkers;
        return pool == null ? 0 : pool.getQueue().size();
    }

    /** Whether {@link #start()} succeeded and {@link #close()} has not been called. */
    public boolean isRunning() {
        return state == State.RUNNING;
    }

    private HttpServer requireStarted() {
        HttpServer server = http;
        if (state != State.RUNNING || server == null) {
            throw new IllegalStateException("server is " + state.name().toLowerCase());
        }
        return server;
    }

    /** Stops everything (see the class comment). Idempotent; never throws. */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        if (placement != null && placement.clustered()) {
            handOver();
        }
        transitionTo(State.CLOSED);
        closeResources();
        log.info("Tunnelstore stopped");
    }

    /** How long a clustered node waits for its running requests after handing over, before it closes. */
    static final Duration HAND_OVER_DRAIN = Duration.ofSeconds(3);

    /**
     * A clustered node's planned stop (docs/scale-out.md, "Removing a node"): first hand every resource over (the
     * others own them within tens of milliseconds instead of after the session timeout), then give the requests
     * already running a bounded time to finish — new ones are forwarded to the new owners meanwhile, a write still
     * in flight here commits before the new owner's take or is refused by the fence and forwarded — and only then
     * close the listener, the modules and the session.
     */
    private void handOver() {
        long start = System.nanoTime();
        handingOver = true; // load balancers polling /health/ready stop sending here
        closeQuietly("cluster hand-over", placement::leave);
        long deadline = start + HAND_OVER_DRAIN.toNanos();
        try {
            while ((busy(workers) || busy(writeWorkers)) && System.nanoTime() < deadline) {
                Thread.sleep(10); // polling the pool's state: the executor offers no "idle" notification
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("Handed over to the other nodes; running requests drained in {} ms",
                (System.nanoTime() - start) / 1_000_000);
    }

    private static boolean busy(ThreadPoolExecutor pool) {
        return pool != null && (pool.getActiveCount() > 0 || !pool.getQueue().isEmpty());
    }

    private void closeResources() {
        if (http != null) {
            closeQuietly("HTTP listener", http::close);
        }
        while (!modules.isEmpty()) {
            ServerModule module = modules.pop();
            closeQuietly("module " + module.getClass().getName(), module::close);
        }
        if (placement != null) {
            closeQuietly("cluster placement", placement::close);
        }
        if (workers != null) {
            workers.shutdownNow();
            awaitQuietly(workers);
        }
        if (writeWorkers != null) {
            writeWorkers.shutdownNow();
            awaitQuietly(writeWorkers);
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
            awaitQuietly(scheduler);
        }
        if (storage != null) {
            closeQuietly("storage engine", storage::close);
        }
    }

    private void transitionTo(State target) {
        boolean allowed = switch (state) {
            case NEW -> target == State.RUNNING || target == State.CLOSED;
            case RUNNING -> target == State.CLOSED;
            case CLOSED -> false;
        };
        if (!allowed) {
            throw new IllegalStateException("illegal server state transition " + state + " -> " + target);
        }
        state = target;
    }

    private static void closeQuietly(String what, AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("Closing the {} failed", what, e);
        }
    }

    private static void awaitQuietly(java.util.concurrent.ExecutorService executor) {
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("Some server threads did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory namedThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
