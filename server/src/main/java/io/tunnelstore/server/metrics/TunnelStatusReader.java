package io.tunnelstore.server.metrics;

import com.google.protobuf.Message;
import io.tunnelstore.coordinator.ChannelKind;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.protocol.pb.TunnelProtos.ChannelInfo;
import io.tunnelstore.protocol.pb.TunnelProtos.DescribeTunnelRequest;
import io.tunnelstore.protocol.pb.TunnelProtos.DescribeTunnelResponse;
import io.tunnelstore.protocol.pb.TunnelProtos.ListTunnelRequest;
import io.tunnelstore.protocol.pb.TunnelProtos.ListTunnelResponse;
import io.tunnelstore.protocol.pb.TunnelProtos.TunnelInfo;
import io.tunnelstore.protocol.tunnel.ChannelStatus;
import io.tunnelstore.server.ServerServices;
import io.tunnelstore.server.http.OperationRegistry;
import io.tunnelstore.server.http.Principal;
import io.tunnelstore.server.http.RequestContext;
import io.tunnelstore.server.table.TableCatalog;
import io.tunnelstore.server.table.TableDescriptor;
import io.tunnelstore.server.tunnel.CheckpointPosition;
import io.tunnelstore.server.tunnel.TunnelView;
import io.tunnelstore.server.tunnel.TunnelViews;
import io.tunnelstore.coordinator.TunnelDescription;
import io.tunnelstore.storage.LogBounds;
import io.tunnelstore.storage.LogRecord;
import io.tunnelstore.storage.StorageEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the state of tunnels for monitoring (metrics, web console) through the tunnel service's own API —
 * ListTunnel and DescribeTunnel, called in-process with {@link OperationRegistry#callLocally} (so the caller's
 * permissions apply) — plus the tunnel service's {@link TunnelViews} for live clients and each channel's
 * {@link CheckpointPosition}, and derives each stream channel's lag from that position and the table's change log.
 *
 * <p>Lag of a stream channel at {@link CheckpointPosition.Stream} {@code (shard, next)}: records behind = last
 * retained sequence of the shard − next + 1 (never below 0); time behind = now − commit time of the first of those
 * records. A finished checkpoint means 0 / 0. When there is no position (no tunnel views, a channel that appeared
 * after the views were taken), the tunnel is expired, or the table is gone, the lag is reported as unknown rather
 * than guessed.
 *
 * <p>Thread-safety: safe for concurrent use. Calls block the calling thread for at most {@code timeout} per tunnel
 * API call, so do not call them on the event loop or the shared scheduler.
 */
public final class TunnelStatusReader {

    private static final Logger log = LoggerFactory.getLogger(TunnelStatusReader.class);
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final OperationRegistry registry;
    private final StorageEngine storage;
    private final TableCatalog catalog;
    private final Duration timeout;
    private final TunnelViews views;
    private final AtomicLong callCounter = new AtomicLong();

