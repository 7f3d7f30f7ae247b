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
 * @param bearerToken          when not null, {@code GET /metrics} needs {@code Authorization: Bearer <token>} (401
 *                             otherwise); null = open, like the health checks. Default: null
 */
public record MetricsSettings(boolean percentileHistograms, Duration tunnelReadTimeout, int maxChannelSeries,
                              String bearerToken) {

    /** Settings with an open {@code /metrics}. */
    public MetricsSettings(boolean percentileHistograms, Duration tunnelReadTimeout, int maxChannelSeries) {
        this(percentileHistograms, tunnelReadTimeout, maxChannelSeries, null);
    }

    public MetricsSettings {
        Objects.requireNonNull(tunnelReadTimeout, "tunnelReadTimeout");
        if (tunnelReadTimeout.isNegative() || tunnelReadTimeout.isZero()) {
            throw new IllegalArgumentException("tunnelReadTimeout must be positive: " + tunnelReadTimeout);
        }
        if (bearerToken != null && (bearerToken.isBlank() || !bearerToken.strip().equals(bearerToken))) {
            throw new IllegalArgumentException("the metrics bearer token must be non-blank without surrounding blanks");
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
        return new MetricsSettings(enabled, tunnelReadTimeout, maxChannelSeries, bearerToken);
    }

    /** A copy whose {@code /metrics} needs {@code Authorization: Bearer token} (null: open). */
    public MetricsSettings withBearerToken(String token) {
        return new MetricsSettings(percentileHistograms, tunnelReadTimeout, maxChannelSeries, token);
    }

    @Override
    public String toString() {
        return "MetricsSettings[percentileHistograms=" + percentileHistograms + ", tunnelReadTimeout="
                + tunnelReadTimeout + ", maxChannelSeries=" + maxChannelSeries + ", bearerToken="
                + (bearerToken == null ? "none" : "***") + "]";
    }
}
