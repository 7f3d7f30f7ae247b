package io.tunnelstore.tunnel.internal;

import io.tunnelstore.client.TablestoreException;
import io.tunnelstore.client.internal.TunnelRpcClient;
import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.protocol.tunnel.ChannelStatus;
import io.tunnelstore.protocol.tunnel.TunnelTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * {@link TunnelRpc} over the SDK's HTTP session client: builds the protobuf requests, converts responses to
 * domain values (PlainBuffer records kept for decoding when their callback runs, see {@link PendingRecords};
 * {@code finished} mapped to a null next token, the {@code may_more_record} fallback rule applied) and maps every failure to a {@link TunnelRpcException} with
 * the wire error code. Thread-safe.
 */
public final class RpcClientTunnelRpc implements TunnelRpc {
    /** When may_more_record is absent: "full" above this many records (the SDKs' rule). */
    static final int FULL_RECORDS = 500;
    /** When may_more_record is absent: "full" above this many response bytes. */
    static final int FULL_BYTES = 900 * 1024;

    private final TunnelRpcClient client;
    private final boolean traceStages;

    public RpcClientTunnelRpc(TunnelRpcClient client) {
        this(client, false);
    }

    /** {@code traceStages}: ask for the server's stage times on every read (Tunnelstore extension, diagnostics). */
    public RpcClientTunnelRpc(TunnelRpcClient client, boolean traceStages) {
        this.client = Objects.requireNonNull(client, "client");
        this.traceStages = traceStages;
    }

    @Override
    public CompletableFuture<ConnectResult> connect(String tunnelId, Duration timeout, String clientTag) {
        TunnelProtos.ConnectRequest req = TunnelProtos.ConnectRequest.newBuilder().setTunnelId(tunnelId)
                .setClientConfig(TunnelProtos.ClientConfig.newBuilder().setTimeout(timeout.toSeconds())
                        .setClientTag(clientTag))
                .build();
        return map(client.connect(req), r -> new ConnectResult(r.getClientId()));
    }

    @Override
    public CompletableFuture<List<ChannelState>> heartbeat(String tunnelId, String clientId,
            List<ChannelState> channels) {
        TunnelProtos.HeartbeatRequest.Builder req = TunnelProtos.HeartbeatRequest.newBuilder().setTunnelId(tunnelId)
                .setClientId(clientId);
        for (ChannelState c : channels) {
            req.addChannels(TunnelProtos.Channel.newBuilder().setChannelId(c.channelId()).setVersion(c.version())
                    .setStatus(toWire(c.status())));
        }
        return map(client.heartbeat(req.build()), r -> {
            List<ChannelState> out = new ArrayList<>(r.getChannelsCount());
            for (TunnelProtos.Channel c : r.getChannelsList()) {
                out.add(new ChannelState(c.getChannelId(), c.getVersion(), fromWire(c.getStatus())));
            }
            return out;
        });
    }

    @Override
    public CompletableFuture<CheckpointState> getCheckpoint(String tunnelId, String clientId, String channelId) {
        TunnelProtos.GetCheckpointRequest req = TunnelProtos.GetCheckpointRequest.newBuilder().setTunnelId(tunnelId)
                .setClientId(clientId).setChannelId(channelId).build();
        return map(client.getCheckpoint(req), r -> new CheckpointState(r.getCheckpoint(), r.getSequenceNumber()));
    }

    @Override
    public CompletableFuture<ReadResult> readRecords(String tunnelId, String clientId, String channelId,
            String token) {
        TunnelProtos.ReadRecordsRequest req = TunnelProtos.ReadRecordsRequest.newBuilder().setTunnelId(tunnelId)
                .setClientId(clientId).setChannelId(channelId).setToken(token)
                .setTunnelstoreTraceStages(traceStages).build();
        long sent = System.nanoTime();
        return map(client.readRecords(req), r -> toReadResult(r, sent));
    }

    /** Converts a ReadRecords response (package-visible for tests). */
    static ReadResult toReadResult(TunnelProtos.ReadRecordsResponse r) {
        return toReadResult(r, 0);
    }

