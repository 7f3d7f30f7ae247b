package io.tunnelstore.server.metrics;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tunnelstore.server.ServerContext;
import io.tunnelstore.server.ServerModule;
import io.tunnelstore.server.http.HttpRouteResponse;
import io.tunnelstore.server.http.OperationRegistry;
import io.tunnelstore.server.http.Principal;
import io.tunnelstore.server.tunnel.TunnelViews;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Prometheus metrics at {@code GET /metrics} (text exposition format 0.0.4, unauthenticated like the health
 * checks: bind the server to a private interface or filter the path at the proxy if that matters).
 *
 * <p>Meters (full list and PromQL examples in {@code docs/operations.md}): request rate and latency per API action
 * and outcome, errors per code, row writes, change-log records per table, tunnel checkpoints; per tunnel and per
 * channel lag (records and seconds behind the checkpoint), consume point, consumed records, channel counts by status,
 * base-data progress, expiry, clients; JVM memory, GC, threads, CPU and uptime. Tunnel gauges are read from the
 * tunnel service (through {@link TunnelStatusReader}) at each scrape, so they are never staler than the scrape.
 *
 * <p>Lifecycle: the constructor creates the registry and subscribes to the change log; {@link #register} adds the
 * request observer and the route; {@link #close} stops counting and releases the JVM binders. Thread-safe.
 */
public final class MetricsModule implements ServerModule {

    /** Content type of the Prometheus text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Identity the module reads tunnels as (in-process, never on the wire). */
    static final Principal MONITOR_PRINCIPAL = new Principal("tunnelstore-metrics", true);

    private final ServerContext context;
    private final MetricsSettings settings;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ChangeLogMetrics changeLog;
    private final TunnelGauges tunnelGauges;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final TunnelViews views;
    private volatile TunnelStatusReader reader;

    /** The module with {@link MetricsSettings#defaults()}. */
    public MetricsModule(ServerContext context) {
        this(context, MetricsSettings.defaults());
    }

    /** The module with explicit settings. */
    public MetricsModule(ServerContext context, MetricsSettings settings) {
        this(context, settings, null);
    }

    /**
     * The module with explicit settings and an explicit tunnel view source; {@code null} = the {@link TunnelViews}
     * the server's tunnel module provides ({@link io.tunnelstore.server.ServerServices}), looked up at each scrape.
     * The views let client gauges count every connected client, not only those holding a channel, and give each
     * channel's checkpoint position for the lag gauges.
     */
    public MetricsModule(ServerContext context, MetricsSettings settings, TunnelViews views) {
        this.views = views != null ? views : TunnelStatusReader.providedViews(context.services());
        this.context = Objects.requireNonNull(context, "context");
        this.settings = Objects.requireNonNull(settings, "settings");
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        this.changeLog = new ChangeLogMetrics(registry, context.catalog());
        context.storage().addLogListener(changeLog);
        this.tunnelGauges = new TunnelGauges(registry, settings.maxChannelSeries());
    }

    @Override
    public void register(OperationRegistry operations) {
        reader = new TunnelStatusReader(operations, context.storage(), context.catalog(), settings.tunnelReadTimeout(),
                views);
        operations.addObserver(new RequestMetrics(registry, settings.percentileHistograms()));
        operations.registerHttpRoute("GET", "/metrics", request -> new HttpRouteResponse(200, CONTENT_TYPE,
                scrape().getBytes(StandardCharsets.UTF_8), Map.of("cache-control", "no-store")));
    }

    /**
     * Reads the tunnels' state, updates the tunnel gauges and renders every meter in the Prometheus text format
     * (what {@code GET /metrics} returns). Blocks while the tunnel service answers; call on a worker thread.
     *
     * @throws IllegalStateException before {@link #register}
     */
    public String scrape() {
        TunnelStatusReader r = reader;
        if (r == null) {
            throw new IllegalStateException("the metrics module is not registered yet");
        }
        long now = context.clock().millis();
        List<String> instances = context.config().instanceNames();
        List<TunnelStatus> tunnels = new ArrayList<>();
        for (String instance : instances) {
            tunnels.addAll(r.tunnels(instance, MONITOR_PRINCIPAL, now));
        }
        tunnelGauges.update(instances, tunnels);
        changeLog.pruneDroppedTables();
        return registry.scrape();
    }

    /** The Micrometer registry, for code that wants to add its own meters. */
    public PrometheusMeterRegistry meterRegistry() {
        return registry;
    }

    @Override
    public void close() {
        changeLog.close();
        gcMetrics.close();
        registry.close();
    }
}
