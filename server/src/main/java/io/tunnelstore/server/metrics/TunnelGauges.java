package io.tunnelstore.server.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-tunnel and per-channel gauges, replaced wholesale from a list of {@link TunnelStatus} at every scrape (a
 * deleted tunnel's series disappear). Tags: {@code instance, table, tunnel} (tunnel name) and, per channel,
 * {@code channel}.
 *
 * <p>Thread-safety: {@link #update} is synchronized; gauges read the values registered by the last update.
 */
final class TunnelGauges {

    private static final Logger log = LoggerFactory.getLogger(TunnelGauges.class);

    private final MultiGauge tunnelInfo;
    private final MultiGauge tunnelsByStage;
    private final MultiGauge tunnelLagRecords;
    private final MultiGauge tunnelLagSeconds;
    private final MultiGauge tunnelRpo;
    private final MultiGauge tunnelConsumed;
    private final MultiGauge tunnelClients;
    private final MultiGauge tunnelDataLoss;
    private final MultiGauge tunnelRebaselines;
    private final MultiGauge tunnelDataLosses;
    private final MultiGauge tunnelForecastLoss;
    private final MultiGauge tunnelChannels;
    private final MultiGauge tunnelBaseProgress;
    private final MultiGauge tunnelExpired;
    private final MultiGauge connectedClients;
    private final MultiGauge channelLagRecords;
    private final MultiGauge channelLagSeconds;
    private final MultiGauge channelRpo;
    private final MultiGauge channelConsumed;
    private final int maxChannelSeries;
    private final AtomicBoolean capLogged = new AtomicBoolean();

    TunnelGauges(MeterRegistry registry, int maxChannelSeries) {
        this.maxChannelSeries = maxChannelSeries;
        tunnelInfo = gauge(registry, "tunnelstore.tunnel.info",
                "Always 1; tags carry the tunnel id, type and current stage");
        tunnelsByStage = gauge(registry, "tunnelstore.tunnels", "Tunnels per instance and stage");
        tunnelLagRecords = gauge(registry, "tunnelstore.tunnel.lag.records",
                "Change-log records after the checkpoints of the tunnel's stream channels");
        tunnelLagSeconds = gauge(registry, "tunnelstore.tunnel.lag.seconds",
                "Age of the oldest change-log record not yet checkpointed (largest over channels), 0 when caught up");
        tunnelRpo = gauge(registry, "tunnelstore.tunnel.rpo.timestamp.seconds",
                "Consume point (RPO) of the slowest channel as Unix time; time() minus this is the time behind");
        tunnelConsumed = gauge(registry, "tunnelstore.tunnel.consumed.records",
                "Records acknowledged by checkpoints over all channels (use rate() for the consumption rate)");
        tunnelClients = gauge(registry, "tunnelstore.tunnel.clients",
                "Connected clients (without the tunnel service's view: clients holding at least one channel)");
        tunnelDataLoss = gauge(registry, "tunnelstore.tunnel.data.loss.in.seconds",
                "Stream retention minus the time behind: when unconsumed changes start to expire (only while behind)");
        tunnelRebaselines = gauge(registry, "tunnelstore.tunnel.rebaselines",
                "Re-baselines of stream channels that fell behind the retained change log (tunnel history)");
        tunnelDataLosses = gauge(registry, "tunnelstore.tunnel.data.losses",
                "Recorded data losses: trimmed changes skipped by channels without re-baselining (tunnel history)");
        tunnelForecastLoss = gauge(registry, "tunnelstore.tunnel.forecast.loss.in.seconds",
                "Forecast from the lag trend: when the slowest channel's lag reaches the retention (only while rising)");
        tunnelChannels = gauge(registry, "tunnelstore.tunnel.channels", "Channels per status");
        tunnelBaseProgress = gauge(registry, "tunnelstore.tunnel.base.progress.ratio",
                "Share of base-data channels finished, 0 to 1");
        tunnelExpired = gauge(registry, "tunnelstore.tunnel.expired", "1 when the tunnel has expired");
        connectedClients = gauge(registry, "tunnelstore.connected.clients",
                "Distinct connected tunnel clients per instance");
        channelLagRecords = gauge(registry, "tunnelstore.channel.lag.records",
                "Change-log records after the channel's checkpoint");
        channelLagSeconds = gauge(registry, "tunnelstore.channel.lag.seconds",
                "Age of the oldest change-log record after the channel's checkpoint, 0 when caught up");
        channelRpo = gauge(registry, "tunnelstore.channel.rpo.timestamp.seconds",
                "Channel consume point (RPO) as Unix time");
        channelConsumed = gauge(registry, "tunnelstore.channel.consumed.records",
                "Records acknowledged by checkpoints on this channel");
    }

    private static MultiGauge gauge(MeterRegistry registry, String name, String description) {
        return MultiGauge.builder(name).description(description).register(registry);
    }

    /** Replaces every tunnel series with those of {@code tunnels} (all instances). */
    synchronized void update(List<String> instances, List<TunnelStatus> tunnels) {
        List<MultiGauge.Row<?>> info = new ArrayList<>();
        List<MultiGauge.Row<?>> lagRecords = new ArrayList<>();
        List<MultiGauge.Row<?>> lagSeconds = new ArrayList<>();
        List<MultiGauge.Row<?>> rpo = new ArrayList<>();
        List<MultiGauge.Row<?>> consumed = new ArrayList<>();
        List<MultiGauge.Row<?>> clients = new ArrayList<>();
        List<MultiGauge.Row<?>> untilLoss = new ArrayList<>();
        List<MultiGauge.Row<?>> rebaselines = new ArrayList<>();
        List<MultiGauge.Row<?>> losses = new ArrayList<>();
        List<MultiGauge.Row<?>> forecast = new ArrayList<>();
        List<MultiGauge.Row<?>> channels = new ArrayList<>();
        List<MultiGauge.Row<?>> progress = new ArrayList<>();
        List<MultiGauge.Row<?>> expired = new ArrayList<>();
        List<MultiGauge.Row<?>> chLagRecords = new ArrayList<>();
        List<MultiGauge.Row<?>> chLagSeconds = new ArrayList<>();
        List<MultiGauge.Row<?>> chRpo = new ArrayList<>();
        List<MultiGauge.Row<?>> chConsumed = new ArrayList<>();
        Map<String, Map<String, Integer>> stageCounts = new TreeMap<>();
        Map<String, java.util.Set<String>> clientsByInstance = new TreeMap<>();
        for (String instance : instances) {
            stageCounts.put(instance, new TreeMap<>());
            clientsByInstance.put(instance, new java.util.TreeSet<>());
        }
        int channelSeries = 0;
        for (TunnelStatus t : tunnels) {
            Tags tags = Tags.of("instance", t.instance(), "table", t.tableName(), "tunnel", t.tunnelName());
            info.add(MultiGauge.Row.of(tags.and("tunnel_id", t.tunnelId(), "type", t.type(), "stage", t.stage()), 1));
            stageCounts.computeIfAbsent(t.instance(), i -> new TreeMap<>()).merge(t.stage(), 1, Integer::sum);
            clientsByInstance.computeIfAbsent(t.instance(), i -> new java.util.TreeSet<>()).addAll(t.clientIds());
            t.lagRecords().ifPresent(v -> lagRecords.add(MultiGauge.Row.of(tags, v)));
            t.lagMillis().ifPresent(v -> lagSeconds.add(MultiGauge.Row.of(tags, v / 1000.0)));
            if (t.rpoMillis() > 0) {
                rpo.add(MultiGauge.Row.of(tags, t.rpoMillis() / 1000.0));
            }
            consumed.add(MultiGauge.Row.of(tags, t.consumedCount()));
            clients.add(MultiGauge.Row.of(tags, t.clients().size()));
            t.millisUntilDataLoss().ifPresent(v -> untilLoss.add(MultiGauge.Row.of(tags, v / 1000.0)));
            rebaselines.add(MultiGauge.Row.of(tags, t.count("REBASELINE")));
            losses.add(MultiGauge.Row.of(tags, t.count("DATA_LOSS")));
            t.forecastMillisUntilLoss().ifPresent(v -> forecast.add(MultiGauge.Row.of(tags, v / 1000.0)));
            t.channelCountsByStatus().forEach((status, n) ->
                    channels.add(MultiGauge.Row.of(tags.and("status", status), n)));
            t.baseProgress().ifPresent(p -> progress.add(MultiGauge.Row.of(tags, p)));
            expired.add(MultiGauge.Row.of(tags, t.expired() ? 1 : 0));
            for (ChannelStatusView c : t.channels()) {
                if (channelSeries >= maxChannelSeries) {
                    if (capLogged.compareAndSet(false, true)) {
                        log.warn("More than {} channels: per-channel metrics are published for the first {} only",
                                maxChannelSeries, maxChannelSeries);
                    }
                    break;
                }
                channelSeries++;
                Tags ct = tags.and("channel", c.channelId());
                c.lagRecords().ifPresent(v -> chLagRecords.add(MultiGauge.Row.of(ct, v)));
                c.lagMillis().ifPresent(v -> chLagSeconds.add(MultiGauge.Row.of(ct, v / 1000.0)));
                if (c.rpoMillis() > 0) {
                    chRpo.add(MultiGauge.Row.of(ct, c.rpoMillis() / 1000.0));
                }
                chConsumed.add(MultiGauge.Row.of(ct, c.consumedCount()));
            }
        }
        List<MultiGauge.Row<?>> stages = new ArrayList<>();
        stageCounts.forEach((instance, counts) -> counts.forEach((stage, n) ->
                stages.add(MultiGauge.Row.of(Tags.of("instance", instance, "stage", stage), n))));
        List<MultiGauge.Row<?>> connected = new ArrayList<>();
        clientsByInstance.forEach((instance, ids) ->
                connected.add(MultiGauge.Row.of(Tags.of("instance", instance), ids.size())));
        tunnelInfo.register(info, true);
        tunnelsByStage.register(stages, true);
        tunnelLagRecords.register(lagRecords, true);
        tunnelLagSeconds.register(lagSeconds, true);
        tunnelRpo.register(rpo, true);
        tunnelConsumed.register(consumed, true);
        tunnelClients.register(clients, true);
        tunnelDataLoss.register(untilLoss, true);
        tunnelRebaselines.register(rebaselines, true);
        tunnelDataLosses.register(losses, true);
        tunnelForecastLoss.register(forecast, true);
        tunnelChannels.register(channels, true);
        tunnelBaseProgress.register(progress, true);
        tunnelExpired.register(expired, true);
        connectedClients.register(connected, true);
        channelLagRecords.register(chLagRecords, true);
        channelLagSeconds.register(chLagSeconds, true);
        channelRpo.register(chRpo, true);
        channelConsumed.register(chConsumed, true);
    }
}