    /** Converts a ReadRecords response whose request was sent at {@code sentNanos} (0 = unknown). */
    static ReadResult toReadResult(TunnelProtos.ReadRecordsResponse r, long sentNanos) {
        // records stay on the wire until their callback runs (PendingRecords); only their size is taken now
        long wireBytes = 0;
        for (TunnelProtos.Record rec : r.getRecordsList()) {
            wireBytes += rec.getSerializedSize();
        }
        PendingRecords records = PendingRecords.wire(r.getRecordsList());
        String next = TunnelTokens.FINISHED.equals(r.getNextToken()) ? null : r.getNextToken();
        boolean mayMore = r.hasMayMoreRecord() ? r.getMayMoreRecord()
                : r.getRecordsCount() > FULL_RECORDS || r.getSerializedSize() > FULL_BYTES;
        io.tunnelstore.tunnel.ReadTiming timing = null;
        if (r.hasTunnelstoreStages()) {
            TunnelProtos.TunnelstoreReadStages st = r.getTunnelstoreStages();
            timing = new io.tunnelstore.tunnel.ReadTiming(st.getReceivedNanos(), st.getDurableNanos(),
                    st.getWalWriteNanos(), st.getWakeNanos(), st.getBuiltNanos(), System.nanoTime(), sentNanos,
                    st.getAdmittedNanos(), st.getQueuedNanos(), st.getStartedNanos());
        }
        return new ReadResult(records, next, mayMore,
                r.hasTunnelstoreResyncBegin() ? marker(r.getTunnelstoreResyncBegin()) : null,
                r.hasTunnelstoreResyncEnd() ? marker(r.getTunnelstoreResyncEnd()) : null, wireBytes, timing);
    }

    private static io.tunnelstore.tunnel.ResyncMarker marker(TunnelProtos.TunnelstoreResyncMarker m) {
        try {
            return new io.tunnelstore.tunnel.ResyncMarker(m.getChannelId(), bound(m.hasRangeStart(), m.getRangeStart()),
                    bound(m.hasRangeEnd(), m.getRangeEnd()), m.getLostFromSequence(), m.getLostToSequence(),
                    m.getResumeSequence());
        } catch (IllegalArgumentException e) {
            throw new TunnelTransportException(
                    "undecodable re-baseline marker in ReadRecords response: " + e.getMessage(), e);
        }
    }

    private static java.util.Optional<io.tunnelstore.protocol.model.PrimaryKey> bound(boolean present,
            com.google.protobuf.ByteString row) {
        return present ? java.util.Optional.of(io.tunnelstore.protocol.plainbuffer.PlainBufferCodec
                .decodeSingleRow(row.toByteArray()).primaryKey()) : java.util.Optional.empty();
    }

    @Override
    public CompletableFuture<Void> checkpoint(String tunnelId, String clientId, String channelId, String token,
            long sequence) {
        TunnelProtos.CheckpointRequest req = TunnelProtos.CheckpointRequest.newBuilder().setTunnelId(tunnelId)
                .setClientId(clientId).setChannelId(channelId).setCheckpoint(token).setSequenceNumber(sequence)
                .build();
        return map(client.checkpoint(req), r -> null);
    }

    @Override
    public CompletableFuture<Void> shutdown(String tunnelId, String clientId) {
        TunnelProtos.ShutdownRequest req = TunnelProtos.ShutdownRequest.newBuilder().setTunnelId(tunnelId)
                .setClientId(clientId).build();
        return map(client.shutdown(req), r -> null);
    }

    static TunnelProtos.ChannelStatus toWire(ChannelStatus s) {
        return s.toProto();
    }

    static ChannelStatus fromWire(TunnelProtos.ChannelStatus s) {
        return ChannelStatus.fromProto(s);
    }

    /** Converts the response and maps failures (TablestoreException keeps its code) to TunnelRpcException. */
    private static <T, R> CompletableFuture<R> map(CompletableFuture<T> call, Function<T, R> convert) {
        CompletableFuture<R> out = new CompletableFuture<>();
        call.whenComplete((r, err) -> {
            if (err != null) {
                out.completeExceptionally(toRpcException(err));
                return;
            }
            try {
                out.complete(convert.apply(r));
            } catch (RuntimeException e) {
                out.completeExceptionally(toRpcException(e));
            }
        });
        return out;
    }

    static TunnelRpcException toRpcException(Throwable err) {
        Throwable cur = err;
        while ((cur instanceof java.util.concurrent.CompletionException
                || cur instanceof java.util.concurrent.ExecutionException) && cur.getCause() != null) {
            cur = cur.getCause();
        }
        if (cur instanceof TunnelRpcException e) {
            return e;
        }
        if (cur instanceof TablestoreException e) {
            return TunnelRpcException.forWireCode(e.errorCode(), String.valueOf(e.getMessage()), e);
        }
        return TunnelRpcException.from(cur);
    }
}
