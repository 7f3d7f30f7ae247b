package io.tunnelstore.client;

import io.tunnelstore.client.internal.Futures;
import io.tunnelstore.client.internal.OtsHttpTransport;
import io.tunnelstore.client.internal.ResponseMapping;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.pb.AdminProtos;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Client of Tunnelstore's own administrative operations ({@code tunnelstore/admin/*}; not part of the Tablestore
 * API, so the official SDKs do not have them). The server answers them only for admin access keys.
 *
 * <pre>{@code
 * try (AdminClient admin = AdminClient.create(tables.config())) {
 *     Credentials sts = admin.mintTemporaryCredentials(Duration.ofHours(1));
 *     // hand sts to a job: TableClient.builder()...credentials(StaticCredentialsProvider.of(sts)) or the official
 *     // SDK's new SyncClient(endpoint, sts.accessKeyId(), sts.accessKeySecret(), instance, sts.securityToken())
 * }
 * }</pre>
 *
 * <p><b>Threads, failures, lifecycle:</b> as {@link TableClient} — thread-safe; sync methods throw
 * {@link TablestoreException}, {@code …Async} twins complete exceptionally with it; {@link #close()} rejects further
 * calls.
 */
public final class AdminClient implements AutoCloseable {
    /** Longest lifetime the server grants (the public STS service caps at 12 hours as well). */
    public static final Duration MAX_TTL = Duration.ofHours(12);

    private final OtsHttpTransport transport;
    private volatile boolean closed;

    private AdminClient(OtsHttpTransport transport) {
        this.transport = transport;
    }

    /** Starts a builder; see {@link ClientConfig} for the settings and their defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A client with the given settings (e.g. {@code tableClient.config()}). */
    public static AdminClient create(ClientConfig config) {
        return new AdminClient(new OtsHttpTransport(config));
    }

    /** The settings of this client. */
    public ClientConfig config() {
        return transport.config();
    }

    /**
     * Mints STS-style temporary credentials acting as this client's (admin) access key, valid for {@code ttl}.
     * The result carries access key id, secret, security token and {@link Credentials#expiration()}; the server
     * refuses them ({@code OTSAuthFailed}) from that instant on.
     *
     * @param ttl lifetime, whole seconds, in (0, {@link #MAX_TTL}]
     * @throws IllegalArgumentException for a ttl outside that range or below one second
     * @throws TablestoreException      {@code OTSNoPermissionAccess} (403) when this client's key is not an admin key
     */
    public Credentials mintTemporaryCredentials(Duration ttl) {
        return Futures.await(mintTemporaryCredentialsAsync(ttl), Action.ADMIN_MINT_CREDENTIALS.path());
    }

    public CompletableFuture<Credentials> mintTemporaryCredentialsAsync(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.toSeconds() < 1 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be between 1 s and " + MAX_TTL + ", got " + ttl);
        }
        if (closed) {
            throw new IllegalStateException("AdminClient is closed");
        }
        AdminProtos.MintCredentialsRequest request = AdminProtos.MintCredentialsRequest.newBuilder()
                .setTtlSeconds(ttl.toSeconds()).build();
        return ResponseMapping.map(transport.call(Action.ADMIN_MINT_CREDENTIALS, request,
                        AdminProtos.MintCredentialsResponse.parser(), false), Action.ADMIN_MINT_CREDENTIALS,
                r -> Credentials.temporary(r.getAccessKeyId(), r.getAccessKeySecret(), r.getSecurityToken(),
                        Instant.ofEpochMilli(r.getExpirationTime())));
    }

    /** Rejects further calls. Idempotent. */
    @Override
    public void close() {
        closed = true;
        transport.close();
    }

    /** Builder of an {@link AdminClient}; setters and defaults as in {@link ClientConfig}. */
    public static final class Builder extends ClientConfig.AbstractBuilder<Builder> {
        private Builder() {
        }

        /** @throws IllegalStateException if endpoint, instance name or credentials are missing */
        public AdminClient build() {
            return new AdminClient(new OtsHttpTransport(buildConfig()));
        }
    }
}
