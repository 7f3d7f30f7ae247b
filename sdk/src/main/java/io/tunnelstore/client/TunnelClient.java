package io.tunnelstore.client;

import io.tunnelstore.client.internal.Futures;
import io.tunnelstore.client.internal.InternalAccess;
import io.tunnelstore.client.internal.OtsHttpTransport;
import io.tunnelstore.client.internal.ResponseMapping;
import io.tunnelstore.client.internal.TunnelMessages;
import io.tunnelstore.client.internal.TunnelRpcClient;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.pb.TunnelProtos;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Client of the tunnel-management API: create, list, describe and delete tunnels. Consuming a tunnel is the
 * job of the tunnel worker, which takes this client.
 *
 * <pre>{@code
 * TunnelClient tunnels = TunnelClient.builder()
 *     .endpoint("http://127.0.0.1:8080").instanceName("demo")
 *     .credentialsProvider(EnvironmentCredentialsProvider.fromSystemEnv())
 *     .build();
 * String tunnelId = tunnels.createTunnel(
 *     CreateTunnelRequest.of("orders", "search-sync", TunnelType.BASE_AND_STREAM));
 * }</pre>
 *
 * <p><b>Threads, failures, lifecycle:</b> as {@link TableClient} — thread-safe, create one and share it
 * (workers on the same machine should share it too); sync methods throw {@link TablestoreException},
 * {@code …Async} twins complete exceptionally with it; {@link #close()} rejects further calls. Tunnel
 * workers use this client's connection for their session calls: close it only after the workers.
 */
public final class TunnelClient implements AutoCloseable, InternalAccess.TunnelRpcSource {

    private final OtsHttpTransport transport;
    private final TunnelRpcClient rpc;
    private volatile boolean closed;

    private TunnelClient(OtsHttpTransport transport) {
        this.transport = transport;
        this.rpc = new TunnelRpcClient(transport);
    }

    /** Starts a builder; see {@link ClientConfig} for the settings and their defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A client with the given settings. */
    public static TunnelClient create(ClientConfig config) {
        return new TunnelClient(new OtsHttpTransport(config));
    }

    /** The settings of this client. */
    public ClientConfig config() {
        return transport.config();
    }

    /**
     * Creates a tunnel.
     *
     * @return the new tunnel's id (pass it to the tunnel worker)
     * @throws TablestoreException {@code OTSTunnelExist} if the table already has a tunnel of that name;
     *                             {@code OTSParameterInvalid} for a missing table or a bad argument
     *                             ({@link TablestoreException#isNotFound()} tells the missing table apart)
     */
    public String createTunnel(CreateTunnelRequest request) {
        return await(createTunnelAsync(request), Action.TUNNEL_CREATE);
    }

    public CompletableFuture<String> createTunnelAsync(CreateTunnelRequest request) {
        Objects.requireNonNull(request, "request");
        return call(Action.TUNNEL_CREATE, TunnelMessages.createTunnel(request),
                TunnelProtos.CreateTunnelResponse.parser(), TunnelProtos.CreateTunnelResponse::getTunnelId);
    }

    /** The tunnels of one table. */
    public List<TunnelInfo> listTunnels(String tableName) {
        return await(listTunnelsAsync(tableName), Action.TUNNEL_LIST);
    }

    /** The tunnels of every table of the instance. */
    public List<TunnelInfo> listTunnels() {
        return await(listTunnelsAsync(null), Action.TUNNEL_LIST);
    }

    /** @param tableName the table, or {@code null} for all tables */
    public CompletableFuture<List<TunnelInfo>> listTunnelsAsync(String tableName) {
        TunnelProtos.ListTunnelRequest.Builder b = TunnelProtos.ListTunnelRequest.newBuilder();
        if (tableName != null) {
            b.setTableName(TableNames.validate(tableName));
        }
        return call(Action.TUNNEL_LIST, b.build(), TunnelProtos.ListTunnelResponse.parser(),
                TunnelMessages::listTunnels);
    }

    /**
     * The tunnel with its channels, their owners and progress.
     *
     * @throws TablestoreException {@code OTSParameterInvalid} "tunnel not exist" if there is no such tunnel
     *                             ({@link TablestoreException#isNotFound()} is true)
     */
    public TunnelDescription describeTunnel(String tableName, String tunnelName) {
        return await(describeTunnelAsync(tableName, tunnelName), Action.TUNNEL_DESCRIBE);
    }

    public CompletableFuture<TunnelDescription> describeTunnelAsync(String tableName, String tunnelName) {
        return call(Action.TUNNEL_DESCRIBE, TunnelProtos.DescribeTunnelRequest.newBuilder()
                        .setTableName(TableNames.validate(tableName))
                        .setTunnelName(Objects.requireNonNull(tunnelName, "tunnelName")).build(),
                TunnelProtos.DescribeTunnelResponse.parser(), TunnelMessages::describeTunnel);
    }

    /**
     * Deletes a tunnel; its checkpoints are lost and connected workers stop.
     *
     * @throws TablestoreException {@code OTSParameterInvalid} "tunnel not exist" if there is no such tunnel
     *                             ({@link TablestoreException#isNotFound()} is true)
     */
    public void deleteTunnel(String tableName, String tunnelName) {
        await(deleteTunnelAsync(tableName, tunnelName), Action.TUNNEL_DELETE);
    }

    public CompletableFuture<Void> deleteTunnelAsync(String tableName, String tunnelName) {
        return call(Action.TUNNEL_DELETE, TunnelProtos.DeleteTunnelRequest.newBuilder()
                        .setTableName(TableNames.validate(tableName))
                        .setTunnelName(Objects.requireNonNull(tunnelName, "tunnelName")).build(),
                TunnelProtos.DeleteTunnelResponse.parser(), r -> null);
    }

    /**
     * <b>Internal API</b> for the SDK's tunnel worker (session calls: connect, heartbeat, checkpoints, reads);
     * applications use {@code TunnelWorker}. May change without notice.
     */
    @Override
    public TunnelRpcClient internalTunnelRpc() {
        return rpc;
    }

    /**
     * Rejects further calls (workers' session calls included) and releases the client's own timer thread; shared
     * {@link ClientResources} stay open. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        transport.close();
    }

    private <M extends com.google.protobuf.Message, R> CompletableFuture<R> call(
            Action action, com.google.protobuf.Message request, com.google.protobuf.Parser<M> parser,
            Function<? super M, ? extends R> conversion) {
        if (closed) {
            throw new IllegalStateException("TunnelClient is closed");
        }
        return ResponseMapping.map(transport.call(action, request, parser, false), action, conversion);
    }

    private static <T> T await(CompletableFuture<T> future, Action action) {
        return Futures.await(future, action.path());
    }

    /** Builder of a {@link TunnelClient}; setters and defaults as in {@link ClientConfig}. */
    public static final class Builder extends ClientConfig.AbstractBuilder<Builder> {
        private Builder() {
        }

        /** @throws IllegalStateException if endpoint, instance name or credentials are missing */
        public TunnelClient build() {
            return new TunnelClient(new OtsHttpTransport(buildConfig()));
        }
    }
}
