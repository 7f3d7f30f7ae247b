package io.tunnelstore.tunnel.internal;

import com.google.protobuf.ByteString;
import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.protocol.tunnel.ChannelStatus;
import io.tunnelstore.protocol.tunnel.TunnelTokens;
import io.tunnelstore.coordinator.ChannelAssignment;
import io.tunnelstore.coordinator.ChannelDefinition;
import io.tunnelstore.coordinator.ChannelReport;
import io.tunnelstore.coordinator.CheckpointResult;
import io.tunnelstore.coordinator.GetCheckpointResult;
import io.tunnelstore.coordinator.HeartbeatResult;
import io.tunnelstore.coordinator.Rejection;
import io.tunnelstore.coordinator.ShutdownResult;
import io.tunnelstore.coordinator.TunnelCoordinator;
import io.tunnelstore.coordinator.TunnelDescription;
import io.tunnelstore.coordinator.TunnelType;
import io.tunnelstore.tunnel.RecordColumn;
import io.tunnelstore.tunnel.SequenceInfo;
import io.tunnelstore.tunnel.StreamRecord;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The tunnel service for worker tests: the server's real {@link TunnelCoordinator} (sessions and timeouts,
 * version-adopting heartbeats, assignment with the OPEN → CLOSING → CLOSE hand-over, ownership-fenced checkpoints
 * with strict sequence numbers) driven on the test's clock, plus what the coordinator does not hold: the channels'
 * records (base channels end with {@code finished}, stream channels return empty batches when caught up) and
 * scripting (queued heartbeat responses, injected errors, held reads, lost answers). Futures complete
 * synchronously. Thread-safe.
 *
 * <p>Every channel is registered as a stream channel without parents in a Stream tunnel, so the coordinator
 * assigns all of them at once; a "base" channel differs only in its data (it ends) and its tokens (no iterator),
 * which is all the worker looks at.
 */
public final class CoordinatorTunnelServer implements TunnelRpc {

    /** RPC kinds, for error injection and call counting. */
    public enum Op { CONNECT, HEARTBEAT, GET_CHECKPOINT, READ, CHECKPOINT, SHUTDOWN }

    /** A checkpoint the coordinator accepted. */
    public record Commit(String channelId, String clientId, long position, boolean finished, long sequence) {
    }

    /** A heartbeat request as received. */
    public record HeartbeatCall(String clientId, List<ChannelState> channels) {
    }

    /** The data side of a channel (the coordinator only knows tokens). */
    private static final class ChannelData {
        final boolean stream;
        final List<StreamRecord> records = new ArrayList<>();
        boolean ended;  // base: always true; stream: shard closed

        ChannelData(boolean stream) {
            this.stream = stream;
            this.ended = !stream;
        }
    }

    /** An injected failure: a server error code, or (null code) a dropped connection. */
    private record Failure(ErrorCode code) {
        TunnelRpcException exception() {
            return code == null ? new TunnelTransportException("connection dropped (injected)", null)
                    : new TunnelRpcException(code, "injected by CoordinatorTunnelServer");
        }
    }

    private final String tunnelId;
    private final LongSupplier clock;
    /** Client ids "tag-1", "tag-2", ... in connect order. */
    private final TunnelCoordinator coordinator;
    private final Map<String, ChannelData> data = new LinkedHashMap<>();
    private final Map<Op, Deque<Failure>> failures = new EnumMap<>(Op.class);
    private final Map<Op, Integer> calls = new EnumMap<>(Op.class);
    private final Deque<List<ChannelState>> scriptedHeartbeats = new ArrayDeque<>();
    private final List<HeartbeatCall> heartbeats = new ArrayList<>();
    private final List<Commit> commits = new ArrayList<>();
    private final Map<String, Integer> readsPerChannel = new LinkedHashMap<>();
    private final List<Runnable> heldReads = new ArrayList<>();
    private boolean initialized;
    private boolean holdReads;
    private boolean hangHeartbeats;
    private boolean loseNextCheckpointAnswer;
    private int batchSize = 10;
    private int recordBytes;
    private final Map<String, Integer> corruptReads = new HashMap<>();
    private long bytesAnswered;
    private Failure tunnelFailure;

