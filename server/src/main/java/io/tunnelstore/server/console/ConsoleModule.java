package io.tunnelstore.server.console;

import io.tunnelstore.server.ServerContext;
import io.tunnelstore.server.ServerModule;
import io.tunnelstore.server.http.HttpRouteRequest;
import io.tunnelstore.server.http.HttpRouteResponse;
import io.tunnelstore.server.http.OperationRegistry;
import io.tunnelstore.server.http.Principal;
import io.tunnelstore.server.metrics.TunnelStatusReader;
import io.tunnelstore.server.table.TableCatalog;
import io.tunnelstore.server.tunnel.TunnelViews;
import io.tunnelstore.server.table.TableDescriptor;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console at {@code /console}: a single page (plain HTML, JS and CSS from the classpath) over a JSON API
 * ({@link ConsoleApi}) that shows instances, tables, tunnels, channels, clients, and charts of consumption, writes
 * and lag over the last minutes. Users log in with an access key id and secret of the server's
 * {@link io.tunnelstore.server.auth.CredentialStore}; the session lives in an HttpOnly cookie.
 *
 * <p>Tunnel data is read through the tunnel service's own API ({@link TunnelStatusReader}) as the logged-in key;
 * the charts come from a sampler thread that reads every tunnel each {@link ConsoleSettings#sampleInterval()} and
 * keeps {@link ConsoleSettings#historyWindow()} of points in memory.
 *
 * <p>Lifecycle: the constructor subscribes to the change log; {@link #register} adds the routes and starts the
 * sampler; {@link #close} stops it. Thread-safe.
 */
public final class ConsoleModule implements ServerModule {

    private static final Logger log = LoggerFactory.getLogger(ConsoleModule.class);
    /** Identity the sampler reads tunnels as (in-process, never on the wire). */
    static final Principal SAMPLER_PRINCIPAL = new Principal("tunnelstore-console", true);

    private final ServerContext context;
    private final ConsoleSettings settings;
    private final ConsoleHistory history;
    private final ConsoleAssets assets = new ConsoleAssets();
    private final ConsoleSessions sessions;
    private final ScheduledExecutorService sampler;
    private final TunnelViews views;
    private volatile TunnelStatusReader reader;
    private volatile ConsoleApi api;

    /** The console with {@link ConsoleSettings#defaults()}. */
    public ConsoleModule(ServerContext context) {
        this(context, ConsoleSettings.defaults());
    }

    /** The console with explicit settings. */
    public ConsoleModule(ServerContext context, ConsoleSettings settings) {
        this(context, settings, null);
    }

    /**
     * The console with explicit settings and an explicit tunnel view source; {@code null} = the {@link TunnelViews}
     * the server's tunnel module provides ({@link io.tunnelstore.server.ServerServices}), looked up at each read.
     * The views add connected clients that hold no channel, client tags, heartbeats and checkpoint positions.
     */
    public ConsoleModule(ServerContext context, ConsoleSettings settings, TunnelViews views) {
        this.views = views != null ? views : TunnelStatusReader.providedViews(context.services());
        this.context = Objects.requireNonNull(context, "context");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.history = new ConsoleHistory(settings.historyWindow());
        this.sessions = new ConsoleSessions(new SecureRandom(), settings.sessionIdleTimeout(),
                settings.sessionMaxLifetime());
        context.storage().addLogListener(history);
        this.sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "tunnelstore-console-sampler");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void register(OperationRegistry operations) {
        reader = new TunnelStatusReader(operations, context.storage(), context.catalog(), settings.tunnelReadTimeout(),
                views);
        api = new ConsoleApi(new ConsoleAuthenticator(context.credentialStore(), context.config().instanceNames()),
                sessions, reader, context.catalog(), history, context.clock(),
                settings.sampleInterval().toMillis(), LoginThrottle.defaults(context.clock()::millis),
                settings.secureCookies() || context.config().tls().isPresent(),
                new ConsoleCheckpoints(operations, settings.tunnelReadTimeout()));
        operations.registerHttpSubtree("GET", "/console", this::get);
        operations.registerHttpSubtree("POST", ConsoleApi.PREFIX, request -> api.post(request));
        long period = settings.sampleInterval().toMillis();
        sampler.scheduleWithFixedDelay(this::sampleSafely, period, period, TimeUnit.MILLISECONDS);
    }

    private HttpRouteResponse get(HttpRouteRequest request) {
        String path = request.path();
        if (path.startsWith(ConsoleApi.PREFIX)) {
            return api.get(request);
        }
        if (path.equals("/console")) {
            return new HttpRouteResponse(302, "text/plain; charset=utf-8", new byte[0],
                    Map.of("location", "/console/"));
        }
        String name = path.equals("/console/") ? "index.html"
                : path.startsWith("/console/assets/") ? path.substring("/console/assets/".length()) : null;
        return (name == null ? java.util.Optional.<HttpRouteResponse>empty() : assets.serve(name))
                .orElseGet(() -> HttpRouteResponse.text(404, "Not found: " + path + "\n"));
    }

    /**
     * Samples every tunnel of every instance into the chart history now (the sampler thread does this every
     * {@link ConsoleSettings#sampleInterval()}; tests call it directly).
     *
     * @throws IllegalStateException before {@link #register}
     */
    public void sampleNow() {
        TunnelStatusReader r = reader;
        if (r == null) {
            throw new IllegalStateException("the console module is not registered yet");
        }
        TableCatalog catalog = context.catalog();
        long now = context.clock().millis();
        for (String instance : context.config().instanceNames()) {
            Map<String, Long> tableIds = new HashMap<>();
            for (TableDescriptor d : catalog.list(instance)) {
                tableIds.put(d.tableName(), d.tableId());
            }
            history.record(instance, r.tunnels(instance, SAMPLER_PRINCIPAL, now), tableIds, now);
        }
    }

    private void sampleSafely() {
        try {
            sampleNow();
        } catch (RuntimeException e) {
            log.warn("Console sampling failed; the charts miss one point", e);
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        try {
            if (!sampler.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("The console sampler did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
