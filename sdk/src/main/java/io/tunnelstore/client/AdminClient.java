package io.tunnelstore.client;

import io.tunnelstore.client.internal.Futures;
import io.tunnelstore.client.internal.OtsHttpTransport;
import io.tunnelstore.client.internal.ResponseMapping;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.pb.AdminProtos;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Client of Tunnelstore's own administrative operations ({@code tunnelstore/admin/*}; not part of the Tablestore
 * API, so the official SDKs do not have them): access keys with scopes ({@link #createAccessKey},
 * {@link #listAccessKeys}, {@link #disableAccessKey}, {@link #enableAccessKey}, {@link #deleteAccessKey},
 * {@link #rotateAccessKey}; admin keys only) and temporary credentials ({@link #mintTemporaryCredentials}; any
 * permanent key allowed to mint, never wider than it). See docs/keys.md. Also tunnel checkpoint control
 * ({@link #showCheckpoints}, {@link #setCheckpoint}, {@link #rewindCheckpoints}, {@link #resetCheckpoints},
 * {@link #forkTunnel}, {@link #exportCheckpoints}, {@link #importCheckpoints}; docs/tunnel-service.md), for keys that
 * may read (show, export) or manage (the rest) the table's tunnels.
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
     * Mints STS-style temporary credentials under this client's (permanent) access key, with its scope and tables,
     * valid for {@code ttl}. The result carries access key id, secret, security token and
     * {@link Credentials#expiration()}; the server refuses them ({@code OTSAuthFailed}) from that instant on, and at
     * once when the key is deleted, disabled or rotated.
     *
     * @param ttl lifetime, whole seconds, in (0, the key's max temporary ttl] (at most {@link #MAX_TTL})
     * @throws IllegalArgumentException for a ttl outside (0, {@link #MAX_TTL}] or below one second
     * @throws TablestoreException      {@code OTSNoPermissionAccess} (403) when this client's key may not mint
     *                                  (temporary credentials, or a key whose limit is 0);
     *                                  {@code OTSParameterInvalid} for a ttl above the key's limit
     */
    public Credentials mintTemporaryCredentials(Duration ttl) {
        return mintTemporaryCredentials(ttl, null, List.of());
    }

    /**
     * As {@link #mintTemporaryCredentials(Duration)}, narrowed to {@code scope} ({@code admin}, {@code read-write},
     * {@code read-only}, {@code tunnel-consume}; null = the key's) on {@code tables} (empty = the key's tables).
     *
     * @throws TablestoreException {@code OTSNoPermissionAccess} when the scope or tables are wider than the key's
     */
    public Credentials mintTemporaryCredentials(Duration ttl, String scope, List<String> tables) {
        return Futures.await(mintTemporaryCredentialsAsync(ttl, scope, tables), Action.ADMIN_MINT_CREDENTIALS.path());
    }

    public CompletableFuture<Credentials> mintTemporaryCredentialsAsync(Duration ttl) {
        return mintTemporaryCredentialsAsync(ttl, null, List.of());
    }

    public CompletableFuture<Credentials> mintTemporaryCredentialsAsync(Duration ttl, String scope,
                                                                        List<String> tables) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.toSeconds() < 1 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be between 1 s and " + MAX_TTL + ", got " + ttl);
        }
        if (closed) {
            throw new IllegalStateException("AdminClient is closed");
        }
        AdminProtos.MintCredentialsRequest.Builder request = AdminProtos.MintCredentialsRequest.newBuilder()
                .setTtlSeconds(ttl.toSeconds()).addAllTables(tables);
        if (scope != null) {
            request.setScope(scope);
        }
        return ResponseMapping.map(transport.call(Action.ADMIN_MINT_CREDENTIALS, request.build(),
                        AdminProtos.MintCredentialsResponse.parser(), false), Action.ADMIN_MINT_CREDENTIALS,
                r -> Credentials.temporary(r.getAccessKeyId(), r.getAccessKeySecret(), r.getSecurityToken(),
                        Instant.ofEpochMilli(r.getExpirationTime())));
    }

    // ---------------------------------------------------------------- access keys (admin keys only)

    /**
     * Creates an access key with {@code scope} ({@code admin}, {@code read-write}, {@code read-only},
     * {@code tunnel-consume}) on {@code tables} (empty = every table; admin keys cannot be limited). The secret is in
     * the result and nowhere else.
     *
     * @param maxTemporaryTtl longest lifetime of temporary credentials the key may mint (zero: may not mint; null:
     *                        12 h for admin keys, zero for the others)
     * @throws TablestoreException {@code OTSNoPermissionAccess} when this client's key is not an admin key,
     *                             {@code OTSParameterInvalid} for an unknown scope or an admin key with tables
     */
    public AccessKeySecret createAccessKey(String scope, List<String> tables, Duration maxTemporaryTtl) {
        Objects.requireNonNull(scope, "scope");
        AdminProtos.CreateAccessKeyRequest.Builder request = AdminProtos.CreateAccessKeyRequest.newBuilder()
                .setScope(scope).addAllTables(tables);
        if (maxTemporaryTtl != null) {
            request.setMaxTemporaryTtlSeconds(maxTemporaryTtl.toSeconds());
        }
        return call(Action.ADMIN_CREATE_KEY, request.build(), AdminProtos.AccessKeySecretResponse.parser(),
                r -> new AccessKeySecret(info(r.getKey()), r.getAccessKeySecret()));
    }

    /** Every access key of the instance, ordered by id, without secrets. */
    public List<AccessKeyInfo> listAccessKeys() {
        return call(Action.ADMIN_LIST_KEYS, AdminProtos.ListAccessKeysRequest.getDefaultInstance(),
                AdminProtos.ListAccessKeysResponse.parser(),
                r -> r.getKeysList().stream().map(AdminClient::info).toList());
    }

    /**
     * Disables a key: the server refuses it, and every temporary credential minted from it, from the next request on.
     *
     * @throws TablestoreException {@code OTSObjectNotExist} for an unknown id; {@code OTSParameterInvalid} for the
     *                             environment key or the last enabled admin key
     */
    public AccessKeyInfo disableAccessKey(String accessKeyId) {
        return setEnabled(accessKeyId, false);
    }

    /** Enables a disabled key again (credentials minted from it before work again until they expire). */
    public AccessKeyInfo enableAccessKey(String accessKeyId) {
        return setEnabled(accessKeyId, true);
    }

    /** Deletes a key for good; it and its temporary credentials stop working at once. */
    public void deleteAccessKey(String accessKeyId) {
        call(Action.ADMIN_DELETE_KEY, AdminProtos.DeleteAccessKeyRequest.newBuilder()
                        .setAccessKeyId(Objects.requireNonNull(accessKeyId, "accessKeyId")).build(),
                AdminProtos.DeleteAccessKeyResponse.parser(), r -> r);
    }

    /**
     * Gives a key a new secret (same id, scope and tables); the old secret and every temporary credential minted
     * with it stop working at once.
     */
    public AccessKeySecret rotateAccessKey(String accessKeyId) {
        return call(Action.ADMIN_ROTATE_KEY, AdminProtos.RotateAccessKeyRequest.newBuilder()
                        .setAccessKeyId(Objects.requireNonNull(accessKeyId, "accessKeyId")).build(),
                AdminProtos.AccessKeySecretResponse.parser(),
                r -> new AccessKeySecret(info(r.getKey()), r.getAccessKeySecret()));
    }

    // ---------------------------------------------------------------- tunnel checkpoint control

    /**
     * A tunnel's channel checkpoints: status, owner, token and sequence, the stream position and the time of its next
     * change (docs/tunnel-service.md "Checkpoint control"). Needs a key that may read tunnels of the table.
     *
     * @throws TablestoreException {@code OTSParameterInvalid} "tunnel not exist: …" for an unknown tunnel
     */
    public TunnelCheckpoints showCheckpoints(String tableName, String tunnelName) {
        return call(Action.ADMIN_CHECKPOINTS_SHOW, show(tableName, tunnelName), AdminProtos.TunnelCheckpoints.parser(),
                r -> new TunnelCheckpoints(r.getTunnelId(), r.getTableName(), r.getTunnelName(), r.getTunnelType(),
                        r.getStage(), r.getChannelsList().stream().map(AdminClient::checkpoint).toList(),
                        r.hasRetentionStartMs() ? Instant.ofEpochMilli(r.getRetentionStartMs()) : null,
                        Instant.ofEpochMilli(r.getNowMs())));
    }

    /**
     * Moves one channel's checkpoint. Fenced like any checkpoint: the channel's owner loses it at once (its stale
     * checkpoint is refused with {@code OTSSequenceNumberNotMatch}) and the channel is re-read from the new position
     * by the worker that gets it next. Needs a key that may manage tunnels of the table (admin, read-write).
     *
     * @param dryRun only answer what would change
     * @throws TablestoreException {@code OTSParameterInvalid} for an unknown tunnel or channel, a token of another
     *                             channel, a position no longer retained, a time in the future or before the
     *                             retention start, or a TERMINATED channel; {@code OTSNoPermissionAccess} for a key
     *                             that may not manage the table's tunnels
     */
    public CheckpointChangeResult setCheckpoint(String tableName, String tunnelName, String channelId,
                                                CheckpointTarget target, boolean dryRun) {
        AdminProtos.SetCheckpointRequest.Builder q = AdminProtos.SetCheckpointRequest.newBuilder()
                .setTableName(Objects.requireNonNull(tableName, "tableName"))
                .setTunnelName(Objects.requireNonNull(tunnelName, "tunnelName"))
                .setChannelId(Objects.requireNonNull(channelId, "channelId")).setDryRun(dryRun);
        if (Objects.requireNonNull(target, "target") instanceof CheckpointTarget.Token t) {
            q.setToken(t.token());
        } else if (target instanceof CheckpointTarget.Sequence n) {
            q.setNextSequence(n.nextSequence());
        } else if (target instanceof CheckpointTarget.Time t) {
            q.setTimeMs(t.time().toEpochMilli());
        }
        return change(Action.ADMIN_CHECKPOINTS_SET, q.build());
    }

    /**
     * Rewinds every stream channel of a Stream tunnel (or a BaseAndStream tunnel in its stream stage) to the first
     * change committed at or after {@code time}; TERMINATED channels are left alone ({@link
     * CheckpointChangeResult#skipped()}). Fenced as {@link #setCheckpoint}.
     *
     * @throws TablestoreException {@code OTSParameterInvalid} when {@code time} is in the future or before the
     *                             retention start, or for a BaseData tunnel or one in its base phase
     */
    public CheckpointChangeResult rewindCheckpoints(String tableName, String tunnelName, Instant time,
                                                    boolean dryRun) {
        return change(Action.ADMIN_CHECKPOINTS_REWIND, AdminProtos.RewindCheckpointsRequest.newBuilder()
                .setTableName(Objects.requireNonNull(tableName, "tableName"))
                .setTunnelName(Objects.requireNonNull(tunnelName, "tunnelName"))
                .setTimeMs(Objects.requireNonNull(time, "time").toEpochMilli()).setDryRun(dryRun).build());
    }

    /** Moves every stream channel to the latest position (skips everything not yet consumed); as rewind. */
    public CheckpointChangeResult resetCheckpoints(String tableName, String tunnelName, boolean dryRun) {
        return change(Action.ADMIN_CHECKPOINTS_RESET, AdminProtos.ResetCheckpointsRequest.newBuilder()
                .setTableName(Objects.requireNonNull(tableName, "tableName"))
                .setTunnelName(Objects.requireNonNull(tunnelName, "tunnelName")).setDryRun(dryRun).build());
    }

    /**
     * Creates tunnel {@code newTunnelName} on the same table from tunnel {@code tunnelName}'s current checkpoints
     * ({@code time == null}) or from {@code time} (stream from the first change at or after it), without touching
     * the source. The result's {@link CheckpointChangeResult#tunnelId()} is the new tunnel's id.
     *
     * @throws TablestoreException {@code OTSTunnelExist} when the name is taken; {@code OTSParameterInvalid} as for
     *                             rewind when a time is given
     */
    public CheckpointChangeResult forkTunnel(String tableName, String tunnelName, String newTunnelName, Instant time,
                                             boolean dryRun) {
        AdminProtos.ForkTunnelRequest.Builder q = AdminProtos.ForkTunnelRequest.newBuilder()
                .setTableName(Objects.requireNonNull(tableName, "tableName"))
                .setTunnelName(Objects.requireNonNull(tunnelName, "tunnelName"))
                .setNewTunnelName(Objects.requireNonNull(newTunnelName, "newTunnelName")).setDryRun(dryRun);
        if (time != null) {
            q.setTimeMs(time.toEpochMilli());
        }
        return change(Action.ADMIN_CHECKPOINTS_FORK, q.build());
    }

    /** The tunnel's checkpoints as the JSON export document (format {@code tunnelstore.checkpoints/1}). */
    public String exportCheckpoints(String tableName, String tunnelName) {
        return call(Action.ADMIN_CHECKPOINTS_EXPORT, show(tableName, tunnelName),
                AdminProtos.ExportCheckpointsResponse.parser(), AdminProtos.ExportCheckpointsResponse::getJson);
    }

    /**
     * Sets the checkpoints of an export ({@link #exportCheckpoints}) on a tunnel of the same table. Validated as a
     * whole before anything changes; listed channels whose token differs are moved (fenced as {@link
     * #setCheckpoint}), the others left alone.
     *
     * @throws TablestoreException {@code OTSParameterInvalid} for another table, an unknown channel, a token of
     *                             another channel or no longer retained, or a document that is not an export
     */
    public CheckpointChangeResult importCheckpoints(String tableName, String tunnelName, String json,
                                                    boolean dryRun) {
        return change(Action.ADMIN_CHECKPOINTS_IMPORT, AdminProtos.ImportCheckpointsRequest.newBuilder()
                .setTableName(Objects.requireNonNull(tableName, "tableName"))
                .setTunnelName(Objects.requireNonNull(tunnelName, "tunnelName"))
                .setJson(Objects.requireNonNull(json, "json")).setDryRun(dryRun).build());
    }

    private static AdminProtos.ShowCheckpointsRequest show(String tableName, String tunnelName) {
        return AdminProtos.ShowCheckpointsRequest.newBuilder()
                .setTableName(Objects.requireNonNull(tableName, "tableName"))
                .setTunnelName(Objects.requireNonNull(tunnelName, "tunnelName")).build();
    }

    private CheckpointChangeResult change(Action action, com.google.protobuf.Message request) {
        return call(action, request, AdminProtos.CheckpointChangeResponse.parser(), r -> new CheckpointChangeResult(
                r.getTunnelId(), r.getTunnelName(), r.getDryRun(),
                r.getChangesList().stream().map(c -> new CheckpointChange(c.getChannelId(),
                        c.hasBefore() ? checkpoint(c.getBefore()) : null, checkpoint(c.getAfter()))).toList(),
                r.getSkippedList()));
    }

    private static ChannelCheckpoint checkpoint(AdminProtos.ChannelCheckpoint c) {
        return new ChannelCheckpoint(c.getChannelId(), c.getChannelType(), c.getStatus(),
                c.hasOwnerClientId() ? c.getOwnerClientId() : null, c.getVersion(), c.getToken(),
                c.getSequenceNumber(), c.hasShardId() ? c.getShardId() : null,
                c.hasNextSequence() ? c.getNextSequence() : null,
                c.hasNextChangeTimeMs() ? Instant.ofEpochMilli(c.getNextChangeTimeMs()) : null, c.getConsumedCount(),
                c.getFinished(), c.getLastCheckpointTimeMs() == 0 ? null
                        : Instant.ofEpochMilli(c.getLastCheckpointTimeMs()));
    }

    private AccessKeyInfo setEnabled(String accessKeyId, boolean enabled) {
        return call(Action.ADMIN_SET_KEY_ENABLED, AdminProtos.SetAccessKeyEnabledRequest.newBuilder()
                        .setAccessKeyId(Objects.requireNonNull(accessKeyId, "accessKeyId")).setEnabled(enabled)
                        .build(),
                AdminProtos.SetAccessKeyEnabledResponse.parser(), r -> info(r.getKey()));
    }

    private <Q extends com.google.protobuf.Message, R extends com.google.protobuf.Message, T> T call(
            Action action, Q request, com.google.protobuf.Parser<R> parser, java.util.function.Function<R, T> map) {
        if (closed) {
            throw new IllegalStateException("AdminClient is closed");
        }
        return Futures.await(ResponseMapping.map(transport.call(action, request, parser, action.idempotent()),
                action, map), action.path());
    }

    private static AccessKeyInfo info(AdminProtos.AccessKeyInfo k) {
        return new AccessKeyInfo(k.getAccessKeyId(), k.getScope(), k.getTablesList(), k.getEnabled(), k.getOrigin(),
                Duration.ofSeconds(k.getMaxTemporaryTtlSeconds()), Instant.ofEpochMilli(k.getCreateTime()));
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