    public CoordinatorTunnelServer(String tunnelId, LongSupplier clock) {
        this.tunnelId = tunnelId;
        this.clock = clock;
        this.coordinator = TunnelCoordinator.create(tunnelId, TunnelType.STREAM,
                (tag, serial) -> tag + "-" + (serial + 1));
    }

    // ------------------------------------------------------------------ set-up

    /** Adds a full-data channel with {@code rows} records (PK id = 0..rows-1); it ends with {@code finished}. */
    public synchronized void addBaseChannel(String id, int rows) {
        ChannelData c = addChannel(id, false);
        for (int i = 0; i < rows; i++) {
            c.records.add(record(i, false));
        }
    }

    /** Adds an (initially empty) stream channel. */
    public synchronized void addStreamChannel(String id) {
        addChannel(id, true);
    }

    private ChannelData addChannel(String id, boolean stream) {
        ChannelData c = new ChannelData(stream);
        data.put(id, c);
        ChannelDefinition d = ChannelDefinition.stream(id, token(stream, 0), List.of());
        if (initialized) {
            coordinator.addStreamChannels(List.of(d));
        }
        return c;
    }

    /** Registers the channels added so far with the coordinator (at the first call of a worker). */
    private void initialize() {
        if (!initialized) {
            initialized = true;
            coordinator.initialize(data.keySet().stream()
                    .map(id -> ChannelDefinition.stream(id, token(data.get(id).stream, 0), List.of())).toList());
        }
    }

    /** Appends {@code n} changes to a stream channel. */
    public synchronized void append(String id, int n) {
        ChannelData c = data.get(id);
        int start = c.records.size();
        for (int i = 0; i < n; i++) {
            c.records.add(record(start + i, true));
        }
    }

    /** Closes a stream shard: once drained, reads return {@code finished}. */
    public synchronized void endStream(String id) {
        data.get(id).ended = true;
    }

    public synchronized void batchSize(int n) {
        batchSize = n;
    }

    /** Every record counts {@code n} bytes on the wire ({@link ReadResult#wireBytes()}); default 0 (unknown). */
    public synchronized void recordBytes(int n) {
        recordBytes = n;
    }

    /** Bytes of records in the read responses handed to the worker so far. */
    public synchronized long bytesAnswered() {
        return bytesAnswered;
    }

    /**
     * The {@code n}-th read of channel {@code id} (counting from 1) answers its batch (positions and next token as
     * usual) with one malformed wire record instead of its records: the worker finds out only when it decodes the
     * batch for the callback.
     */
    public synchronized void corruptRead(String id, int n) {
        corruptReads.put(id, n);
    }

    /** Makes every later call fail with {@code code} (e.g. tunnel expired or deleted); null clears it. */
    public synchronized void failTunnel(ErrorCode code) {
        tunnelFailure = code == null ? null : new Failure(code);
    }

    /** The next call of {@code op} fails with {@code code}. */
    public synchronized void failNext(Op op, ErrorCode code) {
        failures.computeIfAbsent(op, k -> new ArrayDeque<>()).addLast(new Failure(code));
    }

    /** The next call of {@code op} gets no answer but a dropped connection (a transport error). */
    public synchronized void dropNext(Op op) {
        failures.computeIfAbsent(op, k -> new ArrayDeque<>()).addLast(new Failure(null));
    }

    /** The next accepted checkpoint is stored, but its caller gets a transport error (a lost answer). */
    public synchronized void loseNextCheckpointAnswer() {
        loseNextCheckpointAnswer = true;
    }

    /**
     * The next heartbeat is applied by the coordinator as usual (session refresh, reports, assignment) but answered
     * with exactly {@code response}.
     */
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

