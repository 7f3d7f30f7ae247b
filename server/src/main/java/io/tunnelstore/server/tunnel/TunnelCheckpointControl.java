package io.tunnelstore.server.tunnel;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.tunnelstore.protocol.pb.AdminProtos.ChannelCheckpoint;
import io.tunnelstore.protocol.pb.AdminProtos.ChannelCheckpointChange;
import io.tunnelstore.protocol.pb.AdminProtos.CheckpointChangeResponse;
import io.tunnelstore.protocol.pb.AdminProtos.CheckpointsExport;
import io.tunnelstore.protocol.pb.AdminProtos.ExportCheckpointsResponse;
import io.tunnelstore.protocol.pb.AdminProtos.ForkTunnelRequest;
import io.tunnelstore.protocol.pb.AdminProtos.ImportCheckpointsRequest;
import io.tunnelstore.protocol.pb.AdminProtos.ResetCheckpointsRequest;
import io.tunnelstore.protocol.pb.AdminProtos.RewindCheckpointsRequest;
import io.tunnelstore.protocol.pb.AdminProtos.SetCheckpointRequest;
import io.tunnelstore.protocol.pb.AdminProtos.ShowCheckpointsRequest;
import io.tunnelstore.protocol.pb.AdminProtos.TunnelCheckpoints;
import io.tunnelstore.server.table.ObjectNames;
import io.tunnelstore.server.table.TableCatalog;
import io.tunnelstore.server.table.TableDescriptor;
import io.tunnelstore.server.tunnel.StreamStartResolver.StreamStart;
import io.tunnelstore.coordinator.ChannelDefinition;
import io.tunnelstore.coordinator.ChannelKind;
import io.tunnelstore.coordinator.ChannelState;
import io.tunnelstore.protocol.tunnel.ChannelStatus;
import io.tunnelstore.coordinator.TunnelCoordinator;
import io.tunnelstore.coordinator.TunnelSnapshot;
import io.tunnelstore.coordinator.TunnelStage;
import io.tunnelstore.coordinator.TunnelType;
import io.tunnelstore.storage.LogRecord;
import io.tunnelstore.storage.StorageEngine;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoint control (a Tunnelstore extension, docs/tunnel-service.md "Checkpoint control"): show, set, rewind, reset,
 * fork, export and import a tunnel's channel checkpoints while workers are connected.
 *
 * <p>Every change of an existing tunnel is one {@link TunnelRuntime#call} in which each moved channel goes through
 * {@link TunnelCoordinator#repositionCheckpoint} (fenced: sequence and version bumped, owner released), so the whole
 * operation is one atomic meta write. Validation that needs the coordinator's state (TERMINATED channels, stage)
 * runs in that same call; storage look-ups (positions at a time, trim watermarks) run before it, off the tunnel's
 * queue. A dry run does the same call and {@link TunnelCoordinator#rollback() rolls it back}: the answer is exactly
 * what the change would be, and nothing is stored. Each applied change is recorded in {@link TunnelEvents}.
 *
 * <p>Thread-safe: tunnel state is only reached through the tunnels' queues; fork creates under the admin lock
 * (name uniqueness, as CreateTunnel).
 */
final class TunnelCheckpointControl {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelCheckpointControl.class);

    /** The {@code format} of the JSON export. */
    static final String FORMAT = "tunnelstore.checkpoints/1";
    static final String CHECKPOINT_SET = "CHECKPOINT_SET";
    static final String CHECKPOINT_REWIND = "CHECKPOINT_REWIND";
    static final String CHECKPOINT_RESET = "CHECKPOINT_RESET";
    static final String CHECKPOINT_IMPORT = "CHECKPOINT_IMPORT";
    static final String FORKED_TO = "FORKED_TO";
    static final String FORKED_FROM = "FORKED_FROM";

    private final TunnelRegistry registry;
    private final TableCatalog catalog;
    private final StorageEngine storage;
    private final StreamStartResolver streamStarts;
    private final TunnelSnapshots snapshots;
    private final TunnelEvents events;
    private final Object createLock;
    private final Clock clock;

    /** A channel's new checkpoint token and the row count it carries. */
    private record Target(String token, long consumedCount) {}

    /** What an operation moves (in channel id order) and what it leaves alone, with why. */
    private record Plan(Map<String, Target> targets, List<String> skipped) {}

    /** One moved channel: definition, state before and after. */
    private record Moved(ChannelDefinition definition, ChannelState before, ChannelState after) {}

    TunnelCheckpointControl(TunnelRegistry registry, TableCatalog catalog, StorageEngine storage,
                            StreamStartResolver streamStarts, TunnelSnapshots snapshots, TunnelEvents events,
                            Object createLock, Clock clock) {
        this.registry = registry;
        this.catalog = catalog;
        this.storage = storage;
        this.streamStarts = streamStarts;
        this.snapshots = snapshots;
        this.events = events;
        this.createLock = createLock;
        this.clock = clock;
    }

    // ------------------------------------------------------------------------------------------------ reads

    CompletionStage<TunnelCheckpoints> show(String instance, ShowCheckpointsRequest q) {
        TunnelRuntime rt = require(instance, q.getTableName(), q.getTunnelName());
        return rt.call(TunnelCoordinator::snapshot).thenApply(s -> {
            long now = clock.millis();
            TunnelCheckpoints.Builder out = TunnelCheckpoints.newBuilder().setTunnelId(rt.tunnelId())
                    .setTableName(rt.definition().tableName()).setTunnelName(rt.definition().tunnelName())
                    .setTunnelType(rt.definition().type().wireName()).setStage(s.stage().wireName()).setNowMs(now);
            for (TunnelSnapshot.ChannelEntry e : s.channels()) {
                out.addChannels(view(rt.definition(), e.definition(), e.state()));
            }
            retentionStart(rt.definition(), now).ifPresent(out::setRetentionStartMs);
            return out.build();
        });
    }

    CompletionStage<ExportCheckpointsResponse> export(String instance, ShowCheckpointsRequest q) {
        TunnelRuntime rt = require(instance, q.getTableName(), q.getTunnelName());
        return rt.call(TunnelCoordinator::snapshot).thenApply(s -> {
            TunnelDefinition d = rt.definition();
            CheckpointsExport.Builder out = CheckpointsExport.newBuilder().setFormat(FORMAT)
                    .setInstance(d.instanceName()).setTable(d.tableName()).setTableId(d.tableId())
                    .setTunnel(d.tunnelName()).setTunnelId(d.tunnelId()).setTunnelType(d.type().wireName())
                    .setStage(s.stage().wireName()).setExportedAtMs(clock.millis());
            for (TunnelSnapshot.ChannelEntry e : s.channels()) {
                out.addChannels(view(d, e.definition(), e.state()));
            }
            try {
                return ExportCheckpointsResponse.newBuilder().setJson(JsonFormat.printer().print(out)).build();
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("cannot print the checkpoint export", e);
            }
        });
    }

    // ------------------------------------------------------------------------------------------------ changes

    CompletionStage<CheckpointChangeResponse> set(String instance, String actor, SetCheckpointRequest q) {
        TunnelRuntime rt = require(instance, q.getTableName(), q.getTunnelName());
        TunnelDefinition d = rt.definition();
        String channelId = q.getChannelId();
        int given = (q.hasToken() ? 1 : 0) + (q.hasNextSequence() ? 1 : 0) + (q.hasTimeMs() ? 1 : 0);
        if (given != 1) {
            throw TunnelErrors.invalid("give exactly one of token, next_sequence and time_ms (got %d)", given);
        }
        long now = clock.millis();
        Target target;
        String how;
        if (q.hasToken()) {
            target = validToken(d, channelId, q.getToken());
            how = "set to a token";
        } else {
            TunnelDefinition.StreamChannelSpec spec = d.streamChannel(channelId).orElseThrow(() ->
                    d.baseChannel(channelId).isPresent()
                            ? TunnelErrors.invalid("channel %s is a base-data channel: set it with a token", channelId)
                            : unknownChannel(d, channelId));
            ChannelPosition.Stream position;
            if (q.hasNextSequence()) {
                if (q.getNextSequence() < 1) {
                    throw TunnelErrors.invalid("next_sequence must be at least 1, got %d", q.getNextSequence());
                }
                position = new ChannelPosition.Stream(spec.shardId(), q.getNextSequence(), 0, 0);
                requireRetained(d, channelId, position);
                how = "set to sequence " + q.getNextSequence();
            } else {
                requireWithinRetention(d, q.getTimeMs(), now);
                position = streamStarts.resolve(d.tableId(), spec.shardId(),
                        new StreamStart.FromTime(q.getTimeMs() * 1000), now * 1000);
                how = "set to time " + Instant.ofEpochMilli(q.getTimeMs());
            }
            target = new Target(TunnelTokenCodec.encode(position), position.totalCount());
        }
        Map<String, Target> targets = Map.of(channelId, target);
        return change(rt, actor, CHECKPOINT_SET, how, q.getDryRun(), s -> new Plan(targets, List.of()), true);
    }

    CompletionStage<CheckpointChangeResponse> rewind(String instance, String actor, RewindCheckpointsRequest q) {
        TunnelRuntime rt = require(instance, q.getTableName(), q.getTunnelName());
        TunnelDefinition d = rt.definition();
        requireStreamTunnel(d, "rewind");
        long now = clock.millis();
        requireWithinRetention(d, q.getTimeMs(), now);
        Map<String, Target> positions = streamPositions(d, new StreamStart.FromTime(q.getTimeMs() * 1000), now);
        return change(rt, actor, CHECKPOINT_REWIND, "rewind to " + Instant.ofEpochMilli(q.getTimeMs()),
                q.getDryRun(), s -> streamPlan(d, s, positions, "rewind"), false);
    }

    CompletionStage<CheckpointChangeResponse> reset(String instance, String actor, ResetCheckpointsRequest q) {
        TunnelRuntime rt = require(instance, q.getTableName(), q.getTunnelName());
        TunnelDefinition d = rt.definition();
        requireStreamTunnel(d, "reset");
        long now = clock.millis();
        Map<String, Target> positions = streamPositions(d, new StreamStart.Latest(), now);
        return change(rt, actor, CHECKPOINT_RESET, "reset to latest", q.getDryRun(),
                s -> streamPlan(d, s, positions, "reset"), false);
    }

    CompletionStage<CheckpointChangeResponse> importJson(String instance, String actor, ImportCheckpointsRequest q) {
        TunnelRuntime rt = require(instance, q.getTableName(), q.getTunnelName());
        TunnelDefinition d = rt.definition();
        CheckpointsExport in = parse(q.getJson());
        if (!FORMAT.equals(in.getFormat())) {
            throw TunnelErrors.invalid("unknown checkpoint export format '%s', expected %s", in.getFormat(), FORMAT);
        }
        if (!in.getTable().equals(d.tableName()) || in.getTableId() != d.tableId()) {
            throw TunnelErrors.invalid("the checkpoints were exported from table %s (id %d), not from table %s "
                    + "(id %d) of tunnel %s", in.getTable(), in.getTableId(), d.tableName(), d.tableId(),
                    d.tunnelName());
        }
        Map<String, Target> targets = new LinkedHashMap<>();
        for (ChannelCheckpoint c : in.getChannelsList()) {
            if (targets.containsKey(c.getChannelId())) {
                throw TunnelErrors.invalid("channel %s is listed twice in the import", c.getChannelId());
            }
            if (TunnelTokenCodec.FINISHED.equals(c.getToken())) {
                targets.put(c.getChannelId(), null); // only fine where the channel is finished already (below)
                continue;
            }
            targets.put(c.getChannelId(), validToken(d, c.getChannelId(), c.getToken()));
        }
        String how = "import of " + in.getTunnel() + " exported at " + Instant.ofEpochMilli(in.getExportedAtMs());
        return change(rt, actor, CHECKPOINT_IMPORT, how, q.getDryRun(), s -> importPlan(s, targets), false);
    }

    /**
     * Forks a tunnel: a new tunnel of the same table, type and layout, starting at the source's current checkpoints
     * or (with a time) at the first change at or after it. The source is only read.
     */
    CompletionStage<CheckpointChangeResponse> fork(String instance, String actor, ForkTunnelRequest q) {
        // in a cluster a fork runs on the catalog owner (it creates a tunnel): the source is read from storage there
        TunnelRuntime rt = registry.readable(instance, q.getTableName(), q.getTunnelName()).orElseThrow(() -> {
            ObjectNames.requireTableName(q.getTableName());
            return TunnelErrors.tunnelNotExist(q.getTunnelName());
        });
        TunnelDefinition src = rt.definition();
        String newName = q.getNewTunnelName();
        ObjectNames.requireTunnelName(newName);
        long now = clock.millis();
        Map<String, Target> atTime;
        if (q.hasTimeMs()) {
            requireStreamTunnel(src, "fork from a time");
            requireWithinRetention(src, q.getTimeMs(), now);
            atTime = streamPositions(src, new StreamStart.FromTime(q.getTimeMs() * 1000), now);
        } else {
            atTime = null;
        }
        if (registry.nameTaken(instance, src.tableName(), newName)) {
            throw TunnelErrors.tunnelExists(src.tableName(), newName);
        }
        String newId = UUID.randomUUID().toString();
        Set<String> pins = new HashSet<>();
        // The source's state, and a pin on every snapshot it reads, taken together on its queue: a snapshot the
        // source still needs cannot be dropped before the fork (which needs it too) is registered.
        TunnelSnapshot source = rt.call(c -> {
            TunnelSnapshot s = c.snapshot();
            if (atTime == null) {
                pins.addAll(snapshotsRead(src, s));
                pins.forEach(snapshots::pin);
            }
            return s;
        }).toCompletableFuture().handle((s, e) -> {
            if (e != null) {
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                        ? e.getCause() : e;
                throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
            }
            return s;
        }).join();
        try {
            TunnelDefinition def = new TunnelDefinition(newId, src.instanceName(), src.tableName(), src.tableId(),
                    newName, src.type(), src.streamConfig(), src.streamId(), now, src.baseChannels(),
                    src.streamChannels(), atTime == null ? src.baseSnapshotId() : "", src.rebaseline());
            TunnelSnapshot forked = forkedState(newId, source, atTime);
            String how = atTime == null ? "from the checkpoints of " + src.tunnelName()
                    : "from " + Instant.ofEpochMilli(q.getTimeMs());
            CheckpointChangeResponse.Builder out = CheckpointChangeResponse.newBuilder()
                    .setTunnelId(q.getDryRun() ? "" : newId).setTunnelName(newName).setDryRun(q.getDryRun());
            for (TunnelSnapshot.ChannelEntry e : forked.channels()) {
                out.addChanges(ChannelCheckpointChange.newBuilder().setChannelId(e.definition().channelId())
                        .setAfter(view(def, e.definition(), e.state())));
            }
            if (q.getDryRun()) {
                return java.util.concurrent.CompletableFuture.completedFuture(out.build());
            }
            synchronized (createLock) {
                if (registry.nameTaken(instance, src.tableName(), newName)) {
                    throw TunnelErrors.tunnelExists(src.tableName(), newName);
                }
                registry.add(def, TunnelCoordinator.restore(forked, now, TunnelRegistry.newIdGenerator()));
            }
            LOG.info("Tunnel {} ({}) forked from {} ({}) {} by {}", newName, newId, src.tunnelName(),
                    src.tunnelId(), how, actor);
            events.append(instance, src.tunnelId(), new TunnelEvents.Event(now, FORKED_TO, "",
                    "forked to " + newName + " (" + newId + ") " + how, actor));
            events.append(instance, newId, new TunnelEvents.Event(now, FORKED_FROM, "",
                    "forked from " + src.tunnelName() + " (" + src.tunnelId() + ") " + how, actor));
            return java.util.concurrent.CompletableFuture.completedFuture(out.build());
        } finally {
            pins.forEach(snapshots::unpin);
        }
    }

    /**
     * The new tunnel's state: no clients, every channel unowned. From the checkpoints: each channel keeps its
     * token (sequence 0 again: a new tunnel), TERMINATED stays TERMINATED, and the stage is the source's. From a
     * time: base channels are TERMINATED, the stage is ProcessStream and every stream channel starts at its
     * position at that time.
     */
    private static TunnelSnapshot forkedState(String newId, TunnelSnapshot source, Map<String, Target> atTime) {
        List<TunnelSnapshot.ChannelEntry> channels = new ArrayList<>();
        for (TunnelSnapshot.ChannelEntry e : source.channels()) {
            ChannelState s = e.state();
            ChannelState state;
            if (atTime != null) {
                state = e.definition().kind() == ChannelKind.BASE_DATA
                        ? new ChannelState(ChannelStatus.TERMINATED, 0, null, ChannelState.FINISHED_TOKEN, 0,
                                s.consumedCount(), 0, 0)
                        : ChannelState.initial(atTime.get(e.definition().channelId()).token());
            } else if (s.status() == ChannelStatus.TERMINATED) {
                state = new ChannelState(ChannelStatus.TERMINATED, 0, null, s.checkpointToken(), 0, s.consumedCount(),
                        0, 0);
            } else {
                state = new ChannelState(ChannelStatus.WAIT, 0, null, s.checkpointToken(), 0, s.consumedCount(), 0,
                        0);
            }
            channels.add(new TunnelSnapshot.ChannelEntry(e.definition(), state));
        }
        TunnelStage stage = atTime != null ? TunnelStage.PROCESS_STREAM : source.stage();
        return new TunnelSnapshot(newId, source.type(), stage, null, null, 0, 0, channels, List.of(), List.of());
    }

    /** The snapshots a tunnel in state {@code s} reads: its base snapshot in the base phase, re-baselines. */
    private static Set<String> snapshotsRead(TunnelDefinition d, TunnelSnapshot s) {
        Set<String> ids = new HashSet<>();
        if (!d.baseSnapshotId().isEmpty() && s.stage() != TunnelStage.PROCESS_STREAM) {
            ids.add(d.baseSnapshotId());
        }
        for (TunnelSnapshot.ChannelEntry e : s.channels()) {
            String token = e.state().checkpointToken();
            if (e.definition().kind() == ChannelKind.STREAM && !TunnelTokenCodec.FINISHED.equals(token)) {
                try {
                    if (TunnelTokenCodec.decode(token) instanceof ChannelPosition.Resync r) {
                        ids.add(r.snapshotId());
                    }
                } catch (IllegalArgumentException ignored) {
                    // an undecodable token refers to no snapshot
                }
            }
        }
        return ids;
    }

    // ------------------------------------------------------------------------------------------------ the funnel

    /**
     * Runs one change on the tunnel's queue: {@code planner} decides (and validates against the current state)
     * which channels move where; each goes through {@link TunnelCoordinator#repositionCheckpoint}; a dry run rolls
     * it all back. Then records the history (not for dry runs) and answers before/after.
     *
     * @param strict an unchanged target is still a change (set), rather than left out (rewind, reset, import)
     */
    private CompletionStage<CheckpointChangeResponse> change(TunnelRuntime rt, String actor, String kind, String how,
            boolean dryRun, java.util.function.Function<TunnelSnapshot, Plan> planner, boolean strict) {
        TunnelDefinition d = rt.definition();
        List<String> skipped = new ArrayList<>();
        return rt.call(c -> {
            long now = clock.millis();
            TunnelSnapshot s = c.snapshot();
            if (c.unusable()) {
                throw TunnelErrors.expired(d.tunnelId());
            }
            Plan plan = planner.apply(s);
            skipped.addAll(plan.skipped());
            Map<String, TunnelSnapshot.ChannelEntry> byId = new LinkedHashMap<>();
            s.channels().forEach(e -> byId.put(e.definition().channelId(), e));
            List<Moved> moved = new ArrayList<>();
            for (Map.Entry<String, Target> t : plan.targets().entrySet()) {
                TunnelSnapshot.ChannelEntry e = byId.get(t.getKey());
                if (e == null) {
                    throw unknownChannel(d, t.getKey());
                }
                if (e.state().status() == ChannelStatus.TERMINATED) {
                    throw TunnelErrors.invalid("channel %s is TERMINATED; its checkpoint cannot be changed",
                            t.getKey());
                }
                if (!strict && e.state().checkpointToken().equals(t.getValue().token())) {
                    skipped.add(t.getKey() + ": already there");
                    continue;
                }
                ChannelState after = c.repositionCheckpoint(now, t.getKey(), t.getValue().token(),
                        t.getValue().consumedCount());
                moved.add(new Moved(e.definition(), e.state(), after));
            }
            if (dryRun) {
                c.rollback(); // the exact answer, nothing kept: the runtime then has nothing to store
            }
            return moved;
        }).thenApply(moved -> {
            long now = clock.millis();
            CheckpointChangeResponse.Builder out = CheckpointChangeResponse.newBuilder()
                    .setTunnelId(d.tunnelId()).setTunnelName(d.tunnelName()).setDryRun(dryRun).addAllSkipped(skipped);
            for (Moved m : moved) {
                out.addChanges(ChannelCheckpointChange.newBuilder().setChannelId(m.definition().channelId())
                        .setBefore(view(d, m.definition(), m.before())).setAfter(view(d, m.definition(), m.after())));
                if (!dryRun) {
                    events.append(d.instanceName(), d.tunnelId(), new TunnelEvents.Event(now, kind,
                            m.definition().channelId(), describe(m.before()) + " -> " + describe(m.after()) + " ("
                            + how + ")", actor));
                }
            }
            if (!dryRun && !moved.isEmpty()) {
                LOG.info("Tunnel {} ({}): {} of {} channel(s) by {} ({})", d.tunnelName(), d.tunnelId(), kind,
                        moved.size(), actor, how);
            }
            return out.build();
        });
    }

    /** Rewind/reset: every stream channel that is not TERMINATED; refused in the base phase. */
    private static Plan streamPlan(TunnelDefinition d, TunnelSnapshot s, Map<String, Target> positions, String op) {
        if (s.stage() != TunnelStage.PROCESS_STREAM) {
            throw TunnelErrors.invalid("tunnel %s is in stage %s: %s applies to the stream stage only",
                    d.tunnelName(), s.stage().wireName(), op);
        }
        Map<String, Target> targets = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        for (TunnelSnapshot.ChannelEntry e : s.channels()) {
            String id = e.definition().channelId();
            if (e.definition().kind() != ChannelKind.STREAM) {
                continue;
            }
            if (e.state().status() == ChannelStatus.TERMINATED) {
                skipped.add(id + ": TERMINATED");
            } else if (positions.containsKey(id)) {
                targets.put(id, positions.get(id));
            }
        }
        return new Plan(targets, skipped);
    }

    /** Import: every listed channel must exist and not be TERMINATED (unless the import says finished too). */
    private static Plan importPlan(TunnelSnapshot s, Map<String, Target> targets) {
        Map<String, ChannelState> states = new LinkedHashMap<>();
        s.channels().forEach(e -> states.put(e.definition().channelId(), e.state()));
        Map<String, Target> moves = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        for (Map.Entry<String, Target> t : targets.entrySet()) {
            ChannelState st = states.get(t.getKey());
            if (st == null) {
                throw TunnelErrors.invalid("channel %s of the import does not exist in tunnel %s", t.getKey(),
                        s.tunnelId());
            }
            boolean done = st.status() == ChannelStatus.TERMINATED || st.fullyRead();
            if (t.getValue() == null) {
                if (!done) {
                    throw TunnelErrors.invalid("channel %s is finished in the import but not in the tunnel; "
                            + "finish it with tunnel/schedule TERMINATED instead", t.getKey());
                }
                skipped.add(t.getKey() + ": already there");
            } else if (st.status() == ChannelStatus.TERMINATED) {
                throw TunnelErrors.invalid("channel %s is TERMINATED; its checkpoint cannot be changed", t.getKey());
            } else {
                moves.put(t.getKey(), t.getValue());
            }
        }
        return new Plan(moves, skipped);
    }

    // ------------------------------------------------------------------------------------------------ validation

    private TunnelRuntime require(String instance, String table, String tunnel) {
        return registry.findByName(instance, table, tunnel).orElseThrow(() -> {
            ObjectNames.requireTableName(table);
            return TunnelErrors.tunnelNotExist(tunnel);
        });
    }

    private static io.tunnelstore.protocol.errors.OtsException unknownChannel(TunnelDefinition d, String channelId) {
        return TunnelErrors.invalid("channel %s does not exist in tunnel %s", channelId, d.tunnelName());
    }

    private static void requireStreamTunnel(TunnelDefinition d, String op) {
        if (d.type() == TunnelType.BASE_DATA) {
            throw TunnelErrors.invalid("tunnel %s is a BaseData tunnel: %s applies to Stream and BaseAndStream "
                    + "tunnels", d.tunnelName(), op);
        }
    }

    /** A token this server minted for {@code channelId}: right kind, right shard or key range, inside retention. */
    private Target validToken(TunnelDefinition d, String channelId, String token) {
        if (TunnelTokenCodec.FINISHED.equals(token)) {
            throw TunnelErrors.invalid("channel %s cannot be set to finished; use tunnel/schedule TERMINATED",
                    channelId);
        }
        ChannelPosition p;
        try {
            p = TunnelTokenCodec.decode(token);
        } catch (IllegalArgumentException e) {
            throw TunnelErrors.invalid("the checkpoint of channel %s is not a valid token: %s", channelId,
                    e.getMessage());
        }
        var base = d.baseChannel(channelId);
        var stream = d.streamChannel(channelId);
        if (base.isPresent()) {
            if (!(p instanceof ChannelPosition.Base b)) {
                throw TunnelErrors.invalid("the token for base-data channel %s is not a base-data token", channelId);
            }
            byte[] key = b.nextRowKey();
            if (key.length > 0 && !base.get().range().contains(key)) {
                throw TunnelErrors.invalid("the token for channel %s points outside the channel's key range",
                        channelId);
            }
        } else if (stream.isPresent()) {
            long shard = p instanceof ChannelPosition.Stream s ? s.shardId()
                    : p instanceof ChannelPosition.Resync r ? r.shardId() : -1;
            if (shard != stream.get().shardId()) {
                throw TunnelErrors.invalid("the token for stream channel %s is not a token of its shard %d",
                        channelId, stream.get().shardId());
            }
            if (p instanceof ChannelPosition.Stream s) {
                requireRetained(d, channelId, s);
            } else if (p instanceof ChannelPosition.Resync r && snapshots.find(r.snapshotId()).isEmpty()) {
                throw TunnelErrors.invalid("the token for channel %s re-reads snapshot %s, which no longer exists",
                        channelId, r.snapshotId());
            }
        } else {
            throw unknownChannel(d, channelId);
        }
        return new Target(token, p.totalCount());
    }

    /** The position's next sequence is still in the change log (not trimmed) and not beyond its end. */
    private void requireRetained(TunnelDefinition d, String channelId, ChannelPosition.Stream p) {
        long trimmed = storage.trimmedThrough(d.tableId(), p.shardId());
        if (p.nextSequence() <= trimmed) {
            throw TunnelErrors.invalid("sequence %d of channel %s is no longer retained (the change log of shard %d "
                    + "starts at %d)", p.nextSequence(), channelId, p.shardId(), trimmed + 1);
        }
        var bounds = storage.logBounds(d.tableId(), p.shardId());
        long end = Math.max(bounds.lastSequence(), trimmed) + 1;
        if (p.nextSequence() > end) {
            throw TunnelErrors.invalid("sequence %d of channel %s is beyond the end of shard %d's change log (next "
                    + "sequence %d)", p.nextSequence(), channelId, p.shardId(), end);
        }
    }

    private void requireWithinRetention(TunnelDefinition d, long timeMs, long now) {
        if (timeMs > now) {
            throw TunnelErrors.invalid("time %s is in the future (now %s)", Instant.ofEpochMilli(timeMs),
                    Instant.ofEpochMilli(now));
        }
        OptionalLong start = retentionStart(d, now);
        if (start.isEmpty()) {
            throw TunnelErrors.invalid("table %s has no stream", d.tableName());
        }
        if (timeMs < start.getAsLong()) {
            TableDescriptor t = catalog.findById(d.tableId()).orElseThrow();
            throw TunnelErrors.invalid("time %s is before the retention start %s (the stream of table %s keeps "
                    + "%d hours)", Instant.ofEpochMilli(timeMs), Instant.ofEpochMilli(start.getAsLong()),
                    d.tableName(), t.stream().expirationHours());
        }
    }

    private OptionalLong retentionStart(TunnelDefinition d, long now) {
        if (d.type() == TunnelType.BASE_DATA) {
            return OptionalLong.empty();
        }
        return catalog.findById(d.tableId()).filter(t -> t.stream().enabled())
                .map(t -> OptionalLong.of(now - t.stream().expirationMillis())).orElse(OptionalLong.empty());
    }

    /** Each stream channel's position for {@code start}, resolved from storage. */
    private Map<String, Target> streamPositions(TunnelDefinition d, StreamStart start, long now) {
        Map<String, Target> out = new LinkedHashMap<>();
        for (TunnelDefinition.StreamChannelSpec s : d.streamChannels()) {
            ChannelPosition.Stream p = streamStarts.resolve(d.tableId(), s.shardId(), start, now * 1000);
            out.put(s.channelId(), new Target(TunnelTokenCodec.encode(p), p.totalCount()));
        }
        return out;
    }

    private static CheckpointsExport parse(String json) {
        CheckpointsExport.Builder b = CheckpointsExport.newBuilder();
        try {
            JsonFormat.parser().merge(json, b);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw TunnelErrors.invalid("the import is not a checkpoint export: %s", e.getMessage());
        }
        if (!b.isInitialized()) {
            throw TunnelErrors.invalid("the import is not a checkpoint export: missing %s",
                    b.findInitializationErrors());
        }
        return b.build();
    }

    // ------------------------------------------------------------------------------------------------ views

    /** A channel's checkpoint as shown, with its stream position decoded and the time of its next change. */
    private ChannelCheckpoint view(TunnelDefinition d, ChannelDefinition def, ChannelState s) {
        ChannelStatus shown = s.status().isOwned() || s.status() == ChannelStatus.TERMINATED
                ? s.status() : ChannelStatus.WAIT;
        ChannelCheckpoint.Builder b = ChannelCheckpoint.newBuilder().setChannelId(def.channelId())
                .setChannelType(def.kind().wireName()).setStatus(shown.name()).setVersion(s.version())
                .setToken(s.checkpointToken()).setSequenceNumber(s.checkpointSequence())
                .setConsumedCount(s.consumedCount()).setLastCheckpointTimeMs(s.lastCheckpointMillis())
                .setFinished(s.status() == ChannelStatus.TERMINATED || s.fullyRead());
        if (s.ownerClientId() != null) {
            b.setOwnerClientId(s.ownerClientId());
        }
        d.streamChannel(def.channelId()).ifPresent(spec -> b.setShardId(spec.shardId()));
        if (!b.getFinished()) {
            try {
                ChannelPosition p = TunnelTokenCodec.decode(s.checkpointToken());
                long next = p instanceof ChannelPosition.Stream st ? st.nextSequence()
                        : p instanceof ChannelPosition.Resync r ? r.resumeSequence() : 0;
                if (next > 0) {
                    b.setNextSequence(next);
                    List<LogRecord> at = storage.readLog(d.tableId(), b.getShardId(), next, 1, Long.MAX_VALUE);
                    if (!at.isEmpty() && at.get(0).sequence() == next) {
                        b.setNextChangeTimeMs(at.get(0).commitTimeMicros() / 1000);
                    }
                }
            } catch (IllegalArgumentException undecodable) {
                // shown as stored; nothing to decode
            }
        }
        return b.build();
    }

    /** A position for the history: {@code seq N}, a re-baseline, a base-data row count, or finished. */
    private static String describe(ChannelState s) {
        String token = s.checkpointToken();
        if (TunnelTokenCodec.FINISHED.equals(token)) {
            return "finished";
        }
        try {
            ChannelPosition p = TunnelTokenCodec.decode(token);
            if (p instanceof ChannelPosition.Stream st) {
                return "seq " + st.nextSequence();
            }
            if (p instanceof ChannelPosition.Resync r) {
                return "re-baseline then seq " + r.resumeSequence();
            }
            return "base row " + p.totalCount();
        } catch (IllegalArgumentException e) {
            return "undecodable token";
        }
    }
}
