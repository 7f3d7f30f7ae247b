package io.tunnelstore.server.tunnel;

import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.pb.AdminProtos;
import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.protocol.pb.TunnelProtos.GetRpoRequest;
import io.tunnelstore.server.ServerContext;
import io.tunnelstore.server.ServerModule;
import io.tunnelstore.server.cluster.ClusterPlacement;
import io.tunnelstore.server.cluster.ClusterResources;
import io.tunnelstore.server.http.RequestPlacement;
import io.tunnelstore.server.http.OperationHandler;
import io.tunnelstore.server.http.OperationRegistry;
import io.tunnelstore.server.table.TableCatalog;
import com.google.protobuf.Message;
import java.time.Clock;
import io.tunnelstore.coordinator.ChannelState;
import io.tunnelstore.protocol.tunnel.ChannelStatus;
import io.tunnelstore.coordinator.TunnelCoordinator;
import io.tunnelstore.coordinator.TunnelSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Tunnel Service as a server module: registers the {@code tunnel/*} operations and runs the periodic tick.
 *
 * <p>Structure: {@link TunnelAdmin} (create/delete/list/describe), {@link TunnelSessions} (connect, heartbeat,
 * shutdown, checkpoints), {@link RecordReader} (ReadRecords with long poll), {@link TunnelLifecycleTicker}
 * (client expiry, retention), all over a {@link TunnelRegistry} of {@link TunnelRuntime}s — one deterministic
 * coordinator per tunnel behind a serial queue on a shared pool; every durable coordinator change is saved to
 * storage meta before the response leaves.
 *
 * <p>Lifecycle: the constructor restores every stored tunnel (checkpoints and ownership kept; clients get a fresh
 * timeout to reconnect) and registers the long-poll listener with the engine; {@link #register} registers the
 * handlers and starts the tick; {@link #close} stops the tick and the pool. Thread-safe.
 */
public final class TunnelModule implements ServerModule, TunnelViews {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelModule.class);

    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final TunnelServiceConfig config;
    private final ExecutorService pool;
    private final TunnelRegistry registry;
    private final TunnelAdmin admin;
    private final TunnelSessions sessions;
    private final TunnelScheduling scheduling;
    private final TunnelRpo rpos;
    private final RecordReader reader;
    private final TunnelLifecycleTicker ticker;
    private final TunnelSnapshots snapshots;
    private final TunnelEvents events;
    private final TunnelCheckpointControl checkpoints;
    private final LossForecast forecast = new LossForecast();
    private final io.tunnelstore.storage.StorageEngine storage;
    private final TableCatalog catalog;
    private volatile ScheduledFuture<?> tickTask;
    private volatile ScheduledFuture<?> boundsPollTask;
    private final TunnelOwnership ownership;
    private final LogWaiters waiters;
    /** Ownership and catalog events are handled here, one at a time, never on the cluster's event thread. */
    private final SerialExecutor clusterEvents;

    /**
     * How often a clustered node reads the log bounds of the shards its long polls wait on: appends committed by
     * other nodes (partition owners) reach a waiting ReadRecords at most this much later (docs/scale-out.md).
     */
    static final java.time.Duration CLUSTER_LOG_POLL = java.time.Duration.ofMillis(200);

    /** The module with default settings over the server's storage, clock and scheduler. */
    public TunnelModule(ServerContext context) {
        this(context, TunnelServiceConfig.defaults());
    }

    /**
     * The module with explicit settings; uses the server's {@link TableCatalog} ({@link ServerContext#catalog()}).
     *
     * @throws IllegalArgumentException when the long-poll wait is not shorter than the server's handler timeout
     *     (a long poll would then be answered with OTSTimeout)
     */
    public TunnelModule(ServerContext context, TunnelServiceConfig config) {
        this(context, config, context.placement().clustered()
                ? new PlacementOwnership(context.placement()) : TunnelOwnership.single(context.storage()));
        ClusterPlacement placement = context.placement();
        if (placement.clustered()) {
            // never block the cluster's event thread: both hand the work to the module's serial queue
            placement.addOwnershipListener(this::ownershipChanged);
            placement.addCatalogListener(this::tunnelsChanged);
            ownershipChanged();
        }
    }

    /**
     * The module of one node; {@code ownership} says which tunnels it runs and writes their state (in a cluster, only
     * the owned ones, fenced).
     */
    TunnelModule(ServerContext context, TunnelServiceConfig config, TunnelOwnership ownership) {
        if (config.longPollWait().compareTo(context.config().handlerTimeout()) >= 0) {
            throw new IllegalArgumentException("longPollWait " + config.longPollWait()
                    + " must be shorter than the server's handlerTimeout " + context.config().handlerTimeout());
        }
        this.clock = context.clock();
        this.scheduler = context.scheduler();
        this.config = config;
        this.pool = Executors.newFixedThreadPool(config.handlerThreads(), daemonThreads());
        this.clusterEvents = new SerialExecutor(pool);
        TableCatalog catalog = context.catalog();
        this.ownership = ownership;
        this.registry = new TunnelRegistry(context.storage(), ownership, pool, clock::millis);
        registry.loadAll(clock.millis());
        this.snapshots = new TunnelSnapshots(context.storage());
        this.events = new TunnelEvents(context.storage(), ownership::writeMeta);
        this.storage = context.storage();
        this.catalog = catalog;
        this.admin = new TunnelAdmin(registry, catalog,
                new ChannelPlanner(context.storage(), config.baseSplitTargetBytes()),
                new StreamStartResolver(context.storage()), snapshots, events, forecast, clock,
                config.rebaselineByDefault());
        this.checkpoints = new TunnelCheckpointControl(registry, catalog, context.storage(),
                new StreamStartResolver(context.storage()), snapshots, events, admin, clock);
        this.sessions = new TunnelSessions(registry, clock);
        this.scheduling = new TunnelScheduling(registry, clock);
        this.rpos = new TunnelRpo(registry);
        LogWaiters waiters = new LogWaiters();
        context.storage().addLogListener(waiters);
        this.waiters = waiters;
        this.reader = new RecordReader(registry, catalog, context.storage(), snapshots, events, waiters, pool,
                scheduler, clock, config);
        this.ticker = new TunnelLifecycleTicker(registry, catalog, config.disableAfterExpired());
        context.services().provide(TunnelViews.class, this);
    }

    @Override
    public void register(OperationRegistry r) {
        // For keys limited to tables: tunnel/connect, readrecords, ... name only the tunnel id.
        r.registerTableLocator("tunnel_id", (instance, tunnelId) -> registry.definition(instance, tunnelId)
                .map(TunnelDefinition::tableName));
        r.register(Action.TUNNEL_CREATE, TunnelProtos.CreateTunnelRequest.parser(),
                (ctx, q) -> CompletableFuture.completedFuture(admin.create(ctx.instanceName(), q)));
        r.register(Action.TUNNEL_DELETE, TunnelProtos.DeleteTunnelRequest.parser(),
                (ctx, q) -> admin.delete(ctx.instanceName(), q));
        r.register(Action.TUNNEL_LIST, TunnelProtos.ListTunnelRequest.parser(),
                (ctx, q) -> admin.list(ctx.instanceName(), q));
        r.register(Action.TUNNEL_DESCRIBE, TunnelProtos.DescribeTunnelRequest.parser(),
                (ctx, q) -> admin.describe(ctx.instanceName(), q));
        r.register(Action.TUNNEL_CONNECT, TunnelProtos.ConnectRequest.parser(),
                (ctx, q) -> sessions.connect(ctx.instanceName(), q));
        r.register(Action.TUNNEL_HEARTBEAT, TunnelProtos.HeartbeatRequest.parser(),
                (ctx, q) -> sessions.heartbeat(ctx.instanceName(), q));
        r.register(Action.TUNNEL_SHUTDOWN, TunnelProtos.ShutdownRequest.parser(),
                (ctx, q) -> sessions.shutdown(ctx.instanceName(), q));
        r.register(Action.TUNNEL_GET_CHECKPOINT, TunnelProtos.GetCheckpointRequest.parser(),
                (ctx, q) -> sessions.getCheckpoint(ctx.instanceName(), q));
        r.register(Action.TUNNEL_CHECKPOINT, TunnelProtos.CheckpointRequest.parser(),
                (ctx, q) -> sessions.checkpoint(ctx.instanceName(), q));
        r.register(Action.TUNNEL_READ_RECORDS, TunnelProtos.ReadRecordsRequest.parser(),
                (ctx, q) -> reader.read(ctx.instanceName(), q, ctx.timing()));
        r.register(Action.TUNNEL_SCHEDULE, TunnelProtos.ScheduleRequest.parser(),
                (ctx, q) -> scheduling.schedule(ctx.instanceName(), q));
        OperationHandler<GetRpoRequest> rpo = (ctx, q) -> rpos.getRpo(ctx.instanceName(), q);
        r.register(Action.TUNNEL_GET_RPO, GetRpoRequest.parser(), rpo);
        r.register(Action.TUNNEL_GET_RPO_BY_OFFSET, GetRpoRequest.parser(), rpo);
        registerCheckpointControl(r);
        registerPlacements(r);
        long period = config.tickInterval().toMillis();
        tickTask = scheduler.scheduleAtFixedRate(this::tickSafely, period, period, TimeUnit.MILLISECONDS);
        if (ownership.clustered() || storage.fencing().isPresent()) {
            // several writers share the engine: appends of other nodes do not reach this node's log listener
            long poll = CLUSTER_LOG_POLL.toMillis();
            // the reads run on the module's pool: the shared scheduler must never wait on storage
            boundsPollTask = scheduler.scheduleWithFixedDelay(this::startBoundsPoll, poll, poll, TimeUnit.MILLISECONDS);
        }
    }

    private final java.util.concurrent.atomic.AtomicBoolean boundsPolling = new java.util.concurrent.atomic.AtomicBoolean();

    /** Starts one poll of the log bounds on the pool, unless the previous one is still running (slow storage). */
    private void startBoundsPoll() {
        if (!boundsPolling.compareAndSet(false, true)) {
            return;
        }
        try {
            pool.execute(() -> {
                try {
                    waiters.pollBounds(storage::logBounds);
                } catch (RuntimeException e) {
                    LOG.warn("Polling the change-log bounds for long polls failed", e);
                } finally {
                    boundsPolling.set(false);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            boundsPolling.set(false);
        }
    }

    /**
     * The cluster's ownership view changed (a node joined or left, a connection came back): runs the tunnels this
     * node now owns, stops the others. Asynchronous, serialized; completes when done (tests wait on it).
     */
    public CompletionStage<Void> ownershipChanged() {
        return clusterEvents.call(() -> {
            registry.ownershipChanged();
            return null;
        });
    }

    /**
     * Another node created or deleted tunnels (a catalog change): re-reads the definitions, then the ownership.
     * Asynchronous, serialized; completes when done.
     */
    public CompletionStage<Void> tunnelsChanged() {
        return clusterEvents.call(() -> {
            registry.refreshDefinitions();
            registry.ownershipChanged();
            return null;
        });
    }

    /**
     * Where tunnel actions run in a cluster (docs/scale-out.md): everything that reaches a tunnel's coordinator on the
     * tunnel's owner (by id, or by table and tunnel name through the definitions every node keeps); CreateTunnel and
     * checkpoints-fork (they create a tunnel: name uniqueness) on the catalog owner; ListTunnel anywhere (it reads the
     * stored state of the tunnels other nodes run).
     */
    private void registerPlacements(OperationRegistry r) {
        if (!ownership.clustered()) {
            return;
        }
        RequestPlacement<TunnelProtos.ConnectRequest> connect = (ctx, q) -> byId(q.getTunnelId());
        r.registerPlacement(Action.TUNNEL_CONNECT, connect);
        r.registerPlacement(Action.TUNNEL_HEARTBEAT,
                (RequestPlacement<TunnelProtos.HeartbeatRequest>) (ctx, q) -> byId(q.getTunnelId()));
        r.registerPlacement(Action.TUNNEL_SHUTDOWN,
                (RequestPlacement<TunnelProtos.ShutdownRequest>) (ctx, q) -> byId(q.getTunnelId()));
        r.registerPlacement(Action.TUNNEL_GET_CHECKPOINT,
                (RequestPlacement<TunnelProtos.GetCheckpointRequest>) (ctx, q) -> byId(q.getTunnelId()));
        r.registerPlacement(Action.TUNNEL_CHECKPOINT,
                (RequestPlacement<TunnelProtos.CheckpointRequest>) (ctx, q) -> byId(q.getTunnelId()));
        r.registerPlacement(Action.TUNNEL_READ_RECORDS,
                (RequestPlacement<TunnelProtos.ReadRecordsRequest>) (ctx, q) -> byId(q.getTunnelId()));
        r.registerPlacement(Action.TUNNEL_SCHEDULE,
                (RequestPlacement<TunnelProtos.ScheduleRequest>) (ctx, q) -> byId(q.getTunnelId()));
        RequestPlacement<GetRpoRequest> rpo = (ctx, q) -> byId(q.getTunnelId());
        r.registerPlacement(Action.TUNNEL_GET_RPO, rpo);
        r.registerPlacement(Action.TUNNEL_GET_RPO_BY_OFFSET, rpo);
        r.registerPlacement(Action.TUNNEL_DESCRIBE, (RequestPlacement<TunnelProtos.DescribeTunnelRequest>) (ctx, q) ->
                byName(ctx.instanceName(), q.getTableName(), q.getTunnelName()));
        r.registerPlacement(Action.TUNNEL_DELETE, (RequestPlacement<TunnelProtos.DeleteTunnelRequest>) (ctx, q) ->
                byName(ctx.instanceName(), q.getTableName(), q.getTunnelName()));
        r.registerPlacement(Action.TUNNEL_CREATE, (RequestPlacement<TunnelProtos.CreateTunnelRequest>) (ctx, q) ->
                java.util.Optional.of(ClusterResources.catalog()));
        r.registerPlacement(Action.ADMIN_CHECKPOINTS_FORK, (RequestPlacement<AdminProtos.ForkTunnelRequest>)
                (ctx, q) -> java.util.Optional.of(ClusterResources.catalog()));
        // a BaseAndStream tunnel's creation snapshots its table (seconds on HBase), a fork copies another's state:
        // forwarded to the catalog owner, they wait for its answer up to the handler timeout
        r.registerSlowOnOwner(Action.TUNNEL_CREATE);
        r.registerSlowOnOwner(Action.ADMIN_CHECKPOINTS_FORK);
        r.registerPlacement(Action.ADMIN_CHECKPOINTS_SHOW, (RequestPlacement<AdminProtos.ShowCheckpointsRequest>)
                (ctx, q) -> byName(ctx.instanceName(), q.getTableName(), q.getTunnelName()));
        r.registerPlacement(Action.ADMIN_CHECKPOINTS_EXPORT, (RequestPlacement<AdminProtos.ShowCheckpointsRequest>)
                (ctx, q) -> byName(ctx.instanceName(), q.getTableName(), q.getTunnelName()));
        r.registerPlacement(Action.ADMIN_CHECKPOINTS_SET, (RequestPlacement<AdminProtos.SetCheckpointRequest>)
                (ctx, q) -> byName(ctx.instanceName(), q.getTableName(), q.getTunnelName()));
        r.registerPlacement(Action.ADMIN_CHECKPOINTS_REWIND, (RequestPlacement<AdminProtos.RewindCheckpointsRequest>)
                (ctx, q) -> byName(ctx.instanceName(), q.getTableName(), q.getTunnelName()));
        r.registerPlacement(Action.ADMIN_CHECKPOINTS_RESET, (RequestPlacement<AdminProtos.ResetCheckpointsRequest>)
                (ctx, q) -> byName(ctx.instanceName(), q.getTableName(), q.getTunnelName()));
        r.registerPlacement(Action.ADMIN_CHECKPOINTS_IMPORT, (RequestPlacement<AdminProtos.ImportCheckpointsRequest>)
                (ctx, q) -> byName(ctx.instanceName(), q.getTableName(), q.getTunnelName()));
    }

    /** The owner of the tunnel with this id runs it (an unknown id too: the owner answers "tunnel not exist"). */
    private static java.util.Optional<String> byId(String tunnelId) {
        return tunnelId == null || tunnelId.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(ClusterResources.tunnel(tunnelId));
    }

    /**
     * The owner of the named tunnel runs it; a name this node does not know runs here (the handler reads the stored
     * definitions once more before it answers "tunnel not exist").
     */
    private java.util.Optional<String> byName(String instance, String table, String tunnel) {
        return registry.definitionByName(instance, table, tunnel).map(d -> ClusterResources.tunnel(d.tunnelId()));
    }

    /** Checkpoint control ({@code tunnelstore/admin/checkpoints-*}); the actor in the history is the access key. */
    private void registerCheckpointControl(OperationRegistry r) {
        r.register(Action.ADMIN_CHECKPOINTS_SHOW, AdminProtos.ShowCheckpointsRequest.parser(),
                (ctx, q) -> checkpoints.show(ctx.instanceName(), q));
        r.register(Action.ADMIN_CHECKPOINTS_EXPORT, AdminProtos.ShowCheckpointsRequest.parser(),
                (ctx, q) -> checkpoints.export(ctx.instanceName(), q));
        r.register(Action.ADMIN_CHECKPOINTS_SET, AdminProtos.SetCheckpointRequest.parser(),
                (ctx, q) -> checkpoints.set(ctx.instanceName(), ctx.principal().accessKeyId(), q));
        r.register(Action.ADMIN_CHECKPOINTS_REWIND, AdminProtos.RewindCheckpointsRequest.parser(),
                (ctx, q) -> checkpoints.rewind(ctx.instanceName(), ctx.principal().accessKeyId(), q));
        r.register(Action.ADMIN_CHECKPOINTS_RESET, AdminProtos.ResetCheckpointsRequest.parser(),
                (ctx, q) -> checkpoints.reset(ctx.instanceName(), ctx.principal().accessKeyId(), q));
        r.register(Action.ADMIN_CHECKPOINTS_FORK, AdminProtos.ForkTunnelRequest.parser(),
                (ctx, q) -> checkpoints.fork(ctx.instanceName(), ctx.principal().accessKeyId(), q));
        r.register(Action.ADMIN_CHECKPOINTS_IMPORT, AdminProtos.ImportCheckpointsRequest.parser(),
                (ctx, q) -> checkpoints.importJson(ctx.instanceName(), ctx.principal().accessKeyId(), q));
    }

    /** Runs one lifecycle tick now (tests with an injected clock call this instead of waiting for the timer). */
    public void tick() {
        long now = clock.millis();
        ticker.tick(now);
        if (!ownership.clustered()
                || now - lastClusterCollectionMillis >= CLUSTER_SNAPSHOT_COLLECT_INTERVAL.toMillis()) {
            lastClusterCollectionMillis = now;
            dropUnusedSnapshots();
        }
        sampleLag(now);
    }

    /**
     * Samples every stream tunnel's lag for the time-until-loss forecast ({@link LossForecast}): the age of the
     * oldest change a not-yet-terminated stream channel has not consumed (0 when all are caught up). Completes
     * when every tunnel was sampled (tests wait on it).
     */
    public CompletionStage<Void> sampleLag(long nowMillis) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (TunnelRuntime rt : registry.all()) {
            TunnelDefinition def = rt.definition();
            if (def.type() == io.tunnelstore.coordinator.TunnelType.BASE_DATA || rt.unusable()) {
                forecast.forget(rt.tunnelId());
                continue;
            }
            all.add(rt.call(TunnelCoordinator::snapshot).thenAccept(s -> {
                long oldestMicros = Long.MAX_VALUE;
                for (io.tunnelstore.coordinator.TunnelSnapshot.ChannelEntry e : s.channels()) {
                    if (e.definition().kind() != io.tunnelstore.coordinator.ChannelKind.STREAM
                            || e.state().status() == ChannelStatus.TERMINATED
                            || TunnelTokenCodec.FINISHED.equals(e.state().checkpointToken())) {
                        continue;
                    }
                    ChannelPosition p;
                    try {
                        p = TunnelTokenCodec.decode(e.state().checkpointToken());
                    } catch (IllegalArgumentException bad) {
                        continue;
                    }
                    if (p instanceof ChannelPosition.Stream sp) {
                        List<io.tunnelstore.storage.LogRecord> next = storage.readLog(def.tableId(), sp.shardId(),
                                sp.nextSequence(), 1, 1);
                        if (!next.isEmpty()) {
                            oldestMicros = Math.min(oldestMicros, next.get(0).commitTimeMicros());
                        }
                    }
                }
                forecast.record(rt.tunnelId(), nowMillis,
                        oldestMicros == Long.MAX_VALUE ? 0 : nowMillis - oldestMicros / 1000);
            }).toCompletableFuture().exceptionally(e -> null));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /**
     * In a cluster, a snapshot younger than this is never collected: it may be being created on another node, pinned
     * only there until the tunnel that refers to it has stored the reference (CreateTunnel, a re-baseline).
     */
    static final java.time.Duration CLUSTER_SNAPSHOT_GRACE = java.time.Duration.ofMinutes(10);
    /**
     * In a cluster the collection reads every tunnel's stored state, so the tick runs it at most this often (a single
     * node collects on every tick, from its runtimes in memory).
     */
    static final java.time.Duration CLUSTER_SNAPSHOT_COLLECT_INTERVAL = java.time.Duration.ofMinutes(1);
    /** When the tick last collected in a cluster (only the tick thread touches it). */
    private long lastClusterCollectionMillis = Long.MIN_VALUE / 2;

    /**
     * Drops the storage snapshots no tunnel needs any more (base phase over, tunnel expired or deleted); part of
     * every tick. Completes with the dropped ids (tests wait on it).
     */
    public CompletionStage<List<String>> dropUnusedSnapshots() {
        if (ownership.clustered()) {
            // Only the catalog owner collects (one collector; where base snapshots are taken), from every tunnel's
            // stored state (another node's tunnel may read any snapshot), and only snapshots older than the grace
            // period (one being taken on another node is pinned there only): docs/scale-out.md
            if (!ownership.ownsCatalog()) {
                return CompletableFuture.completedFuture(List.of());
            }
            return snapshots.dropUnreferenced(() -> registry.everyTunnelReadable().orElse(null),
                    rt -> rt.call(c -> referencedSnapshots(rt.definition(), c)),
                    clock.millis() - CLUSTER_SNAPSHOT_GRACE.toMillis())
                    .exceptionally(e -> {
                        LOG.warn("Dropping unused snapshots failed", e);
                        return List.of();
                    });
        }
        return snapshots.dropUnreferenced(registry::all, rt -> rt.call(c -> referencedSnapshots(rt.definition(), c)))
                .exceptionally(e -> {
                    LOG.warn("Dropping unused snapshots failed", e);
                    return List.of();
                });
    }

    /**
     * The snapshots a tunnel still reads: its base snapshot while base channels remain and it is usable, and the
     * re-baseline snapshot of every channel whose checkpoint is inside a re-baseline.
     */
    private static java.util.Set<String> referencedSnapshots(TunnelDefinition def, TunnelCoordinator c) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        io.tunnelstore.coordinator.TunnelDescription d = c.describe();
        boolean usable = d.expiry() == null && d.disabled() == null;
        if (usable && !def.baseSnapshotId().isEmpty()
                && d.stage() != io.tunnelstore.coordinator.TunnelStage.PROCESS_STREAM) {
            ids.add(def.baseSnapshotId());
        }
        if (usable) {
            for (io.tunnelstore.coordinator.TunnelSnapshot.ChannelEntry e : c.snapshot().channels()) {
                String token = e.state().checkpointToken();
                if (e.definition().kind() != io.tunnelstore.coordinator.ChannelKind.STREAM
                        || TunnelTokenCodec.FINISHED.equals(token)) {
                    continue;
                }
                try {
                    if (TunnelTokenCodec.decode(token) instanceof ChannelPosition.Resync r) {
                        ids.add(r.snapshotId());
                    }
                } catch (IllegalArgumentException ignored) {
                    // not ours to judge here: an undecodable token refers to no snapshot
                }
            }
        }
        return ids;
    }

    /**
     * Every tunnel of {@code instance} (by table, then name) with its coordinator description; for the console and
     * metrics. Each description is taken on its tunnel's queue; tunnels deleted meanwhile are left out. Thread-safe.
     */
    @Override
    public CompletionStage<List<TunnelView>> tunnels(String instance) {
        List<CompletableFuture<TunnelView>> views = new ArrayList<>();
        for (TunnelRuntime rt : registry.list(instance, null)) {
            TunnelDefinition d = rt.definition();
            views.add(rt.call(c -> new TunnelView(d.instanceName(), d.tableName(), d.tunnelName(), d.tunnelId(),
                            d.type(), d.createTimeMillis(), c.describe(), checkpointsOf(c.snapshot())))
                    .toCompletableFuture()
                    .exceptionally(e -> null));
        }
        return CompletableFuture.allOf(views.toArray(CompletableFuture[]::new)).thenApply(v ->
                views.stream().map(CompletableFuture::join).filter(Objects::nonNull).toList());
    }

    /** Each channel's decoded checkpoint; a TERMINATED channel is finished whatever its last token was. */
    private static Map<String, CheckpointPosition> checkpointsOf(TunnelSnapshot snapshot) {
        Map<String, CheckpointPosition> out = new HashMap<>();
        for (TunnelSnapshot.ChannelEntry e : snapshot.channels()) {
            ChannelState s = e.state();
            try {
                out.put(e.definition().channelId(), s.status() == ChannelStatus.TERMINATED
                        ? new CheckpointPosition.Finished() : CheckpointPosition.of(s.checkpointToken()));
            } catch (IllegalArgumentException undecodable) {
                LOG.debug("Tunnel {} channel {}: stored checkpoint cannot be decoded", snapshot.tunnelId(),
                        e.definition().channelId(), undecodable);
            }
        }
        return out;
    }

    /**
     * Suspends ({@code CLOSING}), resumes ({@code OPEN}) or terminates ({@code TERMINATED}) one channel, exactly as the
     * {@code tunnel/schedule} operation does; tests and the testkit use it to force hand-overs. The change is saved
     * before the stage completes; the channel's owner learns it from its next heartbeat. Thread-safe.
     *
     * @return a stage that fails with an {@link io.tunnelstore.protocol.errors.OtsException}: OTSParameterInvalid
     *     for an unknown tunnel or channel, a status other than the three above, or a TERMINATED channel asked to
     *     resume or suspend; OTSTunnelExpired for an expired or disabled tunnel
     */
    public CompletionStage<Void> schedule(String instance, String tunnelId, String channelId, ChannelStatus status) {
        try {
            return scheduling.schedule(instance, tunnelId,
                    List.of(new TunnelScheduling.Request(channelId, status)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e); // e.g. unknown tunnel, found before queueing
        }
    }

    /**
     * {@link #schedule(String, String, String, ChannelStatus)} with the wire's channel status ({@code OPEN},
     * {@code CLOSING} or {@code TERMINATED}), for code outside the server that should not depend on the coordinator's
     * types (the test kit).
     */
    public CompletionStage<Void> schedule(String instance, String tunnelId, String channelId,
                                          TunnelProtos.ChannelStatus status) {
        return ChannelStatus.fromWireNumber(status.getNumber())
                .map(s -> schedule(instance, tunnelId, channelId, s))
                .orElseGet(() -> CompletableFuture.failedFuture(
                        TunnelErrors.invalid("invalid channel status for %s", channelId)));
    }

    /**
     * The session Heartbeat of {@code request.client_id}, in process: the same call as when that client sends it over
     * the wire (same coordinator step, same persistence, same answer and errors), without a transport or signature.
     * For fault injection on behalf of a live worker (the test kit's {@code Faults.revokeChannels} reports an owner's
     * channels CLOSE with it); a worker itself heartbeats over the wire.
     *
     * @return the response, or a stage failed with the error the wire would carry (e.g. an unknown tunnel or client)
     */
    public CompletionStage<TunnelProtos.HeartbeatResponse> heartbeatAs(String instance,
                                                                       TunnelProtos.HeartbeatRequest request) {
        try {
            return sessions.heartbeat(instance, request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e); // e.g. unknown tunnel, found before queueing
        }
    }

    TunnelAdmin admin() {
        return admin;
    }

    TunnelSessions sessions() {
        return sessions;
    }

    RecordReader reader() {
        return reader;
    }

    TunnelRegistry registry() {
        return registry;
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.error("Tunnel tick failed", e);
        }
    }

    @Override
    public void close() {
        ScheduledFuture<?> t = tickTask;
        if (t != null) {
            t.cancel(false);
        }
        ScheduledFuture<?> p = boundsPollTask;
        if (p != null) {
            p.cancel(false);
        }
        pool.shutdown();
        try {
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "tunnel-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