    /** Ends a client's session on the server as a timeout would (its channels become CLOSE, version + 1). */
    public synchronized void expireClient(String clientId) {
        coordinator.evict(clock.getAsLong(), clientId); // a timeout, not a shutdown (no late checkpoint)
    }

    /** An operator moves a stream channel's checkpoint to {@code token} (the sequence is bumped). */
    public synchronized void moveCheckpoint(String channelId, String token) {
        initialize();
        coordinator.resetToToken(clock.getAsLong(), channelId, token, "moved by the test");
    }

    /** An operator terminates a channel (schedule TERMINATED): GetCheckpoint answers {@code finished}. */
    public synchronized void terminate(String channelId) {
        initialize();
        coordinator.schedule(clock.getAsLong(), channelId, ChannelStatus.TERMINATED);
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
        return coordinator.describe().clients().stream().map(TunnelDescription.ClientView::clientId).toList();
    }

    /** The coordinator's view of a channel; a never-assigned (WAIT) channel shows as CLOSE. */
    public synchronized ChannelState channel(String id) {
        TunnelDescription.ChannelView v = view(id);
        ChannelStatus status = v.status() == ChannelStatus.WAIT ? ChannelStatus.CLOSE : v.status();
        return new ChannelState(id, v.version(), status);
    }

    public synchronized String owner(String id) {
        return view(id).ownerClientId();
    }

    /** Committed position of a channel: record index, or -1 when {@code finished}. */
    public synchronized long committedPosition(String id) {
        String cp = storedCheckpoint(id).token();
        return TunnelTokens.FINISHED.equals(cp) ? -1 : position(cp);
    }

    public synchronized long committedSequence(String id) {
        return storedCheckpoint(id).sequenceNumber();
    }

    private TunnelDescription.ChannelView view(String id) {
        initialize();
        return coordinator.describe().channels().stream().filter(c -> c.channelId().equals(id)).findFirst()
                .orElseThrow();
    }

    private GetCheckpointResult.Found storedCheckpoint(String id) {
        initialize();
        return (GetCheckpointResult.Found) coordinator.getCheckpoint(null, id);
    }

    // ------------------------------------------------------------------ TunnelRpc

    @Override
    public synchronized CompletableFuture<ConnectResult> connect(String tunnel, Duration timeout, String clientTag) {
        Failure f = check(Op.CONNECT, tunnel);
        if (f != null) {
            return failed(f);
        }
        var result = coordinator.connect(clock.getAsLong(), timeout.toMillis(), clientTag);
        if (result instanceof io.tunnelstore.coordinator.ConnectResult.Connected c) {
            return CompletableFuture.completedFuture(new ConnectResult(c.clientId()));
        }
        return rejected((Rejection) result);
    }

    @Override
    public synchronized CompletableFuture<List<ChannelState>> heartbeat(String tunnel, String clientId,
            List<ChannelState> reported) {
        heartbeats.add(new HeartbeatCall(clientId, List.copyOf(reported)));
        if (hangHeartbeats) {
            return new CompletableFuture<>();
        }
        Failure f = check(Op.HEARTBEAT, tunnel);
        if (f != null) {
            return failed(f);
        }
        List<ChannelReport> reports = reported.stream().map(s -> new ChannelReport(s.channelId(), s.version(),
                s.status())).toList();
        HeartbeatResult result = coordinator.heartbeat(clock.getAsLong(), clientId, reports);
        if (!scriptedHeartbeats.isEmpty()) {
            return CompletableFuture.completedFuture(scriptedHeartbeats.pollFirst());
        }
        if (result instanceof HeartbeatResult.Assigned a) {
            return CompletableFuture.completedFuture(a.channels().stream().map(CoordinatorTunnelServer::toSdk)
                    .toList());
        }
        return rejected((Rejection) result);
    }

    private static ChannelState toSdk(ChannelAssignment a) {
        return new ChannelState(a.channelId(), a.version(), a.status());
    }

