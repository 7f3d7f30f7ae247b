package io.tunnelstore.client.internal;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.pb.TunnelProtos;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * <b>Internal API</b>, for the tunnel worker only: the session calls of the tunnel protocol (PROTOCOL.md §6)
 * with raw protobuf in and out. Obtain it with {@link InternalAccess#tunnelRpc}; it shares the
 * {@link io.tunnelstore.client.TunnelClient}'s transport, credentials and retry policy.
 *
 * <p>Retries follow the protocol's idempotence: getcheckpoint and readrecords are retried on transient
 * failures; connect, heartbeat, checkpoint and shutdown are retried only for the "always retryable" codes
 * (never on network errors), because the server may have applied them. Futures fail with
 * {@link io.tunnelstore.client.TablestoreException} (code {@code OTSResourceGone},
 * {@code OTSSequenceNumberNotMatch}, … — the worker branches on {@code errorCode()}) or
 * {@link io.tunnelstore.client.ClientTransportException}. Response signatures are not verified for tunnel
 * calls (as in the official SDKs). Thread-safe.
 */
public final class TunnelRpcClient {

    private final OtsHttpTransport transport;

    public TunnelRpcClient(OtsHttpTransport transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
    }

    /** {@code tunnel/connect}: registers a client; the response carries its client id. */
    public CompletableFuture<TunnelProtos.ConnectResponse> connect(TunnelProtos.ConnectRequest request) {
        return call(Action.TUNNEL_CONNECT, request, TunnelProtos.ConnectResponse.parser());
    }

    /** {@code tunnel/heartbeat}: reports the client's channels, returns its authoritative assignment. */
    public CompletableFuture<TunnelProtos.HeartbeatResponse> heartbeat(TunnelProtos.HeartbeatRequest request) {
        return call(Action.TUNNEL_HEARTBEAT, request, TunnelProtos.HeartbeatResponse.parser());
    }

    /** {@code tunnel/getcheckpoint}: the channel's stored checkpoint token and sequence number. */
    public CompletableFuture<TunnelProtos.GetCheckpointResponse> getCheckpoint(
            TunnelProtos.GetCheckpointRequest request) {
        return call(Action.TUNNEL_GET_CHECKPOINT, request, TunnelProtos.GetCheckpointResponse.parser());
    }

    /** {@code tunnel/readrecords}: records after a token, and the next token ({@code finished} at the end). */
    public CompletableFuture<TunnelProtos.ReadRecordsResponse> readRecords(TunnelProtos.ReadRecordsRequest request) {
        return call(Action.TUNNEL_READ_RECORDS, request, TunnelProtos.ReadRecordsResponse.parser());
    }

    /** {@code tunnel/checkpoint}: stores a checkpoint with sequence number {@code stored + 1}. */
    public CompletableFuture<TunnelProtos.CheckpointResponse> checkpoint(TunnelProtos.CheckpointRequest request) {
        return call(Action.TUNNEL_CHECKPOINT, request, TunnelProtos.CheckpointResponse.parser());
    }

    /** {@code tunnel/shutdown}: releases the client's channels. */
    public CompletableFuture<TunnelProtos.ShutdownResponse> shutdown(TunnelProtos.ShutdownRequest request) {
        return call(Action.TUNNEL_SHUTDOWN, request, TunnelProtos.ShutdownResponse.parser());
    }

    private <T extends Message> CompletableFuture<T> call(Action action, Message request, Parser<T> parser) {
        return transport.call(action, request, parser, false);
    }
}
