package io.tunnelstore.server.tunnel;

import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.protocol.pb.TunnelProtos.ChannelInfo;
import io.tunnelstore.protocol.pb.TunnelProtos.CreateTunnelRequest;
import io.tunnelstore.protocol.pb.TunnelProtos.CreateTunnelResponse;
import io.tunnelstore.protocol.pb.TunnelProtos.DeleteTunnelRequest;
import io.tunnelstore.protocol.pb.TunnelProtos.DeleteTunnelResponse;
import io.tunnelstore.protocol.pb.TunnelProtos.DescribeTunnelRequest;
import io.tunnelstore.protocol.pb.TunnelProtos.DescribeTunnelResponse;
import io.tunnelstore.protocol.pb.TunnelProtos.ListTunnelRequest;
import io.tunnelstore.protocol.pb.TunnelProtos.ListTunnelResponse;
import io.tunnelstore.protocol.pb.TunnelProtos.StartOffsetFlag;
import io.tunnelstore.protocol.pb.TunnelProtos.StreamTunnelConfig;
import io.tunnelstore.protocol.pb.TunnelProtos.TunnelInfo;
import io.tunnelstore.server.table.ObjectNames;
import io.tunnelstore.server.table.StreamSettings;
import io.tunnelstore.server.table.TableCatalog;
import io.tunnelstore.server.table.TableDescriptor;
import io.tunnelstore.server.tunnel.StreamStartResolver.StreamStart;
import io.tunnelstore.server.tunnel.TunnelDefinition.BaseChannelSpec;
import io.tunnelstore.server.tunnel.TunnelDefinition.StreamChannelSpec;
import io.tunnelstore.server.tunnel.TunnelDefinition.StreamRange;
import io.tunnelstore.coordinator.ChannelDefinition;
import io.tunnelstore.coordinator.TunnelCoordinator;
import io.tunnelstore.coordinator.TunnelDescription;
import io.tunnelstore.coordinator.TunnelType;
import io.tunnelstore.storage.StorageSnapshot;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CreateTunnel, DeleteTunnel, ListTunnel and DescribeTunnel.
 *
 * <p>Creation is synchronous and fixes everything about the tunnel's data: base channels (partitions cut into key
 * ranges) and, for stream tunnels, the start sequence of every shard. A BaseAndStream tunnel takes a durable
 * storage snapshot first ({@link TunnelSnapshots}); its base channels read the snapshot and a LATEST stream starts
 * right after the snapshot's change-log position of each shard, so a BaseAndStream tunnel delivers every change
 * exactly once across the hand-over: in the base data if it committed before the snapshot, in the stream if after. A Stream or BaseAndStream tunnel on a table without a stream enables the
 * stream (7-day retention, as the public service does).
 *
 * <p>Thread-safety: creates and deletes are serialized on this object (name uniqueness); list and describe run on
 * each tunnel's queue.
 */