    @Override
    public synchronized CompletableFuture<CheckpointState> getCheckpoint(String tunnel, String clientId,
            String channelId) {
        Failure f = check(Op.GET_CHECKPOINT, tunnel);
        if (f != null) {
            return failed(f);
        }
        GetCheckpointResult result = coordinator.getCheckpoint(clientId, channelId);
        if (result instanceof GetCheckpointResult.Found found) {
            return CompletableFuture.completedFuture(new CheckpointState(found.token(), found.sequenceNumber()));
        }
        return rejected((Rejection) result);
    }

    @Override
    public CompletableFuture<ReadResult> readRecords(String tunnel, String clientId, String channelId,
            String token) {
        CompletableFuture<ReadResult> f = new CompletableFuture<>();
        Runnable answer;
        synchronized (this) {
            readsPerChannel.merge(channelId, 1, Integer::sum);
            Failure failure = check(Op.READ, tunnel);
            if (failure != null) {
                return failed(failure);
            }
            ChannelData c = data.get(channelId);
            int from = (int) position(token);
            int to = Math.min(c.records.size(), from + batchSize);
            List<StreamRecord> batch = List.copyOf(c.records.subList(from, to));
            boolean drained = to >= c.records.size();
            String next = drained && c.ended ? null : token(c.stream, to);
            long bytes = (long) batch.size() * recordBytes;
            ReadResult r = !readsPerChannel.get(channelId).equals(corruptReads.get(channelId))
                    ? new ReadResult(batch, next, !drained, bytes)
                    : new ReadResult(PendingRecords.wire(List.of(TunnelProtos.Record.newBuilder()
                        .setActionType(TunnelProtos.ActionType.PUT_ROW)
                        .setRecord(ByteString.copyFrom(new byte[] {1, 2, 3})).build())),
                        next, !drained, null, null, bytes, null);
            answer = () -> {
                synchronized (this) {
                    bytesAnswered += bytes;
                }
                f.complete(r);
            };
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
        Failure f = check(Op.CHECKPOINT, tunnel);
        if (f != null) {
            return failed(f);
        }
        CheckpointResult result = coordinator.checkpoint(clock.getAsLong(), clientId, channelId, token, sequence);
        if (result instanceof Rejection r) {
            return rejected(r);
        }
        boolean fin = TunnelTokens.FINISHED.equals(token);
        commits.add(new Commit(channelId, clientId, fin ? -1 : position(token), fin, sequence));
        if (loseNextCheckpointAnswer) {
            loseNextCheckpointAnswer = false;
            return failed(new Failure(null));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Void> shutdown(String tunnel, String clientId) {
        Failure f = check(Op.SHUTDOWN, tunnel);
        if (f != null) {
            return failed(f);
        }
        ShutdownResult result = coordinator.shutdown(clock.getAsLong(), clientId);
        return result instanceof Rejection r ? rejected(r) : CompletableFuture.completedFuture(null);
    }

    // ------------------------------------------------------------------ plumbing

    private Failure check(Op op, String tunnel) {
        initialize();
        calls.merge(op, 1, Integer::sum);
        Deque<Failure> q = failures.get(op);
        if (q != null && !q.isEmpty()) {
            return q.pollFirst();
        }
        if (tunnelFailure != null) {
            return tunnelFailure;
        }
        return tunnelId.equals(tunnel) ? null : new Failure(ErrorCode.PARAMETER_INVALID);
    }

    private static <T> CompletableFuture<T> failed(Failure f) {
        return CompletableFuture.failedFuture(f.exception());
    }

    /** A coordinator refusal as the transport would send it: its wire code. */
    private static <T> CompletableFuture<T> rejected(Rejection r) {
        return CompletableFuture.failedFuture(
                TunnelRpcException.forWireCode(r.error().wireCode(), r.message(), null));
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
        return TunnelTokens.encode(content.build());
    }

    /** Inverse of {@link #token}. */
    public static long position(String token) {
        return TunnelTokens.decode(token).getTotalCount();
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
