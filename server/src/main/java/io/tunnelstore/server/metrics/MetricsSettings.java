package io.tunnelstore.server.metrics;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of the {@link MetricsModule}. Immutable.
 *
 * @param percentileHistograms publish latency histogram buckets ({@code _bucket} series) for the request timer; off by
 *                             default because it multiplies the series per action and outcome by about 70
 * @param tunnelReadTimeout    longest wait for one tunnel API call while a scrape reads tunnel state
 * @param maxChannelSeries     cap on per-channel series (lag, consumed); beyond it only per-tunnel series are
 *                             published, to keep cardinality bounded on tables with very many partitions
 */
public record MetricsSettings(boolean percentileHistograms, Duration tunnelReadTimeout, int maxChannelSeries) {

    public MetricsSettings {
        Objects.requireNonNull(tunnelReadTimeout, "tunnelReadTimeout");
        if (tunnelReadTimeout.isNegative() || tunnelReadTimeout.isZero()) {
            throw new IllegalArgumentException("tunnelReadTimeout must be positive: " + tunnelReadTimeout);
        }
        if (maxChannelSeries < 0) {
            throw new IllegalArgumentException("maxChannelSeries must not be negative: " + maxChannelSeries);
        }
    }

    /** No histograms, 5 s tunnel read timeout, at most 2000 channel series. */
    public static MetricsSettings defaults() {
        return new MetricsSettings(false, Duration.ofSeconds(5), 2000);
    }

    /** A copy with histogram publishing switched on or off. */
    public MetricsSettings withPercentileHistograms(boolean enabled) {
        return new MetricsSettings(enabled, tunnelReadTimeout, maxChannelSeries);
    }
}
