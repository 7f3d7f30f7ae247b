package io.tunnelstore.tunnel.internal;

import com.google.protobuf.ByteString;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.tunnel.RecordColumn;
import io.tunnelstore.tunnel.SequenceInfo;
import io.tunnelstore.tunnel.StreamRecord;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * An in-memory tunnel service for worker tests: a small faithful simulation of TUNNEL-SEMANTICS §4 (client
 * sessions with timeouts and OTSResourceGone, version-adopting heartbeats, fair-share assignment with the
 * OPEN → CLOSING → CLOSE handoff, checkpoints with strict sequence numbers, base channels that end with
 * {@code finished}, stream channels that return empty batches when caught up), plus scripting: queued heartbeat
 * responses, injected errors, held reads. Futures complete synchronously. Thread-safe.
 */
public final class FakeTunnelServer implements TunnelRpc {

    /** RPC kinds, for error injection and call counting. */
    public enum Op { CONNECT, HEARTBEAT, GET_CHECKPOINT, READ, CHECKPOINT, SHUTDOWN }

    /** A checkpoint the server accepted. */
    public record Commit(String channelId, String clientId, long position, boolean finished, long sequence) {
    }

    /** A heartbeat request as received. */
    public record HeartbeatCall(String clientId, List<ChannelState> channels) {
    }

    private static final class Channel {
        final String id;
        final boolean stream;
        final List<StreamRecord> records = new ArrayList<>();
        boolean ended;  // base: always true; stream: shard closed
        long version;
        ChannelStatus status = ChannelStatus.CLOSE;  // unassigned channels are kept as CLOSE (WAIT in Describe)
        String owner;
        String checkpoint;
        long sequence;

        Channel(String id, boolean stream) {
            this.id = id;
            this.stream = stream;
            this.ended = !stream;
            this.checkpoint = token(stream, 0);
        }
    }

    private static final class Client {
        final String id;
        final long timeoutMs;
        long lastSeen;

        Client(String id, long timeoutMs, long now) {
            this.id = id;
            this.timeoutMs = timeoutMs;
            this.lastSeen = now;
        }
    }

    private final String tunnelId;
    private final LongSupplier clock;
    private final Map<String, Channel> channels = new LinkedHashMap<>();
    private final Map<String, Client> clients = new LinkedHashMap<>();
    private final Map<Op, Deque<String>> failures = new EnumMap<>(Op.class);
    private final Map<Op, Integer> calls = new EnumMap<>(Op.class);
    private final Deque<List<ChannelState>> scriptedHeartbeats = new ArrayDeque<>();
    private final List<HeartbeatCall> heartbeats = new ArrayList<>();
    private final List<Commit> commits = new ArrayList<>();
    private final Map<String, Integer> readsPerChannel = new LinkedHashMap<>();
    private final List<Runnable> heldReads = new ArrayList<>();
    private boolean holdReads;
    private boolean hangHeartbeats;
    private boolean loseNextCheckpointAnswer;
    private int batchSize = 10;
    private int clientCounter;
    private String tunnelError;