    /**
     * @param registry the server's operation registry (the tunnel module's handlers are looked up at call time)
     * @param storage  the storage engine (change-log bounds)
     * @param catalog  the server's table catalog
     * @param timeout  longest wait for one tunnel API call
     * @param views    the tunnel service's in-process views (live clients, checkpoint positions); {@code null} =
     *                 without, then clients are the channel owners DescribeTunnel reports and lag is unknown
     */
    public TunnelStatusReader(OperationRegistry registry, StorageEngine storage, TableCatalog catalog,
                              Duration timeout, TunnelViews views) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.views = views;
    }

    /**
     * The views the server's tunnel module provides, looked up at each call (the tunnel module may be created after
     * the reader's module); a server without a tunnel module has no tunnels, hence no views.
     */
    public static TunnelViews providedViews(ServerServices services) {
        Objects.requireNonNull(services, "services");
        return instance -> services.find(TunnelViews.class).map(v -> v.tunnels(instance))
                .orElseGet(() -> CompletableFuture.completedFuture(List.of()));
    }

    /**
     * Every tunnel of {@code instance} visible to {@code principal}, sorted by table then tunnel name. A tunnel that
     * disappears or fails to describe meanwhile is left out (and logged); an instance without a tunnel service
     * (no TunnelModule) has no tunnels.
     */
    public List<TunnelStatus> tunnels(String instance, Principal principal, long nowMillis) {
        List<TunnelInfo> infos = list(instance, principal);
        Map<String, TunnelView> byId = views(instance);
        List<TunnelStatus> result = new ArrayList<>(infos.size());
        for (TunnelInfo info : infos) {
            describe(instance, principal, info, byId, nowMillis).ifPresent(result::add);
        }
        result.sort(Comparator.comparing(TunnelStatus::tableName).thenComparing(TunnelStatus::tunnelName));
        return List.copyOf(result);
    }

    /** The tunnel with this id in {@code instance}, if it exists and can be described. */
    public Optional<TunnelStatus> tunnel(String instance, Principal principal, String tunnelId, long nowMillis) {
        Optional<TunnelInfo> info = list(instance, principal).stream()
                .filter(i -> i.getTunnelId().equals(tunnelId)).findFirst();
        return info.isEmpty() ? Optional.empty()
                : describe(instance, principal, info.get(), views(instance), nowMillis);
    }

    /** Tunnel id to the tunnel service's view; empty when there is no view source (or it failed). */
    private Map<String, TunnelView> views(String instance) {
        if (views == null) {
            return Map.of();
        }
        List<TunnelView> all;
        try {
            all = views.tunnels(instance).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Reading the tunnel views of instance {} failed; clients are derived from channel owners",
                    instance, e);
            return Map.of();
        }
        Map<String, TunnelView> out = new java.util.HashMap<>();
        for (TunnelView v : all) {
            out.put(v.tunnelId(), v);
        }
        return out;
    }

    /** The live clients of a tunnel's view. */
    private static List<ClientStatusView> clientsOf(TunnelView view) {
        List<ClientStatusView> clients = new ArrayList<>();
        for (TunnelDescription.ClientView c : view.description().clients()) {
            clients.add(new ClientStatusView(c.clientId(), c.clientTag(), c.lastHeartbeatMillis(),
                    c.channelIds().stream().sorted().toList()));
        }
        return clients;
    }

    /** Owners of channels, for when the tunnel service's view is not available. */
    private static List<ClientStatusView> ownersOf(List<ChannelStatusView> channels) {
        Map<String, List<String>> byOwner = new java.util.TreeMap<>();
        for (ChannelStatusView c : channels) {
            if (!c.ownerClientId().isEmpty()) {
                byOwner.computeIfAbsent(c.ownerClientId(), k -> new ArrayList<>()).add(c.channelId());
            }
        }
        List<ClientStatusView> out = new ArrayList<>();
        byOwner.forEach((id, ids) -> out.add(new ClientStatusView(id, "", 0, ids)));
        return out;
    }

    private List<TunnelInfo> list(String instance, Principal principal) {
        if (!principal.policy().allTables()) {
            // A key limited to tables may not list every table's tunnels: list those of its own tables.
            List<TunnelInfo> out = new ArrayList<>();
            for (String table : principal.policy().tables()) {
                try {
                    out.addAll(((ListTunnelResponse) call(instance, principal, Action.TUNNEL_LIST,
                            ListTunnelRequest.newBuilder().setTableName(table).build())).getTunnelsList());
                } catch (OtsException e) {
                    log.debug("ListTunnel of table {} failed in instance {}: {}", table, instance, e.getMessage());
                }
            }
            return out;
        }
        try {
            ListTunnelResponse r = (ListTunnelResponse) call(instance, principal, Action.TUNNEL_LIST,
                    ListTunnelRequest.getDefaultInstance());
            return r.getTunnelsList();
        } catch (OtsException e) {
            log.debug("ListTunnel for monitoring failed in instance {}: {}", instance, e.getMessage());
            return List.of();
        }
    }

    private Optional<TunnelStatus> describe(String instance, Principal principal, TunnelInfo info,
                                            Map<String, TunnelView> views, long nowMillis) {
        DescribeTunnelResponse d;
        try {
            d = (DescribeTunnelResponse) call(instance, principal, Action.TUNNEL_DESCRIBE,
                    DescribeTunnelRequest.newBuilder().setTableName(info.getTableName())
                            .setTunnelName(info.getTunnelName()).setTunnelId(info.getTunnelId()).build());
        } catch (OtsException e) {
            log.debug("DescribeTunnel {} for monitoring failed: {}", info.getTunnelId(), e.getMessage());
            return Optional.empty();
        }
        TunnelInfo t = d.getTunnel();
        TunnelView view = views.get(t.getTunnelId());
        Map<String, CheckpointPosition> checkpoints = view == null ? Map.of() : view.checkpoints();
        Optional<TableDescriptor> table = catalog.find(instance, t.getTableName());
        List<ChannelStatusView> channels = new ArrayList<>(d.getChannelsCount());
        for (ChannelInfo c : d.getChannelsList()) {
            Lag lag = t.getExpired() ? Lag.UNKNOWN : channelLag(table, c, checkpoints.get(c.getChannelId()), nowMillis);
            channels.add(new ChannelStatusView(c.getChannelId(), c.getChannelType(), c.getChannelStatus(),
                    c.getClientId(), c.getChannelRpo() / NANOS_PER_MILLI, c.getChannelCount(), lag.records(),
                    lag.millis()));
        }
        channels.sort(Comparator.comparing(ChannelStatusView::channelId));
        List<ClientStatusView> clients = new ArrayList<>(view == null ? ownersOf(channels) : clientsOf(view));
        clients.sort(Comparator.comparing(ClientStatusView::clientId));
        long retention = table.filter(tb -> tb.stream().enabled()).map(tb -> tb.stream().expirationMillis())
                .orElse(0L);
        List<TunnelStatus.HistoryEvent> history = d.getTunnelstoreEventsList().stream()
                .map(e -> new TunnelStatus.HistoryEvent(e.getAtMillis(), e.getKind(), e.getChannelId(),
                        e.getDetail(), e.getActor()))
                .toList();
        return Optional.of(new TunnelStatus(instance, t.getTableName(), t.getTunnelName(), t.getTunnelId(),
                t.getTunnelType(), t.getStage(), t.getExpired(), t.getCreateTime() / NANOS_PER_MILLI,
                d.getTunnelRpo() / NANOS_PER_MILLI, nowMillis, retention, channels, clients, history,
                d.hasTunnelstoreTimeUntilLossMs() ? java.util.OptionalLong.of(d.getTunnelstoreTimeUntilLossMs())
                        : java.util.OptionalLong.empty()));
    }

    /** Records and time behind of one channel (see the class comment). */
    private record Lag(OptionalLong records, OptionalLong millis) {
        static final Lag UNKNOWN = new Lag(OptionalLong.empty(), OptionalLong.empty());
        static final Lag NONE = new Lag(OptionalLong.of(0), OptionalLong.of(0));
    }

    private Lag channelLag(Optional<TableDescriptor> table, ChannelInfo c, CheckpointPosition checkpoint,
                           long nowMillis) {
        if (ChannelStatus.TERMINATED.name().equals(c.getChannelStatus()) || checkpoint instanceof CheckpointPosition.Finished) {
            return Lag.NONE;
        }
        if (!ChannelKind.STREAM.wireName().equals(c.getChannelType()) || table.isEmpty()
                || !(checkpoint instanceof CheckpointPosition.Stream position)) {
            return Lag.UNKNOWN;
        }
        long shardId = position.shardId();
        long tableId = table.get().tableId();
        LogBounds bounds = storage.logBounds(tableId, shardId);
        long from = Math.max(position.nextSequence(), bounds.firstSequence());
        if (bounds.isEmpty() || bounds.lastSequence() < from) {
            return Lag.NONE;
        }
        long behind = bounds.lastSequence() - from + 1;
        List<LogRecord> first = storage.readLog(tableId, shardId, from, 1, 1);
        OptionalLong millis = first.isEmpty() ? OptionalLong.empty()
                : OptionalLong.of(Math.max(0, nowMillis - first.get(0).commitTimeMicros() / 1000));
        return new Lag(OptionalLong.of(behind), millis);
    }

    private Message call(String instance, Principal principal, Action action, Message request) {
        RequestContext ctx = new RequestContext("monitor-" + callCounter.incrementAndGet(), instance, action,
                principal, Map.of(), System.currentTimeMillis());
        try {
            return registry.callLocally(ctx, request).toCompletableFuture()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OtsException(io.tunnelstore.protocol.errors.ErrorCode.INTERNAL_SERVER_ERROR,
                    "interrupted while reading tunnel state", e);
        } catch (TimeoutException e) {
            throw new OtsException(io.tunnelstore.protocol.errors.ErrorCode.TIMEOUT,
                    action.path() + " did not answer within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException ce && ce.getCause() != null
                    ? ce.getCause() : e.getCause();
            if (cause instanceof OtsException ots) {
                throw ots;
            }
            throw new OtsException(io.tunnelstore.protocol.errors.ErrorCode.INTERNAL_SERVER_ERROR,
                    action.path() + " failed: " + cause, cause);
        }
    }
}
