package io.tunnelstore.cli;

import io.tunnelstore.client.ChannelInfo;
import io.tunnelstore.client.TunnelDescription;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Progress derived from one DescribeTunnel snapshot and, for rates, the previous one: base-phase completion (as
 * the share of base channels TERMINATED; the server does not report row totals), rows consumed, and records per
 * second per channel and per phase (count deltas over the time between the snapshots; absent on the first one).
 * Immutable.
 *
 * @param baseChannels    base-data channels
 * @param baseDone        base-data channels TERMINATED
 * @param baseRows        records consumed from base-data channels
 * @param streamChannels  stream channels
 * @param streamRecords   records consumed from stream channels
 * @param baseRate        base records per second since the previous snapshot, or -1 when unknown
 * @param streamRate      stream records per second since the previous snapshot, or -1 when unknown
 * @param channelRates    records per second per channel id (only channels seen in both snapshots)
 * @param counts          consumed count per channel id (for the next snapshot's rates)
 * @param nanos           when the snapshot was taken ({@code System.nanoTime()} scale)
 */
record TunnelProgress(int baseChannels, int baseDone, long baseRows, int streamChannels, long streamRecords,
        long baseRate, long streamRate, Map<String, Long> channelRates, Map<String, Long> counts, long nanos) {

    static TunnelProgress of(TunnelDescription d, long nanos, TunnelProgress previous) {
        int baseChannels = 0;
        int baseDone = 0;
        long baseRows = 0;
        int streamChannels = 0;
        long streamRecords = 0;
        long baseDelta = 0;
        long streamDelta = 0;
        Map<String, Long> counts = new HashMap<>();
        Map<String, Long> rates = new LinkedHashMap<>();
        double seconds = previous == null ? 0 : (nanos - previous.nanos) / 1e9;
        for (ChannelInfo c : d.channels()) {
            counts.put(c.channelId(), c.consumedCount());
            long delta = 0;
            Long before = previous == null ? null : previous.counts.get(c.channelId());
            if (before != null) {
                delta = Math.max(0, c.consumedCount() - before);
                if (seconds > 0) {
                    rates.put(c.channelId(), Math.round(delta / seconds));
                }
            } else if (previous != null) {
                delta = c.consumedCount(); // a channel that appeared since: all of its count is new
            }
            if (c.type() == ChannelInfo.Type.BASE_DATA) {
                baseChannels++;
                baseRows += c.consumedCount();
                baseDelta += delta;
                if (c.status() == ChannelInfo.Status.TERMINATED) {
                    baseDone++;
                }
            } else {
                streamChannels++;
                streamRecords += c.consumedCount();
                streamDelta += delta;
            }
        }
        long baseRate = seconds > 0 ? Math.round(baseDelta / seconds) : -1;
        long streamRate = seconds > 0 ? Math.round(streamDelta / seconds) : -1;
        return new TunnelProgress(baseChannels, baseDone, baseRows, streamChannels, streamRecords, baseRate,
                streamRate, Map.copyOf(rates), Map.copyOf(counts), nanos);
    }

    /** Base-phase completion in percent (0-100), or -1 when the tunnel has no base channels. */
    int basePercent() {
        return baseChannels == 0 ? -1 : baseDone * 100 / baseChannels;
    }
}
