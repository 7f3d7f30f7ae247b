package io.tunnelstore.coordinator;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deterministic coordinator of one tunnel: client sessions, channel assignment, checkpoints and stages.
 *
 * <p><b>Threading and time.</b> Not thread-safe by design: exactly one thread (the tunnel's serial executor) calls
 * it. It does no I/O, starts no threads and never reads a clock: every time-dependent call takes {@code nowMillis}.
 * Given the same calls with the same arguments it always produces the same results and state.
 *
 * <p><b>Results.</b> Protocol operations return values; a refusal is a {@link Rejection} whose
 * {@link CoordinatorError} names the wire error. Exceptions ({@link IllegalArgumentException},
 * {@link IllegalStateException}) are thrown only for misuse by the server itself (administrative calls with bad
 * arguments), never for anything a client can send.
 *
 * <p><b>Changes and persistence (commit, then apply).</b> Every change of state goes through one funnel,
 * {@code transition(TunnelRecord)}, which applies the record, remembers how to undo it and marks its key dirty
 * (changes that are not durable on their own ride along through the same {@code apply}; the transient bookkeeping
 * of heartbeats, final counts and shutdown releases goes through {@code transition(Bookkeeping)}, journalled but
 * never stored; {@link #restore} applies a snapshot's records through the same {@code apply}). After
 * a call the wiring takes {@link #pendingChanges()} (the newest record of every key the call changed durably),
 * writes them, and then either {@link #commit()}s (the change becomes visible to later calls and is answered) or, if
 * the write failed, {@link #rollback()}s: the state is then exactly the last committed one, as if the call had never
 * run. Durable changes (membership, assignment, checkpoints, stage, expiry, loss events) also bump
 * {@link #changeCount()} and rewrite the small header record. Heartbeat timestamps and read statistics are not
 * durable on their own: after a restart every client gets a fresh grace period anyway, and statistics ride along
 * with the next durable change of their record. The wiring's side is documented in {@code docs/tunnel-service.md}.
 * A coordinator driven without a store (tests, simulations) should still {@link #commit()} now and then: the undo
 * journal only shrinks on commit or rollback.
 *
 * <p><b>Call structure.</b> Every mutating call first expires overdue sessions, then does its work, then advances the
 * stage and rebalances, so the outcome never depends on how often {@link #tick} runs.
 */
public final class TunnelCoordinator {

    private static final Logger log = LoggerFactory.getLogger(TunnelCoordinator.class);
    private static final String DEFAULT_TAG = "client";
    /** Consumed count argument of {@link #checkpoint(long, String, String, String, long, long)}: keep the count. */
    public static final long UNKNOWN_COUNT = -1;

    private final String tunnelId;
    private final TunnelType type;
    private final ClientIdGenerator idGenerator;
    private final TreeMap<String, ChannelDefinition> definitions = new TreeMap<>();
    private final TreeMap<String, ChannelState> states = new TreeMap<>();
    private final TreeMap<String, ClientSession> clients = new TreeMap<>();
    private final List<LossEvent> lossEvents = new ArrayList<>();
    /** Clients that heartbeated since connect/restore; only they receive channels. Transient by design. */
    private final Set<String> heartbeated = new HashSet<>();
    /** Row count of channels whose last batch was served ({@link #recordFinalCount}). Transient by design. */
    private final Map<String, Long> finalCounts = new HashMap<>();
    /**
     * Channels released by their owner's own ShutdownTunnel: the Go SDK sends its last Checkpoint concurrently with
     * ShutdownTunnel, so that checkpoint may arrive just after. Transient by design.
     */
    private final Map<String, ShutdownRelease> shutdownReleases = new HashMap<>();
    /**
     * Channels an operator repositioned ({@link #repositionCheckpoint}) while a client owned them, to that client, until
     * its next heartbeat (whose answer no longer lists the channel, so the SDK drops its connection). Until then the
     * channel is not given back to that client: it would see OPEN for a connection still running at the old position.
     * Transient by design: after a restart the clients reconnect or time out anyway.
     */
    private final Map<String, String> repositionedFrom = new HashMap<>();
    private TunnelStage stage = TunnelStage.INIT_BASE_DATA_AND_STREAM_SHARD;
    private LifecycleMark expired;
    private LifecycleMark disabled;
    private long nextClientSerial;
    private long changeCount;
    /** How to undo every change since the last {@link #commit()} / {@link #rollback()}, newest first. */
    private final Deque<Runnable> undo = new ArrayDeque<>();
    /** Newest record of every key changed durably since the last commit, in first-change order. */
    private final LinkedHashMap<String, TunnelRecord> dirty = new LinkedHashMap<>();

    /** A channel released by {@code clientId}'s shutdown, at {@code version}. */
    private record ShutdownRelease(String clientId, long version) {}

    /**
     * Changes of the transient bookkeeping (never stored, not in the snapshot). They go through
     * {@link #transition(Bookkeeping)} like every other change so that {@link #rollback()} undoes them too.
     */
    private sealed interface Bookkeeping {
        /** {@code clientId} heartbeated since connect/restore ({@code true}) or is gone ({@code false}). */
        record Heartbeated(String clientId, boolean value) implements Bookkeeping {}

        /** The last batch of {@code channelId} was served; it holds {@code totalCount} rows. */
        record FinalCount(String channelId, long totalCount) implements Bookkeeping {}

        /** {@code channelId} was released by its owner's own shutdown. */
        record ReleasedByShutdown(String channelId, ShutdownRelease release) implements Bookkeeping {}

        /** {@code channelId} was repositioned away from {@code formerOwner}; {@code null} clears the mark. */
        record Repositioned(String channelId, String formerOwner) implements Bookkeeping {}
    }

    private TunnelCoordinator(String tunnelId, TunnelType type, ClientIdGenerator idGenerator) {
        this.tunnelId = Objects.requireNonNull(tunnelId, "tunnelId");
        this.type = Objects.requireNonNull(type, "type");
        this.idGenerator = Objects.requireNonNull(idGenerator, "idGenerator");
    }

    /** A new tunnel in stage InitBaseDataAndStreamShard with no channels; call {@link #initialize} next. */
    public static TunnelCoordinator create(String tunnelId, TunnelType type, ClientIdGenerator idGenerator) {
        TunnelCoordinator coordinator = new TunnelCoordinator(tunnelId, type, idGenerator);
        coordinator.transition(coordinator.header()); // a brand-new tunnel has never been saved
        return coordinator;
    }

    /** {@link #create} followed by {@link #initialize}. */
    public static TunnelCoordinator createInitialized(
            String tunnelId, TunnelType type, List<ChannelDefinition> channels, ClientIdGenerator idGenerator) {
        TunnelCoordinator coordinator = create(tunnelId, type, idGenerator);
        coordinator.initialize(channels);
        return coordinator;
    }

    /**
     * Rebuilds a coordinator from a snapshot after a restart. Channel ownership and checkpoints are kept; every
     * session's last heartbeat is set to {@code nowMillis}, giving each client a full timeout to come back.
     *
     * @throws IllegalArgumentException if the snapshot is internally inconsistent
     */
    public static TunnelCoordinator restore(TunnelSnapshot snapshot, long nowMillis, ClientIdGenerator idGenerator) {
        TunnelCoordinator c = new TunnelCoordinator(snapshot.tunnelId(), snapshot.type(), idGenerator);
        // The snapshot's records go through the same apply() as live changes (and its checks); the restored state
        // counts as committed, so neither the undo journal nor the dirty set keeps them.
        c.apply(new TunnelRecord.Header(snapshot.stage(), snapshot.expired(), snapshot.disabled(),
                snapshot.nextClientSerial(), snapshot.changeCount()));
        for (ClientSession s : snapshot.clients()) {
            c.apply(new TunnelRecord.Client(
                    new ClientSession(s.clientId(), s.clientTag(), s.timeoutMillis(), nowMillis)));
        }
        for (TunnelSnapshot.ChannelEntry e : snapshot.channels()) {
            String id = e.definition().channelId();
            if (c.definitions.containsKey(id)) {
                throw new IllegalArgumentException("duplicate channel " + id + " in snapshot");
            }
            String owner = e.state().ownerClientId();
            if (owner != null && !c.clients.containsKey(owner)) {
                throw new IllegalArgumentException("channel " + id + " owned by unknown client " + owner);
            }
            c.apply(new TunnelRecord.Channel(e.definition(), e.state()));
        }
        for (LossEvent loss : snapshot.lossEvents()) {
            c.apply(new TunnelRecord.Loss(c.lossEvents.size(), loss));
        }
        c.changeCount = snapshot.changeCount();
        c.undo.clear();
        log.info("Tunnel {} restored: stage {}, {} channels, {} clients", c.tunnelId, c.stage.wireName(),
                c.states.size(), c.clients.size());
        return c;
    }

    /**
     * Rebuilds a coordinator from the records a store kept (one per key, see {@link TunnelRecord}), as
     * {@link #restore(TunnelSnapshot, long, ClientIdGenerator)} does from a snapshot.
     *
     * @throws IllegalArgumentException if the records are incomplete or inconsistent
     */
    public static TunnelCoordinator replay(String tunnelId, TunnelType type, List<TunnelRecord> records,
            long nowMillis, ClientIdGenerator idGenerator) {
        return restore(TunnelRecords.toSnapshot(tunnelId, type, records), nowMillis, idGenerator);
    }

    /** {@link #restore(TunnelSnapshot, long, ClientIdGenerator)} with randomly suffixed client ids. */
    public static TunnelCoordinator restore(TunnelSnapshot snapshot, long nowMillis) {
        return restore(snapshot, nowMillis, ClientIdGenerator.random(new SplittableRandom()));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Administrative calls (from the server itself)

    /**
     * Registers the tunnel's initial channels and leaves InitBaseDataAndStreamShard: Stream tunnels (and tunnels
     * without base channels) go straight to ProcessStream, the others to ProcessBaseData. For BaseAndStream the
     * stream channels' initial tokens fix the stream start position now, before any base data is read.
     *
     * @throws IllegalStateException    if already initialised
     * @throws IllegalArgumentException for duplicate ids or channel kinds the tunnel type does not allow
     */
    public void initialize(List<ChannelDefinition> channels) {
        if (stage != TunnelStage.INIT_BASE_DATA_AND_STREAM_SHARD) {
            throw new IllegalStateException("tunnel " + tunnelId + " already initialised");
        }
        addChannels(channels);
        boolean hasBase = definitions.values().stream().anyMatch(d -> d.kind() == ChannelKind.BASE_DATA);
        moveToStage(type == TunnelType.STREAM || !hasBase ? TunnelStage.PROCESS_STREAM : TunnelStage.PROCESS_BASE_DATA);
        rebalance(null, Map.of());
    }

    /**
     * Adds stream channels discovered at runtime (shard split or merge). They are opened once the tunnel is in
     * ProcessStream and all their parents are TERMINATED.
     *
     * @throws IllegalStateException    before {@link #initialize}
     * @throws IllegalArgumentException for non-stream channels, duplicate ids, or a Base-data tunnel
     */
    public void addStreamChannels(List<ChannelDefinition> channels) {
        if (stage == TunnelStage.INIT_BASE_DATA_AND_STREAM_SHARD) {
            throw new IllegalStateException("tunnel " + tunnelId + " is not initialised");
        }
        for (ChannelDefinition d : channels) {
            if (d.kind() != ChannelKind.STREAM) {
                throw new IllegalArgumentException("not a stream channel: " + d.channelId());
            }
        }
        addChannels(channels);
        rebalance(null, Map.of());
    }

    /**
     * Marks the tunnel expired (e.g. the base phase outlived the stream retention). From now on Connect, Heartbeat,
     * GetCheckpoint and Checkpoint answer {@link CoordinatorError#TUNNEL_EXPIRED}; Shutdown still works. Idempotent:
     * the first mark is kept.
     */
    public void expire(long nowMillis, String reason) {
        if (expired == null) {
            transition(header().withExpired(new LifecycleMark(nowMillis, reason)));
            log.info("Tunnel {} expired: {}", tunnelId, reason);
        }
    }

    /** Disables the tunnel; same client-visible effect as {@link #expire}. Idempotent. */
    public void disable(long nowMillis, String reason) {
        if (disabled == null) {
            transition(header().withDisabled(new LifecycleMark(nowMillis, reason)));
            log.info("Tunnel {} disabled: {}", tunnelId, reason);
        }
    }

    /**
     * Moves a stream channel's checkpoint forward to {@code token} because its data fell out of the stream retention,
     * and records the loss. The sequence number is bumped so that a checkpoint still in flight from the owner (for a
     * trimmed position) is refused rather than overwriting the reset; the owner re-reads the sequence and carries on.
     *
     * @throws IllegalArgumentException for an unknown or non-stream channel, or an empty / "finished" token
     * @throws IllegalStateException    if the channel is TERMINATED
     */
    public void resetToToken(long nowMillis, String channelId, String token, String lossNote) {
        ChannelState s = movableStreamChannel(channelId, token, "reset");
        transition(channelId, s.withCheckpoint(token, s.checkpointSequence() + 1, nowMillis));
        transition(new TunnelRecord.Loss(lossEvents.size(),
                new LossEvent(channelId, nowMillis, s.checkpointToken(), token, lossNote)));
        log.warn("Tunnel {} channel {}: data loss, checkpoint moved forward ({})", tunnelId, channelId, lossNote);
    }

    /**
     * Server-side move of a stream channel's checkpoint that is not a loss (a re-baseline: the new token re-reads the
     * channel's key range from a snapshot, then continues the log). Like {@link #resetToToken} it bumps the
     * checkpoint sequence, so a checkpoint still in flight for the old position is refused and its owner re-reads.
     *
     * @throws IllegalArgumentException for an unknown or non-stream channel or an empty/finished token
     * @throws IllegalStateException    for a TERMINATED channel
     */
    public void moveCheckpoint(long nowMillis, String channelId, String token) {
        ChannelState s = movableStreamChannel(channelId, token, "checkpoint");
        transition(channelId, s.withCheckpoint(token, s.checkpointSequence() + 1, nowMillis));
    }

    /**
     * The state of a stream channel whose checkpoint a server-side move ({@link #resetToToken}, {@link
     * #moveCheckpoint}) may set to {@code token}; {@code tokenKind} names the token in the error message.
     */
    private ChannelState movableStreamChannel(String channelId, String token, String tokenKind) {
        ChannelDefinition d = definitions.get(channelId);
        if (d == null || d.kind() != ChannelKind.STREAM) {
            throw new IllegalArgumentException("not a stream channel of tunnel " + tunnelId + ": " + channelId);
        }
        if (token == null || token.isEmpty() || ChannelState.FINISHED_TOKEN.equals(token)) {
            throw new IllegalArgumentException("invalid " + tokenKind + " token for " + channelId);
        }
        ChannelState s = states.get(channelId);
        if (s.status() == ChannelStatus.TERMINATED) {
            throw new IllegalStateException("channel " + channelId + " is TERMINATED");
        }
        return s;
    }

    /**
     * An operator's move of one channel's checkpoint (checkpoint control: set, rewind, reset, import), fenced like any
     * checkpoint: the token is replaced, the checkpoint sequence and the version are bumped, so a checkpoint still in
     * flight for the old position is refused (SEQUENCE_NUMBER_NOT_MATCH / NOT_OWNER, both {@code
     * OTSSequenceNumberNotMatch} on the wire). An owned channel (OPEN or CLOSING) is taken from its owner at once —
     * CLOSE, unowned, as when a client expires — and is not given back to that client before its next heartbeat, whose
     * answer no longer lists the channel: the SDKs then drop their connection, and the next connection's GetCheckpoint
     * reads the new position. A suspended channel stays suspended.
     *
     * @param consumedCount rows consumed up to {@code token} (the count the token carries)
     * @return the channel's state after the move
     * @throws IllegalArgumentException for an unknown channel, an empty or {@code "finished"} token, or a negative count
     * @throws IllegalStateException    for a TERMINATED channel
     */
    public ChannelState repositionCheckpoint(long nowMillis, String channelId, String token, long consumedCount) {
        expireOverdueSessions(nowMillis);
        ChannelState s = states.get(channelId);
        if (s == null) {
            throw new IllegalArgumentException("channel " + channelId + " does not exist in tunnel " + tunnelId);
        }
        if (token == null || token.isEmpty() || ChannelState.FINISHED_TOKEN.equals(token) || consumedCount < 0) {
            throw new IllegalArgumentException("invalid checkpoint for " + channelId);
        }
        if (s.status() == ChannelStatus.TERMINATED) {
            throw new IllegalStateException("channel " + channelId + " is TERMINATED");
        }
        ChannelState moved = s.withCheckpoint(token, s.checkpointSequence() + 1, nowMillis, consumedCount);
        String owner = s.ownerClientId();
        if (owner != null) {
            transition(channelId, moved.withStatus(ChannelStatus.CLOSE, s.version() + 1, null));
            transition(new Bookkeeping.Repositioned(channelId, owner));
        } else {
            transition(channelId, moved.withVersion(s.version() + 1));
        }
        log.info("Tunnel {} channel {}: checkpoint repositioned (sequence {} -> {}, owner {} released)", tunnelId,
                channelId, s.checkpointSequence(), s.checkpointSequence() + 1, owner);
        rebalance(null, Map.of());
        return states.get(channelId);
    }

    /**
     * Read bookkeeping for DescribeTunnel: advances the channel's consume point to {@code latestRecordTimeMillis}
     * (never backwards). Not a durable change by itself. (The consumed count comes from checkpoints, see
     * {@link #checkpoint(long, String, String, String, long, long)}.)
     *
     * @return false (and nothing recorded) for an unknown channel
     */
    public boolean recordRead(String channelId, long latestRecordTimeMillis) {
        ChannelState s = states.get(channelId);
        if (s == null) {
            return false;
        }
        ChannelState next = s.withConsumePoint(latestRecordTimeMillis);
        if (!next.equals(s)) {
            rideAlong(new TunnelRecord.Channel(definitions.get(channelId), next));
        }
        return true;
    }

    /**
     * Read bookkeeping: the channel's last batch was served and the channel holds {@code totalCount} rows in all.
     * A later {@code "finished"} checkpoint (whose token carries no count) sets the consumed count to it. Transient
     * (not in the snapshot): after a restart a {@code "finished"} checkpoint keeps the last checkpointed count.
     *
     * @return false (and nothing recorded) for an unknown channel or a negative count
     */
    public boolean recordFinalCount(String channelId, long totalCount) {
        if (!states.containsKey(channelId) || totalCount < 0) {
            return false;
        }
        transition(new Bookkeeping.FinalCount(channelId, totalCount));
        return true;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Protocol operations

    /**
     * ConnectTunnel: registers a client session.
     *
     * @param timeoutMillis heartbeat timeout (the wire sends seconds; the transport multiplies)
     * @param clientTag     client tag; null or blank becomes {@value #DEFAULT_TAG}
     * @return the new client id, TUNNEL_EXPIRED, or PARAMETER_INVALID for a non-positive timeout
     */
    public ConnectResult connect(long nowMillis, long timeoutMillis, String clientTag) {
        expireOverdueSessions(nowMillis);
        Rejection unusable = unusableTunnel();
        if (unusable != null) {
            return unusable;
        }
        if (timeoutMillis <= 0) {
            return new Rejection(CoordinatorError.PARAMETER_INVALID, "client timeout must be positive");
        }
        String tag = clientTag == null || clientTag.isBlank() ? DEFAULT_TAG : clientTag;
        String clientId;
        do {
            clientId = idGenerator.newClientId(tag, nextClientSerial);
            transition(header().withNextClientSerial(nextClientSerial + 1));
        } while (clients.containsKey(clientId));
        transition(new TunnelRecord.Client(new ClientSession(clientId, tag, timeoutMillis, nowMillis)));
        log.debug("Tunnel {}: client {} connected (timeout {} ms)", tunnelId, clientId, timeoutMillis);
        rebalance(null, Map.of());
        return new ConnectResult.Connected(clientId);
    }

    /**
     * Heartbeat: refreshes the session, applies the client's reports, rebalances and returns the channels listed to
     * the caller.
     *
     * <p>A report is adopted only when it is for a channel the caller owns and its version is higher than the
     * server's: CLOSE releases the channel (re-assignable), TERMINATED finishes it for good (may unlock child shards
     * and advance the stage); OPEN/CLOSING with a higher version only raise the server version so that later server
     * changes still win the client's version merge. Everything else is ignored.
     *
     * @param reported the request's channel list (Go omits it when empty; null is treated as empty)
     * @return the caller's OPEN and CLOSING channels sorted by id; RESOURCE_GONE for an unknown or expired client;
     *     TUNNEL_EXPIRED for an expired or disabled tunnel
     */
    public HeartbeatResult heartbeat(long nowMillis, String clientId, List<ChannelReport> reported) {
        expireOverdueSessions(nowMillis);
        Rejection unusable = unusableTunnel();
        if (unusable != null) {
            return unusable;
        }
        ClientSession session = clients.get(clientId);
        if (session == null) {
            return clientGone(clientId);
        }
        rideAlong(new TunnelRecord.Client(session.heartbeatAt(nowMillis)));
        transition(new Bookkeeping.Heartbeated(clientId, true));
        Map<String, String> handedBack = new HashMap<>();
        for (ChannelReport report : reported == null ? List.<ChannelReport>of() : reported) {
            if (applyReport(clientId, report)) {
                handedBack.put(report.channelId(), clientId);
            }
        }
        advanceStage();
        rebalance(clientId, handedBack);
        HeartbeatResult.Assigned answer = new HeartbeatResult.Assigned(listingFor(clientId));
        // This answer does not list the channels repositioned away from the caller: it now drops them, and may
        // receive them again from its next heartbeat on.
        for (Map.Entry<String, String> e : new ArrayList<>(repositionedFrom.entrySet())) {
            if (e.getValue().equals(clientId)) {
                transition(new Bookkeeping.Repositioned(e.getKey(), null));
            }
        }
        return answer;
    }

    /** ShutdownTunnel: removes the session and releases its channels (CLOSE, re-assignable at once). */
    public ShutdownResult shutdown(long nowMillis, String clientId) {
        expireOverdueSessions(nowMillis);
        if (!clients.containsKey(clientId)) {
            return clientGone(clientId);
        }
        transition(new TunnelRecord.ClientGone(clientId));
        transition(new Bookkeeping.Heartbeated(clientId, false));
        List<String> released = releaseAll(clientId);
        for (String channelId : released) {
            transition(new Bookkeeping.ReleasedByShutdown(channelId,
                    new ShutdownRelease(clientId, states.get(channelId).version())));
        }
        log.debug("Tunnel {}: client {} shut down, released {}", tunnelId, clientId, released);
        rebalance(null, Map.of());
        return new ShutdownResult.Released(released);
    }

    /**
     * Ends a client's session now, exactly as a heartbeat timeout would (an operator's eviction): its channels are
     * released and re-assigned, its id gets RESOURCE_GONE from now on, and — unlike {@link #shutdown} — no late
     * checkpoint of it is accepted.
     *
     * @return false (and nothing changed) for an unknown or already expired client
     */
    public boolean evict(long nowMillis, String clientId) {
        expireOverdueSessions(nowMillis);
        ClientSession s = clients.get(clientId);
        if (s == null) {
            return false;
        }
        endSession(s, "evicted");
        rebalance(null, Map.of());
        return true;
    }

    /**
     * Timer entry point: expires sessions whose last heartbeat is older than their timeout (their channels become
     * re-assignable and their ids get RESOURCE_GONE from now on) and rebalances. Call it at
     * {@link #nextDeadlineMillis()} or periodically.
     */
    public void tick(long nowMillis) {
        expireOverdueSessions(nowMillis);
        advanceStage();
        rebalance(null, Map.of());
    }

    /**
     * Schedule (the Go SDK's {@code tunnel/schedule}, an operator call): moves one channel on request.
     *
     * <ul>
     *   <li>{@code OPEN} resumes: clears the suspended flag so the channel is assignable again (no-op for a channel
     *       that is not suspended). An owner still handing back a suspended channel (CLOSING) finishes that first;
     *       the channel is then re-assigned like any released one and resumes from its checkpoint.
     *   <li>{@code CLOSING} suspends: an OPEN channel becomes CLOSING (version+1) for its owner, who hands it back
     *       through the normal CLOSE report; from then on (unowned channels at once) it stays unassigned until
     *       resumed. Its checkpoint is kept.
     *   <li>{@code TERMINATED} finishes the channel for good (version+1, unowned): the former owner is no longer
     *       listed it, GetCheckpoint answers {@value ChannelState#FINISHED_TOKEN}, child shards are unlocked and the
     *       stage may advance. Idempotent.
     * </ul>
     *
     * @return the channel's state after the call; PARAMETER_INVALID for an unknown channel, a requested status
     *     other than OPEN/CLOSING/TERMINATED, or a TERMINATED channel asked to resume or suspend; TUNNEL_EXPIRED for
     *     an expired or disabled tunnel
     */
    public ScheduleResult schedule(long nowMillis, String channelId, ChannelStatus requested) {
        expireOverdueSessions(nowMillis);
        Rejection refused = trySchedule(channelId, requested);
        if (refused != null) {
            return refused;
        }
        advanceStage();
        rebalance(null, Map.of());
        ChannelState s = states.get(channelId);
        return new ScheduleResult.Scheduled(channelId, s.status(), s.version(), s.suspended());
    }

    private Rejection trySchedule(String channelId, ChannelStatus requested) {
        Rejection unusable = unusableTunnel();
        if (unusable != null) {
            return unusable;
        }
        ChannelState s = states.get(channelId);
        if (s == null) {
            return unknownChannel(channelId);
        }
        if (requested != ChannelStatus.OPEN && requested != ChannelStatus.CLOSING
                && requested != ChannelStatus.TERMINATED) {
            return new Rejection(CoordinatorError.PARAMETER_INVALID,
                    "schedule accepts OPEN, CLOSING or TERMINATED, not " + requested);
        }
        if (s.status() == ChannelStatus.TERMINATED) {
            return requested == ChannelStatus.TERMINATED ? null : new Rejection(CoordinatorError.PARAMETER_INVALID,
                    "channel " + channelId + " of tunnel " + tunnelId + " is TERMINATED");
        }
        switch (requested) {
            case OPEN -> {
                if (s.suspended()) {
                    transition(channelId, s.withSuspended(false));
                    log.info("Tunnel {} channel {} resumed", tunnelId, channelId);
                }
            }
            case CLOSING -> {
                if (s.status() == ChannelStatus.OPEN) {
                    // Taken away through the normal hand-over: the owner sees CLOSING at a higher version.
                    transition(channelId, ChannelStatus.CLOSING, s.version() + 1, s.ownerClientId());
                }
                if (!s.suspended()) {
                    transition(channelId, states.get(channelId).withSuspended(true));
                    log.info("Tunnel {} channel {} suspended", tunnelId, channelId);
                }
            }
            case TERMINATED -> {
                transition(channelId, ChannelStatus.TERMINATED, s.version() + 1, null);
                log.info("Tunnel {} channel {} terminated by schedule", tunnelId, channelId);
            }
            default -> throw new IllegalStateException("unreachable: " + requested);
        }
        return null;
    }

    /**
     * GetCheckpoint: the channel's resume position. Deliberately not fenced by ownership: both SDKs call it for every
     * channel they are shown (including CLOSE/TERMINATED ones), and tools read channels without a worker.
     *
     * @return initial token with sequence 0 if never checkpointed; {@code "finished"} for a TERMINATED channel;
     *     PARAMETER_INVALID for an unknown channel; TUNNEL_EXPIRED for an expired or disabled tunnel
     */
    public GetCheckpointResult getCheckpoint(String clientId, String channelId) {
        Rejection unusable = unusableTunnel();
        if (unusable != null) {
            return unusable;
        }
        ChannelState s = states.get(channelId);
        if (s == null) {
            return unknownChannel(channelId);
        }
        String token = s.status() == ChannelStatus.TERMINATED ? ChannelState.FINISHED_TOKEN : s.checkpointToken();
        return new GetCheckpointResult.Found(token, s.checkpointSequence());
    }

    /**
     * Checkpoint: stores {@code token} as the channel's resume position.
     *
     * <p>Checks, in order: tunnel usable (TUNNEL_EXPIRED), non-empty token and known channel (PARAMETER_INVALID),
     * live client (RESOURCE_GONE), caller owns the channel, OPEN or CLOSING (NOT_OWNER: fencing of stale owners),
     * {@code sequence == stored + 1} (SEQUENCE_NUMBER_NOT_MATCH), and no going back once {@code "finished"} was
     * stored (PARAMETER_INVALID).
     */
    public CheckpointResult checkpoint(
            long nowMillis, String clientId, String channelId, String token, long sequenceNumber) {
        return checkpoint(nowMillis, clientId, channelId, token, sequenceNumber, UNKNOWN_COUNT);
    }

    /**
     * {@link #checkpoint(long, String, String, String, long)} that also sets the channel's consumed count to
     * {@code consumedCount}, the number of rows consumed up to {@code token} (the wiring reads it from the token).
     * DescribeTunnel's count thus counts acknowledged rows, not rows served, and a re-delivered batch is not
     * counted twice.
     *
     * @param consumedCount rows consumed up to {@code token}, or {@link #UNKNOWN_COUNT}: then a {@code "finished"}
     *                      token takes the count given to {@link #recordFinalCount}, anything else keeps the count
     */
    public CheckpointResult checkpoint(long nowMillis, String clientId, String channelId, String token,
            long sequenceNumber, long consumedCount) {
        expireOverdueSessions(nowMillis);
        CheckpointResult result = tryCheckpoint(nowMillis, clientId, channelId, token, sequenceNumber, consumedCount);
        rebalance(null, Map.of());
        return result;
    }

    private CheckpointResult tryCheckpoint(long nowMillis, String clientId, String channelId, String token,
            long sequenceNumber, long consumedCount) {
        Rejection unusable = unusableTunnel();
        if (unusable != null) {
            return unusable;
        }
        if (token == null || token.isEmpty()) {
            return new Rejection(CoordinatorError.PARAMETER_INVALID, "checkpoint must not be empty");
        }
        ChannelState s = states.get(channelId);
        if (s == null) {
            return unknownChannel(channelId);
        }
        if (!clients.containsKey(clientId)) {
            if (!isLateCheckpointAfterOwnShutdown(clientId, channelId, s)) {
                return clientGone(clientId);
            }
        } else if (!clientId.equals(s.ownerClientId())) {
            return new Rejection(CoordinatorError.NOT_OWNER,
                    "channel " + channelId + " is not owned by client " + clientId);
        }
        if (sequenceNumber != s.checkpointSequence() + 1) {
            return new Rejection(CoordinatorError.SEQUENCE_NUMBER_NOT_MATCH, "sequence number " + sequenceNumber
                    + " does not match, expected " + (s.checkpointSequence() + 1));
        }
        if (s.fullyRead() && !ChannelState.FINISHED_TOKEN.equals(token)) {
            return new Rejection(CoordinatorError.PARAMETER_INVALID, "channel " + channelId + " already finished");
        }
        long count = consumedCount >= 0 ? consumedCount
                : ChannelState.FINISHED_TOKEN.equals(token) ? finalCounts.getOrDefault(channelId, s.consumedCount())
                : s.consumedCount();
        transition(channelId, s.withCheckpoint(token, sequenceNumber, nowMillis, count));
        return new CheckpointResult.Accepted(sequenceNumber);
    }

    /**
     * True for a checkpoint from a client that is gone because it shut itself down, for a channel that this very
     * shutdown released and that nobody changed since (same version, still CLOSE): the Go SDK's {@code Close()} sends
     * its last Checkpoint concurrently with ShutdownTunnel, and refusing it would deliver the batch again. A channel
     * re-assigned (or changed in any way) since is fenced as before, and so is every other client.
     */
    private boolean isLateCheckpointAfterOwnShutdown(String clientId, String channelId, ChannelState s) {
        ShutdownRelease r = shutdownReleases.get(channelId);
        return r != null && r.clientId().equals(clientId) && r.version() == s.version()
                && s.status() == ChannelStatus.CLOSE;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Views and persistence

    /** Immutable view of the whole tunnel for DescribeTunnel. */
    public TunnelDescription describe() {
        List<TunnelDescription.ChannelView> channels = new ArrayList<>();
        Map<String, List<String>> byClient = new TreeMap<>();
        clients.keySet().forEach(id -> byClient.put(id, new ArrayList<>()));
        for (ChannelDefinition d : definitions.values()) {
            ChannelState s = states.get(d.channelId());
            ChannelStatus shown = s.status().isOwned() || s.status() == ChannelStatus.TERMINATED
                    ? s.status() : ChannelStatus.WAIT;
            channels.add(new TunnelDescription.ChannelView(d.channelId(), d.kind(), shown, s.ownerClientId(),
                    s.rpoMillis(), s.consumedCount(), s.version(), s.checkpointSequence(), s.lastCheckpointMillis(),
                    d.parentIds()));
            if (s.ownerClientId() != null) {
                byClient.get(s.ownerClientId()).add(d.channelId());
            }
        }
        List<TunnelDescription.ClientView> clientViews = new ArrayList<>();
        for (ClientSession c : clients.values()) {
            clientViews.add(new TunnelDescription.ClientView(c.clientId(), c.clientTag(), c.timeoutMillis(),
                    c.lastHeartbeatMillis(), byClient.get(c.clientId())));
        }
        return new TunnelDescription(tunnelId, type, stage, expired, disabled, channels, clientViews, lossEvents);
    }

    /** The whole state as an immutable value (see {@link TunnelSnapshotCodec} for bytes). */
    public TunnelSnapshot snapshot() {
        List<TunnelSnapshot.ChannelEntry> channels = new ArrayList<>();
        definitions.forEach((id, d) -> channels.add(new TunnelSnapshot.ChannelEntry(d, states.get(id))));
        return new TunnelSnapshot(tunnelId, type, stage, expired, disabled, nextClientSerial, changeCount, channels,
                List.copyOf(clients.values()), lossEvents);
    }

    /** Number of durable changes so far; grows by at least one with every durable change. */
    public long changeCount() {
        return changeCount;
    }

    /** True when there are durable changes since the last {@link #commit()} (they must be stored first). */
    public boolean isDirty() {
        return !dirty.isEmpty();
    }

    /**
     * The records to store for the durable changes since the last {@link #commit()}: the current record of every key
     * they touched (with statistics that ride along), in first-change order. Writing them atomically makes the stored
     * state equal to this coordinator's.
     */
    public List<TunnelRecord> pendingChanges() {
        return List.copyOf(dirty.values());
    }

    /** The pending changes are stored: they become the state later calls build on. */
    public void commit() {
        undo.clear();
        dirty.clear();
    }

    /**
     * The pending changes could not be stored: undoes every change since the last {@link #commit()} (durable or not,
     * transient bookkeeping included), leaving the coordinator exactly as it was then.
     */
    public void rollback() {
        while (!undo.isEmpty()) {
            undo.pop().run();
        }
        dirty.clear();
    }

    /** True once the tunnel is expired or disabled. */
    public boolean unusable() {
        return unusableTunnel() != null;
    }

    /** Earliest instant at which a session expires, i.e. when {@link #tick} has work; empty with no clients. */
    public OptionalLong nextDeadlineMillis() {
        return clients.values().stream().mapToLong(ClientSession::expiresAtMillis).min();
    }

    /** Tunnel id. */
    public String tunnelId() {
        return tunnelId;
    }

    /** Tunnel type. */
    public TunnelType type() {
        return type;
    }

    /** Current stage. */
    public TunnelStage stage() {
        return stage;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internals

    private void addChannels(List<ChannelDefinition> channels) {
        Map<String, ChannelDefinition> incoming = new HashMap<>();
        for (ChannelDefinition d : channels) {
            if (!type.allows(d.kind())) {
                throw new IllegalArgumentException(
                        type.wireName() + " tunnel cannot hold " + d.kind().wireName() + " channel " + d.channelId());
            }
            if (definitions.containsKey(d.channelId()) || incoming.put(d.channelId(), d) != null) {
                throw new IllegalArgumentException("duplicate channel " + d.channelId());
            }
        }
        for (ChannelDefinition d : channels) {
            transition(new TunnelRecord.Channel(d, ChannelState.initial(d.initialToken())));
        }
    }

    /** Applies one report; returns true when it handed the channel back (CLOSE). */
    private boolean applyReport(String clientId, ChannelReport report) {
        ChannelState s = states.get(report.channelId());
        if (s == null || !clientId.equals(s.ownerClientId()) || report.version() <= s.version()) {
            return false;
        }
        switch (report.status()) {
            case CLOSE -> {
                transition(report.channelId(), ChannelStatus.CLOSE, report.version(), null);
                return true;
            }
            case TERMINATED -> transition(report.channelId(), ChannelStatus.TERMINATED, report.version(), null);
            case OPEN, CLOSING -> {
                // The client never raises a version with these statuses; if one does, catch up so our next change
                // still wins its merge (otherwise a CLOSING request could be shadowed forever).
                transition(report.channelId(), s.withVersion(report.version()));
            }
            case WAIT -> { } // not a wire status
        }
        return false;
    }

    /** A status change of a channel; {@code version} must exceed the current one. */
    private void transition(String channelId, ChannelStatus target, long version, String owner) {
        ChannelState s = states.get(channelId);
        transition(channelId, s.withStatus(target, version, owner));
        log.debug("Tunnel {} channel {}: {} v{} -> {} v{} owner {}", tunnelId, channelId, s.status(), s.version(),
                target, version, owner);
    }

    /** A durable change of one existing channel's state. */
    private void transition(String channelId, ChannelState next) {
        transition(new TunnelRecord.Channel(definitions.get(channelId), next));
    }

    /**
     * The one place the coordinator's state changes durably: applies {@code change}, journals its undo, bumps
     * {@link #changeCount()} and marks the record (and the header) for the store. See {@link #pendingChanges()}.
     */
    private void transition(TunnelRecord change) {
        apply(change);
        long before = changeCount;
        changeCount++;
        undo.push(() -> changeCount = before);
        dirty.put(change.key(), change);
        dirty.put(TunnelRecord.HEADER_KEY, header());
    }

    /**
     * A change that is not durable on its own (a consume point, a heartbeat time): applied and journalled like any
     * other, stored only with the next durable change of the same record.
     */
    private void rideAlong(TunnelRecord change) {
        apply(change);
        if (dirty.containsKey(change.key())) {
            dirty.put(change.key(), change);
        }
    }

    /** Applies one record to memory after checking the invariants it must keep, and journals its undo. */
    private void apply(TunnelRecord change) {
        if (change instanceof TunnelRecord.Channel c) {
            applyChannel(c);
        } else if (change instanceof TunnelRecord.Header h) {
            if (h.stage() != stage && !stage.canTransitionTo(h.stage())) {
                throw new IllegalStateException("invalid stage transition " + stage + " -> " + h.stage());
            }
            TunnelStage oldStage = stage;
            LifecycleMark oldExpired = expired;
            LifecycleMark oldDisabled = disabled;
            long oldSerial = nextClientSerial;
            stage = h.stage();
            expired = h.expired();
            disabled = h.disabled();
            nextClientSerial = h.nextClientSerial();
            undo.push(() -> {
                stage = oldStage;
                expired = oldExpired;
                disabled = oldDisabled;
                nextClientSerial = oldSerial;
            });
        } else if (change instanceof TunnelRecord.Client c) {
            String id = c.session().clientId();
            ClientSession old = clients.put(id, c.session());
            undo.push(() -> restoreEntry(clients, id, old));
        } else if (change instanceof TunnelRecord.ClientGone g) {
            ClientSession old = clients.remove(g.clientId());
            undo.push(() -> restoreEntry(clients, g.clientId(), old));
        } else if (change instanceof TunnelRecord.Loss l) {
            if (l.index() != lossEvents.size()) {
                throw new IllegalStateException("loss event " + l.index() + " out of order in tunnel " + tunnelId);
            }
            lossEvents.add(l.event());
            undo.push(() -> lossEvents.remove(lossEvents.size() - 1));
        }
    }

    private void applyChannel(TunnelRecord.Channel c) {
        String id = c.definition().channelId();
        ChannelState s = states.get(id);
        ChannelState next = c.state();
        if (s == null) {
            definitions.put(id, c.definition());
            states.put(id, next);
            undo.push(() -> {
                definitions.remove(id);
                states.remove(id);
            });
            return;
        }
        if (!c.definition().equals(definitions.get(id))) {
            throw new IllegalStateException("the definition of channel " + id + " is fixed");
        }
        boolean statusChange = next.status() != s.status() || !Objects.equals(next.ownerClientId(), s.ownerClientId());
        if (next.version() < s.version() || next.checkpointSequence() < s.checkpointSequence()
                || (statusChange && (!s.status().canTransitionTo(next.status()) || next.version() <= s.version()))) {
            throw new IllegalStateException("invalid transition " + s.status() + " v" + s.version() + " -> "
                    + next.status() + " v" + next.version() + " for channel " + id + " of tunnel " + tunnelId);
        }
        states.put(id, next);
        undo.push(() -> states.put(id, s));
    }

    private static <K, V> void restoreEntry(Map<K, V> map, K key, V old) {
        if (old == null) {
            map.remove(key);
        } else {
            map.put(key, old);
        }
    }

    /**
     * A change of the transient bookkeeping: applied and journalled (so {@link #rollback()} undoes it), never stored
     * and not counted in {@link #changeCount()}.
     */
    private void transition(Bookkeeping change) {
        if (change instanceof Bookkeeping.Heartbeated h) {
            boolean changed = h.value() ? heartbeated.add(h.clientId()) : heartbeated.remove(h.clientId());
            if (changed) {
                undo.push(() -> {
                    if (h.value()) {
                        heartbeated.remove(h.clientId());
                    } else {
                        heartbeated.add(h.clientId());
                    }
                });
            }
        } else if (change instanceof Bookkeeping.FinalCount c) {
            Long old = finalCounts.put(c.channelId(), c.totalCount());
            undo.push(() -> restoreEntry(finalCounts, c.channelId(), old));
        } else if (change instanceof Bookkeeping.ReleasedByShutdown r) {
            ShutdownRelease old = shutdownReleases.put(r.channelId(), r.release());
            undo.push(() -> restoreEntry(shutdownReleases, r.channelId(), old));
        } else if (change instanceof Bookkeeping.Repositioned r) {
            String old = r.formerOwner() == null ? repositionedFrom.remove(r.channelId())
                    : repositionedFrom.put(r.channelId(), r.formerOwner());
            undo.push(() -> restoreEntry(repositionedFrom, r.channelId(), old));
        }
    }

    private TunnelRecord.Header header() {
        return new TunnelRecord.Header(stage, expired, disabled, nextClientSerial, changeCount);
    }

    private void moveToStage(TunnelStage target) {
        if (!stage.canTransitionTo(target)) {
            throw new IllegalStateException("invalid stage transition " + stage + " -> " + target);
        }
        log.info("Tunnel {} stage {} -> {}", tunnelId, stage.wireName(), target.wireName());
        transition(header().withStage(target));
    }

    private void advanceStage() {
        if (stage == TunnelStage.PROCESS_BASE_DATA && definitions.values().stream()
                .filter(d -> d.kind() == ChannelKind.BASE_DATA)
                .allMatch(d -> states.get(d.channelId()).status() == ChannelStatus.TERMINATED)) {
            moveToStage(TunnelStage.PROCESS_STREAM);
        }
    }

    private void expireOverdueSessions(long nowMillis) {
        List<ClientSession> overdue = clients.values().stream().filter(s -> s.isExpired(nowMillis)).toList();
        for (ClientSession s : overdue) {
            endSession(s, "expired (no heartbeat since " + s.lastHeartbeatMillis() + ")");
        }
    }

    /** Ends a session as a timeout does: the client is gone and its channels are released (CLOSE, version+1). */
    private void endSession(ClientSession s, String why) {
        transition(new TunnelRecord.ClientGone(s.clientId()));
        transition(new Bookkeeping.Heartbeated(s.clientId(), false));
        List<String> released = releaseAll(s.clientId());
        log.info("Tunnel {}: client {} {}, released {}", tunnelId, s.clientId(), why, released);
    }

    private List<String> releaseAll(String clientId) {
        List<String> released = new ArrayList<>();
        for (Map.Entry<String, ChannelState> e : new ArrayList<>(states.entrySet())) {
            if (clientId.equals(e.getValue().ownerClientId())) {
                transition(e.getKey(), ChannelStatus.CLOSE, e.getValue().version() + 1, null);
                released.add(e.getKey());
            }
        }
        return released;
    }

    private boolean isReady(ChannelDefinition d, ChannelState s) {
        if (s.status() == ChannelStatus.TERMINATED || s.suspended()) {
            return false;
        }
        return switch (d.kind()) {
            case BASE_DATA -> stage != TunnelStage.INIT_BASE_DATA_AND_STREAM_SHARD;
            case STREAM -> stage == TunnelStage.PROCESS_STREAM && d.parentIds().stream()
                    .allMatch(p -> !states.containsKey(p) || states.get(p).status() == ChannelStatus.TERMINATED);
        };
    }

    private void rebalance(String caller, Map<String, String> handedBack) {
        if (unusableTunnel() != null) {
            return;
        }
        List<ChannelAssignor.Holding> ready = new ArrayList<>();
        for (ChannelDefinition d : definitions.values()) {
            ChannelState s = states.get(d.channelId());
            if (isReady(d, s)) {
                ready.add(new ChannelAssignor.Holding(d.channelId(), s.ownerClientId(), s.status()));
            }
        }
        ChannelAssignor.Plan plan = ChannelAssignor.plan(clients.keySet(), heartbeated, ready, handedBack, caller);
        for (String channelId : plan.revoke()) {
            ChannelState s = states.get(channelId);
            transition(channelId, ChannelStatus.CLOSING, s.version() + 1, s.ownerClientId());
        }
        plan.assign().forEach((channelId, clientId) -> {
            if (!clientId.equals(repositionedFrom.get(channelId))) {
                transition(channelId, ChannelStatus.OPEN, states.get(channelId).version() + 1, clientId);
            }
        });
        if (!plan.isEmpty()) {
            log.debug("Tunnel {} rebalance (caller {}): revoke {}, assign {}", tunnelId, caller, plan.revoke(),
                    plan.assign());
        }
    }

    private List<ChannelAssignment> listingFor(String clientId) {
        List<ChannelAssignment> listing = new ArrayList<>();
        states.forEach((id, s) -> {
            if (clientId.equals(s.ownerClientId())) {
                listing.add(new ChannelAssignment(id, s.version(), s.status()));
            }
        });
        return listing;
    }

    private Rejection unusableTunnel() {
        if (expired != null) {
            return new Rejection(CoordinatorError.TUNNEL_EXPIRED, "tunnel " + tunnelId + " expired: "
                    + expired.reason());
        }
        if (disabled != null) {
            return new Rejection(CoordinatorError.TUNNEL_EXPIRED, "tunnel " + tunnelId + " disabled: "
                    + disabled.reason());
        }
        return null;
    }

    private Rejection clientGone(String clientId) {
        return new Rejection(CoordinatorError.RESOURCE_GONE,
                "client " + clientId + " is not connected to tunnel " + tunnelId + " (expired or shut down)");
    }

    private Rejection unknownChannel(String channelId) {
        return new Rejection(CoordinatorError.PARAMETER_INVALID,
                "channel " + channelId + " does not exist in tunnel " + tunnelId);
    }
}