final class TunnelAdmin {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelAdmin.class);
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final TunnelRegistry registry;
    private final TableCatalog catalog;
    private final ChannelPlanner planner;
    private final StreamStartResolver streamStarts;
    private final TunnelSnapshots snapshots;
    private final Clock clock;
    private final boolean rebaselineByDefault;
    private final TunnelEvents events;
    private final LossForecast forecast;

    TunnelAdmin(TunnelRegistry registry, TableCatalog catalog, ChannelPlanner planner,
                StreamStartResolver streamStarts, TunnelSnapshots snapshots, TunnelEvents events,
                LossForecast forecast, Clock clock, boolean rebaselineByDefault) {
        this.forecast = forecast;
        this.events = events;
        this.rebaselineByDefault = rebaselineByDefault;
        this.registry = registry;
        this.catalog = catalog;
        this.planner = planner;
        this.streamStarts = streamStarts;
        this.snapshots = snapshots;
        this.clock = clock;
    }

    synchronized CreateTunnelResponse create(String instance, CreateTunnelRequest request) {
        TunnelProtos.Tunnel t = request.getTunnel();
        String tableName = t.getTableName();
        String name = t.getTunnelName();
        // Names follow the table naming rule, so a name never carries markup, line breaks or control characters
        // into logs, metrics or the console, and always fits the stored tunnel record.
        ObjectNames.requireTableName(tableName);
        ObjectNames.requireTunnelName(name);
        TunnelType type;
        try {
            type = TunnelType.fromWireNumber(t.getTunnelType().getNumber());
        } catch (IllegalArgumentException e) {
            throw TunnelErrors.invalid("unknown tunnel type %s", t.getTunnelType());
        }
        TableDescriptor table = catalog.find(instance, tableName).orElseThrow(() -> TunnelErrors.tableNotExist(tableName));
        if (registry.nameTaken(instance, tableName, name)) {
            throw TunnelErrors.tunnelExists(tableName, name);
        }
        long nowMillis = clock.millis();
        StreamRange range = streamRange(t, nowMillis, table);
        if (type != TunnelType.BASE_DATA && !table.stream().enabled()) {
            table = catalog.update(instance, tableName, d -> d.stream().enabled() ? d
                    : d.withStream(new StreamSettings(true, UUID.randomUUID().toString(),
                            StreamSettings.MAX_EXPIRATION_HOURS, nowMillis, List.of())));
            LOG.info("Enabled the stream of table {}/{} for tunnel {}", instance, tableName, name);
        }

        String tunnelId = UUID.randomUUID().toString();
        // The snapshot comes after the stream is enabled (a change between the two would be in neither) and before
        // the layout is read (every shard whose records the snapshot holds is then a channel with its position).
        StorageSnapshot snapshot = null;
        // Only BaseAndStream needs it (exact hand-over); a BaseData tunnel reads the live table, as the public
        // service does, and retains no old storage files.
        if (type == TunnelType.BASE_AND_STREAM && snapshots.available()) {
            snapshot = snapshots.createPinned("base-" + tunnelId);
            String tn = tableName;
            table = catalog.find(instance, tableName).orElseThrow(() -> TunnelErrors.tableNotExist(tn));
        }
        try {
            List<BaseChannelSpec> base = type == TunnelType.STREAM ? List.of() : planner.baseChannels(table);
            List<StreamChannelSpec> stream = type == TunnelType.BASE_DATA ? List.of()
                    : ChannelPlanner.streamChannels(table);
            List<ChannelDefinition> channels = new ArrayList<>(base.size() + stream.size());
            for (BaseChannelSpec b : base) {
                channels.add(ChannelDefinition.base(b.channelId(),
                        TunnelTokenCodec.encode(new ChannelPosition.Base(new byte[0], 0))));
            }
            StreamStart start = range.startNanos() > 0 ? new StreamStart.FromTime(range.startNanos() / 1000)
                    : range.earliest() ? new StreamStart.Earliest() : new StreamStart.Latest();
            for (StreamChannelSpec s : stream) {
                ChannelPosition.Stream pos = snapshot != null && start instanceof StreamStart.Latest
                        ? new ChannelPosition.Stream(s.shardId(),
                                snapshot.logPosition(table.tableId(), s.shardId()) + 1, nowMillis * 1000, 0)
                        : streamStarts.resolve(table.tableId(), s.shardId(), start, nowMillis * 1000);
                List<String> parents = table.partitionByShard(s.shardId()).map(ChannelPlanner::parentChannelIds)
                        .orElse(List.of());
                channels.add(ChannelDefinition.stream(s.channelId(), TunnelTokenCodec.encode(pos), parents));
            }

            String streamId = table.stream().enabled() && table.stream().streamId() != null
                    ? table.stream().streamId() : "";
            TunnelDefinition definition = new TunnelDefinition(tunnelId, instance, tableName, table.tableId(), name,
                    type, range, streamId, nowMillis, base, stream, snapshot == null ? "" : snapshot.id(),
                    t.hasTunnelstoreRebaseline() ? t.getTunnelstoreRebaseline() : rebaselineByDefault);
            TunnelCoordinator coordinator = TunnelCoordinator.createInitialized(tunnelId, type, channels,
                    TunnelRegistry.newIdGenerator());
            registry.add(definition, coordinator);
            LOG.info("Created {} tunnel {} ({}) on {}/{} with {} base and {} stream channel(s){}", type.wireName(),
                    name, tunnelId, instance, tableName, base.size(), stream.size(),
                    snapshot == null ? "" : ", base data from snapshot " + snapshot.id());
        } finally {
            if (snapshot != null) {
                snapshots.unpin(snapshot.id()); // saved with the tunnel now, or garbage if creation failed
            }
        }
        return CreateTunnelResponse.newBuilder().setTunnelId(tunnelId).build();
    }

    /** Validates the request's stream time range (ns on the wire) against now and the table's retention. */
    private static StreamRange streamRange(TunnelProtos.Tunnel t, long nowMillis, TableDescriptor table) {
        if (!t.hasStreamTunnelConfig()) {
            return StreamRange.LATEST;
        }
        StreamTunnelConfig c = t.getStreamTunnelConfig();
        long start = c.getStartOffset();
        long end = c.getEndOffset();
        if (start < 0 || end < 0) {
            throw TunnelErrors.invalid("stream start/end offsets must not be negative (unsigned ns)");
        }
        long nowNanos = nowMillis * NANOS_PER_MILLI;
        if (start > nowNanos) {
            throw TunnelErrors.invalid("stream start offset %d ns is in the future (now %d ns)", start, nowNanos);
        }
        long retentionHours = table.stream().enabled() ? table.stream().expirationHours()
                : StreamSettings.MAX_EXPIRATION_HOURS;
        long oldestNanos = nowNanos - retentionHours * 3_600_000L * NANOS_PER_MILLI;
        if (start > 0 && start < oldestNanos) {
            throw TunnelErrors.invalid("stream start offset %d ns is older than the stream retention of %d hours",
                    start, retentionHours);
        }
        if (end > 0 && end <= start) {
            throw TunnelErrors.invalid("stream end offset %d ns must be greater than the start offset %d ns",
                    end, start);
        }
        boolean earliest = start == 0 && c.getFlag() == StartOffsetFlag.EARLIEST;
        return new StreamRange(earliest, start, end);
    }

    CompletionStage<DeleteTunnelResponse> delete(String instance, DeleteTunnelRequest request) {
        CompletionStage<Void> removed;
        String tunnelId;
        synchronized (this) {
            TunnelRuntime rt = requireByName(instance, request.getTableName(), request.getTunnelName());
            if (request.hasTunnelId() && !request.getTunnelId().isEmpty()
                    && !request.getTunnelId().equals(rt.tunnelId())) {
                throw TunnelErrors.tunnelNotExist(request.getTunnelId());
            }
            LOG.info("Deleting tunnel {} ({}) of {}/{}", request.getTunnelName(), rt.tunnelId(), instance,
                    request.getTableName());
            tunnelId = rt.tunnelId();
            removed = registry.remove(rt); // only enqueues: the record goes after the calls already queued
        }
        return removed.thenApply(v -> {
            events.deleteAll(instance, tunnelId); // the history goes with the tunnel
            return DeleteTunnelResponse.getDefaultInstance();
        });
    }

    CompletionStage<ListTunnelResponse> list(String instance, ListTunnelRequest request) {
        String table = request.getTableName().isEmpty() ? null : request.getTableName();
        if (table != null) {
            ObjectNames.requireTableName(table);
        }
        if (table != null && catalog.find(instance, table).isEmpty()) {
            throw TunnelErrors.tableNotExist(table);
        }
        List<CompletableFuture<TunnelInfo>> infos = new ArrayList<>();
        for (TunnelRuntime rt : registry.list(instance, table)) {
            infos.add(rt.call(TunnelCoordinator::describe).thenApply(d -> tunnelInfo(rt.definition(), d))
                    .toCompletableFuture()
                    // a tunnel deleted meanwhile is simply not listed
                    .exceptionally(e -> null));
        }
        return CompletableFuture.allOf(infos.toArray(CompletableFuture[]::new)).thenApply(v -> {
            ListTunnelResponse.Builder out = ListTunnelResponse.newBuilder();
            infos.stream().map(CompletableFuture::join).filter(i -> i != null).forEach(out::addTunnels);
            return out.build();
        });
    }

    CompletionStage<DescribeTunnelResponse> describe(String instance, DescribeTunnelRequest request) {
        TunnelRuntime rt = requireByName(instance, request.getTableName(), request.getTunnelName());
        return rt.call(TunnelCoordinator::describe).thenApply(d -> {
            DescribeTunnelResponse.Builder out = describeResponse(rt.definition(), d).toBuilder()
                    .setTunnelstoreRebaseline(rt.definition().rebaseline());
            for (TunnelEvents.Event e : events.list(instance, rt.tunnelId())) {
                out.addTunnelstoreEvents(TunnelProtos.TunnelstoreEvent.newBuilder().setAtMillis(e.atMillis())
                        .setKind(e.kind()).setChannelId(e.channelId()).setDetail(e.detail()).setActor(e.actor()));
            }
            java.util.OptionalLong retention = retentionMillis(rt.definition());
            if (retention.isPresent()) {
                forecast.millisUntilLoss(rt.tunnelId(), retention.getAsLong())
                        .ifPresent(out::setTunnelstoreTimeUntilLossMs);
            }
            return out.build();
        });
    }

    /** The change-log retention of the tunnel's table; empty for BaseData tunnels or a table without a stream. */
    java.util.OptionalLong retentionMillis(TunnelDefinition def) {
        if (def.type() == TunnelType.BASE_DATA) {
            return java.util.OptionalLong.empty();
        }
        return catalog.findById(def.tableId()).filter(t -> t.stream().enabled())
                .map(t -> java.util.OptionalLong.of(t.stream().expirationMillis()))
                .orElse(java.util.OptionalLong.empty());
    }

    /**
     * The tunnel with this name. A name that breaks the naming rule gets the invalid-name error rather than "not
     * exist" — but only when no such tunnel is stored, so a tunnel created before names were checked can still be
     * described and deleted.
     */
    private TunnelRuntime requireByName(String instance, String tableName, String tunnelName) {
        return registry.findByName(instance, tableName, tunnelName).orElseThrow(() -> {
            ObjectNames.requireTableName(tableName);
            ObjectNames.requireTunnelName(tunnelName);
            return TunnelErrors.tunnelNotExist(tunnelName);
        });
    }

    static DescribeTunnelResponse describeResponse(TunnelDefinition def, TunnelDescription d) {
        DescribeTunnelResponse.Builder out = DescribeTunnelResponse.newBuilder()
                .setTunnel(tunnelInfo(def, d))
                .setTunnelRpo(d.tunnelRpoMillis() * NANOS_PER_MILLI);
        for (TunnelDescription.ChannelView c : d.channels()) {
            out.addChannels(ChannelInfo.newBuilder()
                    .setChannelId(c.channelId())
                    .setChannelType(c.kind().wireName())
                    .setChannelStatus(c.status().name())
                    .setClientId(c.ownerClientId() == null ? "" : c.ownerClientId())
                    .setChannelRpo(c.rpoMillis() * NANOS_PER_MILLI)
                    .setChannelCount(c.consumedCount()));
        }
        return out.build();
    }

    static TunnelInfo tunnelInfo(TunnelDefinition def, TunnelDescription d) {
        TunnelInfo.Builder info = TunnelInfo.newBuilder()
                .setTunnelId(def.tunnelId())
                .setTunnelType(def.type().wireName())
                .setTableName(def.tableName())
                .setInstanceName(def.instanceName())
                .setStreamId(def.streamId())
                .setStage(d.stage().wireName())
                .setExpired(d.expired())
                .setTunnelName(def.tunnelName())
                .setPublic(false)
                .setCreateTime(def.createTimeMillis() * NANOS_PER_MILLI);
        StreamRange r = def.streamConfig();
        // Stream tunnels always echo a config (LATEST/0/0 when none was given); others only when one was given.
        if (def.type() != TunnelType.BASE_DATA || !r.equals(StreamRange.LATEST)) {
            info.setStreamTunnelConfig(StreamTunnelConfig.newBuilder()
                    .setFlag(r.earliest() ? StartOffsetFlag.EARLIEST : StartOffsetFlag.LATEST)
                    .setStartOffset(r.startNanos())
                    .setEndOffset(r.endNanos()));
        }
        return info.build();
    }
}
