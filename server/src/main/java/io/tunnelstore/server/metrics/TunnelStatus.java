package io.tunnelstore.server.metrics;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One tunnel as monitoring sees it at {@code sampledAtMillis}: DescribeTunnel's data plus derived lag. Immutable.
 *
 * @param instance         instance name
 * @param tableName        table the tunnel reads
 * @param tunnelName       tunnel name
 * @param tunnelId         tunnel id
 * @param type             {@code BaseData}, {@code Stream} or {@code BaseAndStream}
 * @param stage            {@code InitBaseDataAndStreamShard}, {@code ProcessBaseData} or {@code ProcessStream}
 * @param expired          whether the tunnel expired (it cannot be consumed any more)
 * @param createTimeMillis creation time
 * @param rpoMillis        consume point of the slowest channel that has one (ms), 0 when none
 * @param sampledAtMillis  server time when the data was read
 * @param streamRetentionMillis how long the table's change log keeps records; 0 when its stream is off
 * @param channels         channels sorted by id
 * @param clients          connected clients sorted by id: every live session when the tunnel service's view is
 *                         available, else the owners of channels (then tag and heartbeat are unknown)
 * @param history          the tunnel's history (re-baselines, data losses, checkpoint changes), oldest first
 *                         (Tunnelstore extension of DescribeTunnel; empty from other servers)
 * @param forecastMillisUntilLoss the server's forecast of the time until the slowest channel's lag reaches the
 *                         retention, from the lag trend; empty when no risk is seen
 */
public record TunnelStatus(String instance, String tableName, String tunnelName, String tunnelId, String type,
                           String stage, boolean expired, long createTimeMillis, long rpoMillis,
                           long sampledAtMillis, long streamRetentionMillis, List<ChannelStatusView> channels,
                           List<ClientStatusView> clients, List<HistoryEvent> history,
                           OptionalLong forecastMillisUntilLoss) {

    /** One entry of a tunnel's history. */
    public record HistoryEvent(long atMillis, String kind, String channelId, String detail, String actor) {}

    /** A status without history or forecast. */
    public TunnelStatus(String instance, String tableName, String tunnelName, String tunnelId, String type,
                        String stage, boolean expired, long createTimeMillis, long rpoMillis, long sampledAtMillis,
                        long streamRetentionMillis, List<ChannelStatusView> channels, List<ClientStatusView> clients) {
        this(instance, tableName, tunnelName, tunnelId, type, stage, expired, createTimeMillis, rpoMillis,
                sampledAtMillis, streamRetentionMillis, channels, clients, List.of(), OptionalLong.empty());
    }

    /** How many history events of {@code kind} there are. */
    public long count(String kind) {
        return history.stream().filter(e -> e.kind().equals(kind)).count();
    }
    public TunnelStatus {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(tableName, "tableName");
        Objects.requireNonNull(tunnelName, "tunnelName");
        Objects.requireNonNull(tunnelId, "tunnelId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(stage, "stage");
        channels = List.copyOf(channels);
        clients = List.copyOf(clients);
        history = List.copyOf(history);
        Objects.requireNonNull(forecastMillisUntilLoss, "forecastMillisUntilLoss");
    }

    /** Channel counts by status (only statuses that occur), in status-name order. */
    public Map<String, Integer> channelCountsByStatus() {
        Map<String, Integer> counts = new TreeMap<>();
        for (ChannelStatusView c : channels) {
            counts.merge(c.status(), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * Share of base-data channels that are TERMINATED (read to the end and checkpointed), 0.0 to 1.0; empty for a
     * tunnel without base-data channels. A tunnel past {@code ProcessBaseData} reports 1.0.
     */
    public OptionalDouble baseProgress() {
        long base = channels.stream().filter(ChannelStatusView::isBaseData).count();
        if (base == 0) {
            return OptionalDouble.empty();
        }
        long done = channels.stream().filter(c -> c.isBaseData() && ChannelStatus.TERMINATED.name().equals(c.status())).count();
        return OptionalDouble.of((double) done / base);
    }

    /** Records acknowledged by checkpoints over all channels. */
    public long consumedCount() {
        return channels.stream().mapToLong(ChannelStatusView::consumedCount).sum();
    }

    /** Sum of the channels' known {@link ChannelStatusView#lagRecords()}; empty when no channel's lag is known. */
    public OptionalLong lagRecords() {
        long[] known = channels.stream().map(ChannelStatusView::lagRecords).filter(OptionalLong::isPresent)
                .mapToLong(OptionalLong::getAsLong).toArray();
        return known.length == 0 ? OptionalLong.empty() : OptionalLong.of(java.util.Arrays.stream(known).sum());
    }

    /** Largest known {@link ChannelStatusView#lagMillis()}; empty when no channel's lag is known. */
    public OptionalLong lagMillis() {
        return channels.stream().map(ChannelStatusView::lagMillis).filter(OptionalLong::isPresent)
                .mapToLong(OptionalLong::getAsLong).max().stream().boxed().findFirst()
                .map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    /** Ids of the connected {@link #clients()}. */
    public Set<String> clientIds() {
        Set<String> ids = new TreeSet<>();
        clients.forEach(c -> ids.add(c.clientId()));
        return ids;
    }

    /**
     * How long until unconsumed changes start falling out of the change log: retention minus
     * {@link #lagMillis()}, never below 0. Empty when nothing is pending, the lag is unknown or the stream is off.
     */
    public OptionalLong millisUntilDataLoss() {
        OptionalLong records = lagRecords();
        OptionalLong millis = lagMillis();
        if (streamRetentionMillis <= 0 || records.isEmpty() || records.getAsLong() == 0 || millis.isEmpty()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(0, streamRetentionMillis - millis.getAsLong()));
    }
}
