package io.tunnelstore.tunnel.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The six session calls a tunnel worker makes, with domain-level values (no protobuf). The production
 * implementation is {@link RpcClientTunnelRpc}; tests use an in-memory fake server.
 *
 * <p>Contract: implementations are thread-safe; every method returns without blocking on the network and
 * completes the future exactly once, exceptionally with a {@link TunnelRpcException} (carrying the
 * {@link io.tunnelstore.protocol.errors.ErrorCode}) on failure. Futures may complete on any thread, including the calling one.
 */
public interface TunnelRpc {

    /** ConnectTunnel: starts a session. {@code timeout} is the heartbeat timeout the server applies to it. */
    CompletableFuture<ConnectResult> connect(String tunnelId, Duration timeout, String clientTag);

    /**
     * Heartbeat: reports the client's channels and returns the server's authoritative list of channels
     * assigned to this client.
     */
    CompletableFuture<List<ChannelState>> heartbeat(String tunnelId, String clientId, List<ChannelState> channels);

    /** GetCheckpoint: the committed position of a channel ({@link io.tunnelstore.protocol.tunnel.TunnelTokens#FINISHED} when done). */
    CompletableFuture<CheckpointState> getCheckpoint(String tunnelId, String clientId, String channelId);

    /** ReadRecords from {@code token}; records decoded from PlainBuffer. */
    CompletableFuture<ReadResult> readRecords(String tunnelId, String clientId, String channelId, String token);

    /**
     * Checkpoint: commits {@code token} (or {@link io.tunnelstore.protocol.tunnel.TunnelTokens#FINISHED}) with {@code sequence}, which must be
     * the last committed sequence + 1; otherwise the future fails with
     * {@link io.tunnelstore.protocol.errors.ErrorCode#SEQUENCE_NUMBER_NOT_MATCH}.
     */
    CompletableFuture<Void> checkpoint(String tunnelId, String clientId, String channelId, String token,
            long sequence);

    /** ShutdownTunnel: ends the session; the server releases the client's channels. */
    CompletableFuture<Void> shutdown(String tunnelId, String clientId);
}
