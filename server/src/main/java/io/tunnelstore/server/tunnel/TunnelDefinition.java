package io.tunnelstore.server.tunnel;

import io.tunnelstore.coordinator.TunnelType;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a tunnel is, fixed at CreateTunnel: identity, table, type, stream time range and the data layout of its
 * channels (key range of each base channel, shard of each stream channel); only partition splits add stream
 * channels later ({@link #withStreamChannels}). The changing part (assignment,
 * checkpoints, stage) lives in the coordinator's snapshot. Immutable.
 *
 * @param tunnelId         server-generated id (UUID)
 * @param instanceName     instance of the table
 * @param tableName        table name
 * @param tableId          table id at creation (a re-created table of the same name is a different table)
 * @param tunnelName       name, unique per table
 * @param type             BaseData / Stream / BaseAndStream
 * @param streamConfig     echo of the request's stream config (flag, start and end in ns)
 * @param streamId         the table's stream id when the tunnel was created ("" for BaseData tunnels)
 * @param createTimeMillis creation time
 * @param baseChannels     base channels and their key ranges
 * @param streamChannels   stream channels and their shards
 * @param baseSnapshotId   the storage snapshot the base channels read ({@code ""}: the live table, as before
 *                         snapshots existed or on an engine without them); its change-log positions are the
 *                         stream channels' start, so the hand-over is exact
 * @param rebaseline       a stream channel that fell behind retention is re-baselined (snapshot of its key range,
 *                         then the log) instead of resuming after the lost records
 */
record TunnelDefinition(
        String tunnelId,
        String instanceName,
        String tableName,
        long tableId,
        String tunnelName,
        TunnelType type,
        StreamRange streamConfig,
        String streamId,
        long createTimeMillis,
        List<BaseChannelSpec> baseChannels,
        List<StreamChannelSpec> streamChannels,
        String baseSnapshotId,
        boolean rebaseline) {

    /** A definition whose base channels read the live table, with re-baselining on (the server default). */
    TunnelDefinition(String tunnelId, String instanceName, String tableName, long tableId, String tunnelName,
                     TunnelType type, StreamRange streamConfig, String streamId, long createTimeMillis,
                     List<BaseChannelSpec> baseChannels, List<StreamChannelSpec> streamChannels) {
        this(tunnelId, instanceName, tableName, tableId, tunnelName, type, streamConfig, streamId, createTimeMillis,
                baseChannels, streamChannels, "", true);
    }

    TunnelDefinition {
        Objects.requireNonNull(baseSnapshotId, "baseSnapshotId");
        Objects.requireNonNull(tunnelId, "tunnelId");
        Objects.requireNonNull(instanceName, "instanceName");
        Objects.requireNonNull(tableName, "tableName");
        Objects.requireNonNull(tunnelName, "tunnelName");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(streamConfig, "streamConfig");
        Objects.requireNonNull(streamId, "streamId");
        baseChannels = List.copyOf(baseChannels);
        streamChannels = List.copyOf(streamChannels);
    }

    /**
     * The stream part of CreateTunnel, echoed by DescribeTunnel.
     *
     * @param earliest    flag EARLIEST (start at the oldest retained change) rather than LATEST
     * @param startNanos  explicit start time in ns (0 = none: the flag decides)
     * @param endNanos    exclusive end time in ns (0 = unbounded)
     */
    record StreamRange(boolean earliest, long startNanos, long endNanos) {
        static final StreamRange LATEST = new StreamRange(false, 0, 0);

        long endMicros() {
            return endNanos / 1000;
        }
    }

    /** A base channel reads {@code range} of the table's rows. */
    record BaseChannelSpec(String channelId, KeyRange range) {}

    /** A stream channel reads change-log shard {@code shardId}. */
    record StreamChannelSpec(String channelId, long shardId) {}

    /** This definition with {@code added} stream channels (children of split shards) appended. */
    TunnelDefinition withStreamChannels(List<StreamChannelSpec> added) {
        List<StreamChannelSpec> all = new java.util.ArrayList<>(streamChannels);
        all.addAll(added);
        return new TunnelDefinition(tunnelId, instanceName, tableName, tableId, tunnelName, type, streamConfig,
                streamId, createTimeMillis, baseChannels, all, baseSnapshotId, rebaseline);
    }

    Optional<BaseChannelSpec> baseChannel(String channelId) {
        return baseChannels.stream().filter(c -> c.channelId().equals(channelId)).findFirst();
    }

    Optional<StreamChannelSpec> streamChannel(String channelId) {
        return streamChannels.stream().filter(c -> c.channelId().equals(channelId)).findFirst();
    }
}
