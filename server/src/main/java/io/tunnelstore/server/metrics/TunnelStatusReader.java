package io.tunnelstore.server.metrics;

import com.google.protobuf.Message;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.protocol.pb.TunnelProtos.ChannelInfo;
import io.tunnelstore.protocol.pb.TunnelProtos.DescribeTunnelRequest;
import io.tunnelstore.protocol.pb.TunnelProtos.DescribeTunnelResponse;
import io.tunnelstore.protocol.pb.TunnelProtos.GetCheckpointRequest;
import io.tunnelstore.protocol.pb.TunnelProtos.GetCheckpointResponse;
import io.tunnelstore.protocol.pb.TunnelProtos.ListTunnelRequest;
import io.tunnelstore.protocol.pb.TunnelProtos.ListTunnelResponse;
import io.tunnelstore.protocol.pb.TunnelProtos.TokenContentV2;
import io.tunnelstore.protocol.pb.TunnelProtos.TunnelInfo;
import io.tunnelstore.protocol.tunnel.TunnelTokens;
import io.tunnelstore.server.http.OperationRegistry;
import io.tunnelstore.server.http.Principal;
import io.tunnelstore.server.http.RequestContext;
import io.tunnelstore.server.http.RequestDispatcher;
import io.tunnelstore.server.table.TableCatalog;
import io.tunnelstore.server.table.TableDescriptor;
import io.tunnelstore.server.tunnel.TunnelView;
import io.tunnelstore.server.tunnel.coordinator.TunnelDescription;
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
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the state of tunnels for monitoring (metrics, web console) through the tunnel service's own API —
 * ListTunnel, DescribeTunnel and GetCheckpoint, called in-process with
 * {@link RequestDispatcher#callLocally} — and derives each stream channel's lag from its checkpoint and the
 * table's change log.
 *
 * <p>Lag of a stream channel: its checkpoint token carries the server's cursor {@code "<shardId>:<nextSequence>"}
 * (PROTOCOL.md §6.1 leaves the iterator to the server; Tunnelstore's tunnel service writes this shape). Records
 * behind = last retained sequence of the shard − next sequence + 1 (never below 0); time behind = now − commit
 * time of the first of those records. A {@code finished} checkpoint means 0 / 0. When the cursor has another shape,
 * the tunnel is expired, or the table is gone, the lag is reported as unknown rather than guessed.
 *
 * <p>Thread-safety: safe for concurrent use. Calls block the calling thread for at most {@code timeout} per tunnel
 * API call, so do not call them on the event loop or the shared scheduler.
 */
public final class TunnelStatusReader {

    private static final Logger log = LoggerFactory.getLogger(TunnelStatusReader.class);
    private static final long NANOS_PER_MILLI = 1_000_000L;
    /** Client id sent with GetCheckpoint; the call is deliberately not fenced by ownership. */
    private static final String MONITOR_CLIENT_ID = "tunnelstore-monitor";

    private final OperationRegistry registry;
    private final StorageEngine storage;
    private final TableCatalog catalog;
    private final Duration timeout;
    private final TunnelViewSource views;
    private final AtomicLong callCounter = new AtomicLong();

    /**
     * The tunnel service's richer in-process view ({@code TunnelModule::tunnels}): adds the clients that hold no
     * channel, client tags and heartbeats.
     */
    @FunctionalInterface
    public interface TunnelViewSource {
        CompletionStage<List<TunnelView>> tunnels(String instance);
    }

    /**
     * @param registry the server's operation registry (the tunnel module's handlers are looked up at call time)
     * @param storage  the storage engine (change-log bounds)
     * @param timeout  longest wait for one tunnel API call
     */
    public TunnelStatusReader(OperationRegistry registry, StorageEngine storage, Duration timeout) {
        this(registry, storage, timeout, null);
    }

    /**
     * A reader that also asks {@code views} (may be {@code null}) for the connected clients of each tunnel; without
     * it the clients are the owners of channels as DescribeTunnel reports them.
     */
    public TunnelStatusReader(OperationRegistry registry, StorageEngine storage, Duration timeout,
                              TunnelViewSource views) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.catalog = TableCatalog.shared(storage);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.views = views;
    }

    /**
     * Every tunnel of {@code instance} visible to {@code principal}, sorted by table then tunnel name. A tunnel that
     * disappears or fails to describe meanwhile is left out (and logged); an instance without a tunnel service
     * (no TunnelModule) has no tunnels.
     */
    public List<TunnelStatus> tunnels(String instance, Principal principal, long nowMillis) {
        List<TunnelInfo> infos = list(instance, principal);
        Map<String, List<ClientStatusView>> clients = liveClients(instance);
        List<TunnelStatus> result = new ArrayList<>(infos.size());
        for (TunnelInfo info : infos) {
            describe(instance, principal, info, clients, nowMillis).ifPresent(result::add);
        }
        result.sort(Comparator.comparing(TunnelStatus::tableName).thenComparing(TunnelStatus::tunnelName));
        return List.copyOf(result);
    }

    /** The tunnel with this id in {@code instance}, if it exists and can be described. */
    public Optional<TunnelStatus> tunnel(String instance, Principal principal, String tunnelId, long nowMillis) {
        Optional<TunnelInfo> info = list(instance, principal).stream()
                .filter(i -> i.getTunnelId().equals(tunnelId)).findFirst();
        return info.isEmpty() ? Optional.empty()
                : describe(instance, principal, info.get(), liveClients(instance), nowMillis);
    }

    /** Tunnel id to live clients from the tunnel service's view; empty when there is no view (or it failed). */
    private Map<String, List<ClientStatusView>> liveClients(String instance) {
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
        Map<String, List<ClientStatusView>> out = new java.util.HashMap<>();
        for (TunnelView v : all) {
            List<ClientStatusView> clients = new ArrayList<>();
            for (TunnelDescription.ClientView c : v.description().clients()) {
                clients.add(new ClientStatusView(c.clientId(), c.clientTag(), c.lastHeartbeatMillis(),
                        c.channelIds().stream().sorted().toList()));
            }
            out.put(v.tunnelId(), clients);
        }
        return out;
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
                                            Map<String, List<ClientStatusView>> liveClients, long nowMillis) {
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
        Optional<TableDescriptor> table = catalog.find(instance, t.getTableName());
        List<ChannelStatusView> channels = new ArrayList<>(d.getChannelsCount());
        for (ChannelInfo c : d.getChannelsList()) {
            Lag lag = t.getExpired() ? Lag.UNKNOWN : channelLag(instance, principal, t, table, c, nowMillis);
            channels.add(new ChannelStatusView(c.getChannelId(), c.getChannelType(), c.getChannelStatus(),
                    c.getClientId(), c.getChannelRpo() / NANOS_PER_MILLI, c.getChannelCount(), lag.records(),
                    lag.millis()));
        }
        channels.sort(Comparator.comparing(ChannelStatusView::channelId));
        List<ClientStatusView> clients = new ArrayList<>(liveClients.getOrDefault(t.getTunnelId(), ownersOf(channels)));
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

    private Lag channelLag(String instance, Principal principal, TunnelInfo t, Optional<TableDescriptor> table,
                           ChannelInfo c, long nowMillis) {
        if ("TERMINATED".equals(c.getChannelStatus())) {
            return Lag.NONE;
        }
        if (!"Stream".equals(c.getChannelType()) || table.isEmpty()) {
            return Lag.UNKNOWN;
        }
        String token;
        try {
            GetCheckpointResponse r = (GetCheckpointResponse) call(instance, principal, Action.TUNNEL_GET_CHECKPOINT,
                    GetCheckpointRequest.newBuilder().setTunnelId(t.getTunnelId()).setClientId(MONITOR_CLIENT_ID)
                            .setChannelId(c.getChannelId()).build());
            token = r.getCheckpoint();
        } catch (OtsException e) {
            log.debug("GetCheckpoint {}/{} for monitoring failed: {}", t.getTunnelId(), c.getChannelId(),
                    e.getMessage());
            return Lag.UNKNOWN;
        }
        if (TunnelTokens.FINISHED.equals(token)) {
            return Lag.NONE;
        }
        Optional<long[]> cursor = streamCursor(token);
        if (cursor.isEmpty()) {
            return Lag.UNKNOWN;
        }
        long shardId = cursor.get()[0];
        long tableId = table.get().tableId();
        LogBounds bounds = storage.logBounds(tableId, shardId);
        long from = Math.max(cursor.get()[1], bounds.firstSequence());
        if (bounds.isEmpty() || bounds.lastSequence() < from) {
            return Lag.NONE;
        }
        long behind = bounds.lastSequence() - from + 1;
        List<LogRecord> first = storage.readLog(tableId, shardId, from, 1, 1);
        OptionalLong millis = first.isEmpty() ? OptionalLong.empty()
                : OptionalLong.of(Math.max(0, nowMillis - first.get(0).commitTimeMicros() / 1000));
        return new Lag(OptionalLong.of(behind), millis);
    }

    /** {@code [shardId, nextSequence]} from a stream checkpoint token, or empty for any other shape. */
    static Optional<long[]> streamCursor(String token) {
        TokenContentV2 content;
        try {
            content = TunnelTokens.decode(token);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String iterator = content.getIterator();
        int colon = iterator.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        try {
            long shard = Long.parseLong(iterator.substring(0, colon));
            long next = Long.parseLong(iterator.substring(colon + 1));
            return next >= 1 ? Optional.of(new long[] {shard, next}) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private Message call(String instance, Principal principal, Action action, Message request) {
        RequestContext ctx = new RequestContext("monitor-" + callCounter.incrementAndGet(), instance, action,
                principal, Map.of(), System.currentTimeMillis());
        try {
            return RequestDispatcher.callLocally(registry, ctx, request).toCompletableFuture()
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