    public FakeTunnelServer(String tunnelId, LongSupplier clock) {
        this.tunnelId = tunnelId;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ set-up

    /** Adds a full-data channel with {@code rows} records (PK id = 0..rows-1); it ends with {@code finished}. */
    public synchronized void addBaseChannel(String id, int rows) {
        Channel c = new Channel(id, false);
        for (int i = 0; i < rows; i++) {
            c.records.add(record(i, false));
        }
        channels.put(id, c);
    }

    /** Adds an (initially empty) stream channel. */
    public synchronized void addStreamChannel(String id) {
        channels.put(id, new Channel(id, true));
    }

    /** Appends {@code n} changes to a stream channel. */
    public synchronized void append(String id, int n) {
        Channel c = channels.get(id);
        int start = c.records.size();
        for (int i = 0; i < n; i++) {
            c.records.add(record(start + i, true));
        }
    }

    /** Closes a stream shard: once drained, reads return {@code finished}. */
    public synchronized void endStream(String id) {
        channels.get(id).ended = true;
    }

    public synchronized void batchSize(int n) {
        batchSize = n;
    }

    /** Makes every later call fail with {@code code} (e.g. tunnel expired or deleted); null clears it. */
    public synchronized void failTunnel(String code) {
        tunnelError = code;
    }

    /** The next call of {@code op} fails with {@code code}. */
    public synchronized void failNext(Op op, String code) {
        failures.computeIfAbsent(op, k -> new ArrayDeque<>()).addLast(code);
    }

    /** The next accepted checkpoint is stored, but its caller gets a transport error (a lost answer). */
    public synchronized void loseNextCheckpointAnswer() {
        loseNextCheckpointAnswer = true;
    }

    /** The next heartbeat returns exactly {@code response} (the simulation is bypassed for it). */
    public synchronized void scriptHeartbeat(ChannelState... response) {
        scriptedHeartbeats.addLast(List.of(response));
    }

    /** From now on heartbeats are recorded but never answered (a hung connection). */
    public synchronized void hangHeartbeats() {
        hangHeartbeats = true;
    }

    /** While on, read responses are kept until {@link #releaseReads()}. */
    public synchronized void holdReads(boolean hold) {
        holdReads = hold;
    }

    /** Answers every held read. */
    public void releaseReads() {
        List<Runnable> toRun;
        synchronized (this) {
            toRun = new ArrayList<>(heldReads);
            heldReads.clear();
        }
        toRun.forEach(Runnable::run);
    }

    /** Forgets a client as if its session timed out on the server (its channels become CLOSE v+1). */
    public synchronized void expireClient(String clientId) {
        Client c = clients.remove(clientId);
        if (c != null) {
            releaseOwnedBy(clientId);
        }
    }

    /** Server-side rebalance request for one channel: OPEN → CLOSING (v+1). */
    public synchronized void requestClosing(String channelId) {
        Channel c = channels.get(channelId);
        c.status = ChannelStatus.CLOSING;
        c.version++;
    }

    // ------------------------------------------------------------------ observations

    public synchronized int calls(Op op) {
        return calls.getOrDefault(op, 0);
    }

    public synchronized int reads(String channelId) {
        return readsPerChannel.getOrDefault(channelId, 0);
    }

    public synchronized List<HeartbeatCall> heartbeats() {
        return List.copyOf(heartbeats);
    }

    public synchronized HeartbeatCall lastHeartbeat() {
        return heartbeats.get(heartbeats.size() - 1);
    }

    public synchronized List<Commit> commits() {
        return List.copyOf(commits);
    }

    public synchronized List<String> connectedClients() {
        return List.copyOf(clients.keySet());
    }

    public synchronized ChannelState channel(String id) {
        Channel c = channels.get(id);
        return new ChannelState(id, c.version, c.status);
    }

    public synchronized String owner(String id) {
        return channels.get(id).owner;
    }

    /** Committed position of a channel: record index, or -1 when {@code finished}. */
    public synchronized long committedPosition(String id) {
        String cp = channels.get(id).checkpoint;
        return CheckpointState.FINISHED.equals(cp) ? -1 : position(cp);
    }

    public synchronized long committedSequence(String id) {
        return channels.get(id).sequence;
    }

    // ------------------------------------------------------------------ TunnelRpc

    @Override
    public synchronized CompletableFuture<ConnectResult> connect(String tunnel, Duration timeout, String clientTag) {
        String err = check(Op.CONNECT, tunnel);
        if (err != null) {
            return failed(err);
        }
        String id = clientTag + "-" + (++clientCounter);
        clients.put(id, new Client(id, timeout.toMillis(), clock.getAsLong()));
        return CompletableFuture.completedFuture(new ConnectResult(id));
    }

    @Override
    public synchronized CompletableFuture<List<ChannelState>> heartbeat(String tunnel, String clientId,
            List<ChannelState> reported) {
        heartbeats.add(new HeartbeatCall(clientId, List.copyOf(reported)));
        if (hangHeartbeats) {
            return new CompletableFuture<>();
        }
        String err = check(Op.HEARTBEAT, tunnel);
        if (err != null) {
            return failed(err);
        }
        if (!scriptedHeartbeats.isEmpty()) {
            return CompletableFuture.completedFuture(scriptedHeartbeats.pollFirst());
        }
        expireClients();
        Client me = clients.get(clientId);
        if (me == null) {
            return failed(TunnelRpcException.RESOURCE_GONE);
        }
        me.lastSeen = clock.getAsLong();
        for (ChannelState s : reported) {  // adopt the caller's newer reports for channels it owns
            Channel c = channels.get(s.channelId());
            if (c == null || !clientId.equals(c.owner) || s.version() <= c.version) {
                continue;
            }
            c.version = s.version();
            c.status = s.status();
            if (s.status() == ChannelStatus.CLOSE || s.status() == ChannelStatus.TERMINATED) {
                c.owner = null;
            }
        }
        rebalance(clientId);
        List<ChannelState> response = new ArrayList<>();
        for (Channel c : channels.values()) {
            if (clientId.equals(c.owner)) {
                response.add(new ChannelState(c.id, c.version, c.status));
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    @Override
    public synchronized CompletableFuture<CheckpointState> getCheckpoint(String tunnel, String clientId,
            String channelId) {
        String err = check(Op.GET_CHECKPOINT, tunnel);
        if (err != null) {
            return failed(err);
        }
        Channel c = channels.get(channelId);
        if (c == null) {
            return failed(TunnelRpcException.PARAMETER_INVALID);
        }
        return CompletableFuture.completedFuture(new CheckpointState(c.checkpoint, c.sequence));
    }

    @Override
    public CompletableFuture<ReadResult> readRecords(String tunnel, String clientId, String channelId,
            String token) {
        CompletableFuture<ReadResult> f = new CompletableFuture<>();
        Runnable answer;
        synchronized (this) {
            readsPerChannel.merge(channelId, 1, Integer::sum);
            String err = check(Op.READ, tunnel);
            if (err != null) {
                return failed(err);
            }
            Channel c = channels.get(channelId);
            int from = (int) position(token);
            int to = Math.min(c.records.size(), from + batchSize);
            List<StreamRecord> batch = List.copyOf(c.records.subList(from, to));
            boolean drained = to >= c.records.size();
            String next = drained && c.ended ? null : token(c.stream, to);
            ReadResult r = new ReadResult(batch, next, !drained);
            answer = () -> f.complete(r);
            if (holdReads) {
                heldReads.add(answer);
                return f;
            }
        }
        answer.run();
        return f;
    }

    @Override
    public synchronized CompletableFuture<Void> checkpoint(String tunnel, String clientId, String channelId,
            String token, long sequence) {
        String err = check(Op.CHECKPOINT, tunnel);
        if (err != null) {
            return failed(err);
        }
        Channel c = channels.get(channelId);
        if (sequence != c.sequence + 1) {
            return failed(TunnelRpcException.SEQUENCE_NUMBER_NOT_MATCH);
        }
        c.sequence = sequence;
        c.checkpoint = token;
        boolean fin = CheckpointState.FINISHED.equals(token);
        commits.add(new Commit(channelId, clientId, fin ? -1 : position(token), fin, sequence));
        if (loseNextCheckpointAnswer) {
            loseNextCheckpointAnswer = false;
            return failed(TunnelRpcException.TRANSPORT_ERROR);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Void> shutdown(String tunnel, String clientId) {
        String err = check(Op.SHUTDOWN, tunnel);
        if (err != null) {
            return failed(err);
        }
        if (clients.remove(clientId) != null) {
            releaseOwnedBy(clientId);
        }
        return CompletableFuture.completedFuture(null);
    }

    // ------------------------------------------------------------------ simulation

    private String check(Op op, String tunnel) {
        calls.merge(op, 1, Integer::sum);
        Deque<String> q = failures.get(op);
        if (q != null && !q.isEmpty()) {
            return q.pollFirst();
        }
        if (tunnelError != null) {
            return tunnelError;
        }
        return tunnelId.equals(tunnel) ? null : TunnelRpcException.PARAMETER_INVALID;
    }

    private void expireClients() {
        long now = clock.getAsLong();
        for (Client c : List.copyOf(clients.values())) {
            if (now - c.lastSeen > c.timeoutMs) {
                expireClient(c.id);
            }
        }
    }

    private void releaseOwnedBy(String clientId) {
        for (Channel c : channels.values()) {
            if (clientId.equals(c.owner)) {
                c.owner = null;
                if (c.status != ChannelStatus.TERMINATED) {
                    c.status = ChannelStatus.CLOSE;
                    c.version++;
                }
            }
        }
    }

    /** Fair share = ceil(assignable / alive clients); excess OPEN → CLOSING, deficit filled from unowned. */
    private void rebalance(String clientId) {
        long assignable = channels.values().stream().filter(c -> c.status != ChannelStatus.TERMINATED).count();
        int alive = Math.max(1, clients.size());
        long share = (assignable + alive - 1) / alive;
        List<Channel> mine = channels.values().stream()
                .filter(c -> clientId.equals(c.owner) && c.status != ChannelStatus.TERMINATED).toList();
        long excess = mine.size() - share;
        for (Channel c : mine) {
            if (excess <= 0) {
                break;
            }
            if (c.status == ChannelStatus.OPEN) {
                c.status = ChannelStatus.CLOSING;
                c.version++;
                excess--;
            } else if (c.status == ChannelStatus.CLOSING) {
                excess--;
            }
        }
        long owned = mine.size();
        for (Channel c : channels.values()) {
            if (owned >= share) {
                break;
            }
            if (c.owner == null && c.status != ChannelStatus.TERMINATED) {
                c.owner = clientId;
                c.status = ChannelStatus.OPEN;
                c.version++;
                owned++;
            }
        }
    }

    private static <T> CompletableFuture<T> failed(String code) {
        return CompletableFuture.failedFuture(new TunnelRpcException(code, "injected by FakeTunnelServer"));
    }

    // ------------------------------------------------------------------ tokens and records

    /** A Token-shaped position (base64 Token v2): stream positions carry an iterator, base ones do not. */
    public static String token(boolean stream, long position) {
        TunnelProtos.TokenContentV2.Builder content = TunnelProtos.TokenContentV2.newBuilder().setTotalCount(position);
        if (stream) {
            content.setIterator("it-" + position);
        } else {
            content.setPrimaryKey(ByteString.copyFromUtf8("pk-" + position));
        }
        TunnelProtos.Token t = TunnelProtos.Token.newBuilder().setVersion(2).setContent(content.build().toByteString())
                .build();
        return Base64.getEncoder().encodeToString(t.toByteArray());
    }

    /** Inverse of {@link #token}. */
    public static long position(String token) {
        try {
            TunnelProtos.Token t = TunnelProtos.Token.parseFrom(Base64.getDecoder().decode(token));
            return TunnelProtos.TokenContentV2.parseFrom(t.getContent()).getTotalCount();
        } catch (Exception e) {
            throw new IllegalArgumentException("not a fake token: " + token, e);
        }
    }

    /** The i-th record of a channel: PK {@code id = i}, one PUT column {@code v = i}. */
    public static StreamRecord record(long i, boolean stream) {
        return new StreamRecord(StreamRecord.RecordType.PUT,
                PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.ofLong(i))),
                stream ? Optional.of(new SequenceInfo(0, 1000 + i, 0)) : Optional.empty(),
                List.of(new RecordColumn("v", RecordColumn.ColumnOperation.PUT, ColumnValue.ofLong(i), 1L)),
                List.of());
    }

    /** The PK id of a record made by {@link #record}. */
    public static long id(StreamRecord r) {
        return r.primaryKey().get(0).value().asLong();
    }
}
