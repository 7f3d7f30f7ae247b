package io.tunnelstore.server.admin;

import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.protocol.pb.AdminProtos.AccessKeyInfo;
import io.tunnelstore.protocol.pb.AdminProtos.AccessKeySecretResponse;
import io.tunnelstore.protocol.pb.AdminProtos.CreateAccessKeyRequest;
import io.tunnelstore.protocol.pb.AdminProtos.DeleteAccessKeyRequest;
import io.tunnelstore.protocol.pb.AdminProtos.DeleteAccessKeyResponse;
import io.tunnelstore.protocol.pb.AdminProtos.ListAccessKeysRequest;
import io.tunnelstore.protocol.pb.AdminProtos.ListAccessKeysResponse;
import io.tunnelstore.protocol.pb.AdminProtos.MintCredentialsRequest;
import io.tunnelstore.protocol.pb.AdminProtos.MintCredentialsResponse;
import io.tunnelstore.protocol.pb.AdminProtos.RotateAccessKeyRequest;
import io.tunnelstore.protocol.pb.AdminProtos.SetAccessKeyEnabledRequest;
import io.tunnelstore.protocol.pb.AdminProtos.SetAccessKeyEnabledResponse;
import io.tunnelstore.server.ServerContext;
import io.tunnelstore.server.ServerModule;
import io.tunnelstore.server.auth.AccessKey;
import io.tunnelstore.server.auth.CredentialStore;
import io.tunnelstore.server.auth.KeyOrigin;
import io.tunnelstore.server.auth.KeyScope;
import io.tunnelstore.server.auth.TemporaryCredentials;
import io.tunnelstore.server.http.OperationRegistry;
import io.tunnelstore.server.http.RequestContext;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tunnelstore-specific administrative operations ({@code tunnelstore/admin/*}, messages in {@code admin.proto};
 * design in docs/keys.md).
 *
 * <ul>
 *   <li>{@code mint-credentials}: STS-style temporary credentials under the calling key. Only a permanent key whose
 *       mint limit is above 0 may mint (never temporary credentials: they cannot beget more); the credentials'
 *       scope and tables are at most the key's, their lifetime at most its limit.</li>
 *   <li>{@code create-key}, {@code list-keys}, {@code set-key-enabled}, {@code delete-key}, {@code rotate-key}:
 *       access key management, admin keys only (enforced by the scope check before the handler). The environment
 *       key cannot be changed here (change {@code OTS_AK_ENV}/{@code OTS_SK_ENV} and restart), and the last enabled
 *       admin key cannot be disabled or deleted.</li>
 * </ul>
 * Every change is durable and effective for the next request.
 *
 * <p>Stateless and thread-safe; handlers complete synchronously on the server's worker thread.
 */
public final class AdminModule implements ServerModule {
    private static final Logger LOG = LoggerFactory.getLogger(AdminModule.class);

    private final CredentialStore credentials;
    private final Clock clock;

    /** The module over the server's credential store and clock. */
    public AdminModule(ServerContext context) {
        this.credentials = context.credentialStore();
        this.clock = context.clock();
    }

    @Override
    public void register(OperationRegistry registry) {
        registry.register(Action.ADMIN_MINT_CREDENTIALS, MintCredentialsRequest.parser(),
                (ctx, q) -> CompletableFuture.completedFuture(mint(ctx, q)));
        registry.register(Action.ADMIN_CREATE_KEY, CreateAccessKeyRequest.parser(),
                (ctx, q) -> CompletableFuture.completedFuture(create(ctx, q)));
        registry.register(Action.ADMIN_LIST_KEYS, ListAccessKeysRequest.parser(),
                (ctx, q) -> CompletableFuture.completedFuture(list(ctx)));
        registry.register(Action.ADMIN_SET_KEY_ENABLED, SetAccessKeyEnabledRequest.parser(),
                (ctx, q) -> CompletableFuture.completedFuture(setEnabled(ctx, q)));
        registry.register(Action.ADMIN_DELETE_KEY, DeleteAccessKeyRequest.parser(),
                (ctx, q) -> CompletableFuture.completedFuture(delete(ctx, q)));
        registry.register(Action.ADMIN_ROTATE_KEY, RotateAccessKeyRequest.parser(),
                (ctx, q) -> CompletableFuture.completedFuture(rotate(ctx, q)));
    }

    private MintCredentialsResponse mint(RequestContext ctx, MintCredentialsRequest request) {
        if (ctx.principal().temporary()) {
            LOG.info("Refused to mint temporary credentials with temporary credentials of access key {}",
                    ctx.principal().accessKeyId());
            throw CredentialStore.noPermission();
        }
        long seconds = request.getTtlSeconds();
        if (seconds <= 0 || seconds > CredentialStore.MAX_TEMPORARY_TTL.toSeconds()) {
            throw OtsException.of(ErrorCode.PARAMETER_INVALID, "ttl_seconds must be between 1 and %d, got %d",
                    CredentialStore.MAX_TEMPORARY_TTL.toSeconds(), seconds);
        }
        KeyScope scope = request.hasScope() ? scope(request.getScope()) : null;
        Set<String> tables = tables(request.getTablesList());
        TemporaryCredentials minted = credentials.mintTemporary(ctx.instanceName(), ctx.principal().accessKeyId(),
                Duration.ofSeconds(seconds), scope, tables, clock.millis());
        LOG.info("Minted temporary credentials {} for access key {} of instance {} (ttl {} s, scope {}, tables {})",
                minted.accessKeyId(), ctx.principal().accessKeyId(), ctx.instanceName(), seconds,
                scope == null ? "of the key" : scope, tables.isEmpty() ? "of the key" : tables);
        return MintCredentialsResponse.newBuilder()
                .setAccessKeyId(minted.accessKeyId())
                .setAccessKeySecret(minted.accessKeySecret())
                .setSecurityToken(minted.securityToken())
                .setExpirationTime(minted.expiresAtMillis())
                .build();
    }

    private AccessKeySecretResponse create(RequestContext ctx, CreateAccessKeyRequest request) {
        KeyScope scope = scope(request.getScope());
        Set<String> tables = tables(request.getTablesList());
        if (scope == KeyScope.ADMIN && !tables.isEmpty()) {
            throw OtsException.of(ErrorCode.PARAMETER_INVALID,
                    "An admin key covers the whole instance; it cannot be limited to tables.");
        }
        long maxTtl = request.hasMaxTemporaryTtlSeconds() ? request.getMaxTemporaryTtlSeconds()
                : CredentialStore.defaultMaxTemporaryTtlSeconds(scope);
        if (maxTtl < 0 || maxTtl > CredentialStore.MAX_TEMPORARY_TTL.toSeconds()) {
            throw OtsException.of(ErrorCode.PARAMETER_INVALID,
                    "max_temporary_ttl_seconds must be between 0 and %d, got %d",
                    CredentialStore.MAX_TEMPORARY_TTL.toSeconds(), maxTtl);
        }
        AccessKey key = credentials.createAccessKey(ctx.instanceName(), scope, tables, maxTtl, KeyOrigin.CREATED,
                clock.millis());
        LOG.info("Access key {} created in instance {} by {}: {}", key.accessKeyId(), ctx.instanceName(),
                ctx.principal().accessKeyId(), key);
        return AccessKeySecretResponse.newBuilder().setKey(info(key)).setAccessKeySecret(key.accessKeySecret())
                .build();
    }

    private ListAccessKeysResponse list(RequestContext ctx) {
        ListAccessKeysResponse.Builder response = ListAccessKeysResponse.newBuilder();
        for (AccessKey key : credentials.listAccessKeys(ctx.instanceName())) {
            response.addKeys(info(key));
        }
        return response.build();
    }

    private SetAccessKeyEnabledResponse setEnabled(RequestContext ctx, SetAccessKeyEnabledRequest request) {
        String id = request.getAccessKeyId();
        AccessKey changed = credentials.updateAccessKey(ctx.instanceName(), id, key -> {
            requireChangeable(key);
            if (!request.getEnabled()) {
                requireOtherAdmin(ctx.instanceName(), key);
            }
            return key.withEnabled(request.getEnabled());
        }).orElseThrow(() -> noSuchKey(id));
        LOG.info("Access key {} of instance {} {} by {}", id, ctx.instanceName(),
                changed.enabled() ? "enabled" : "disabled", ctx.principal().accessKeyId());
        return SetAccessKeyEnabledResponse.newBuilder().setKey(info(changed)).build();
    }

    private DeleteAccessKeyResponse delete(RequestContext ctx, DeleteAccessKeyRequest request) {
        String id = request.getAccessKeyId();
        // Checked and deleted under the store's lock, so two admins cannot delete the last two admin keys at once.
        synchronized (credentials) {
            AccessKey key = credentials.findAccessKey(ctx.instanceName(), id).orElseThrow(() -> noSuchKey(id));
            requireChangeable(key);
            requireOtherAdmin(ctx.instanceName(), key);
            credentials.deleteAccessKey(ctx.instanceName(), id);
        }
        LOG.info("Access key {} of instance {} deleted by {}", id, ctx.instanceName(), ctx.principal().accessKeyId());
        return DeleteAccessKeyResponse.getDefaultInstance();
    }

    private AccessKeySecretResponse rotate(RequestContext ctx, RotateAccessKeyRequest request) {
        String id = request.getAccessKeyId();
        credentials.findAccessKey(ctx.instanceName(), id).ifPresent(AdminModule::requireChangeable);
        AccessKey rotated = credentials.rotateAccessKey(ctx.instanceName(), id, clock.millis())
                .orElseThrow(() -> noSuchKey(id));
        LOG.info("Access key {} of instance {} rotated by {}", id, ctx.instanceName(), ctx.principal().accessKeyId());
        return AccessKeySecretResponse.newBuilder().setKey(info(rotated))
                .setAccessKeySecret(rotated.accessKeySecret()).build();
    }

    private static void requireChangeable(AccessKey key) {
        if (key.origin() == KeyOrigin.ENVIRONMENT) {
            throw OtsException.of(ErrorCode.PARAMETER_INVALID, "Access key %s is the environment key "
                    + "(OTS_AK_ENV); change the environment and restart the server instead.", key.accessKeyId());
        }
    }

    private void requireOtherAdmin(String instance, AccessKey key) {
        if (!key.admin() || !key.enabled()) {
            return;
        }
        boolean another = credentials.listAccessKeys(instance).stream()
                .anyMatch(k -> k.admin() && k.enabled() && !k.accessKeyId().equals(key.accessKeyId()));
        if (!another) {
            throw OtsException.of(ErrorCode.PARAMETER_INVALID,
                    "Access key %s is the last enabled admin key of instance %s; create another one first.",
                    key.accessKeyId(), instance);
        }
    }

    private static KeyScope scope(String name) {
        return KeyScope.fromWireName(name).orElseThrow(() -> OtsException.of(ErrorCode.PARAMETER_INVALID,
                "Invalid scope '%s': expected admin, read-write, read-only or tunnel-consume.", name));
    }

    private static Set<String> tables(List<String> names) {
        Set<String> tables = new LinkedHashSet<>();
        for (String name : names) {
            if (name.isBlank()) {
                throw OtsException.of(ErrorCode.PARAMETER_INVALID, "Table names of a scope must not be blank.");
            }
            tables.add(name);
        }
        return tables;
    }

    private static OtsException noSuchKey(String id) {
        return OtsException.of(ErrorCode.OBJECT_NOT_EXIST, "Access key %s does not exist.", id);
    }

    static AccessKeyInfo info(AccessKey key) {
        return AccessKeyInfo.newBuilder()
                .setAccessKeyId(key.accessKeyId())
                .setScope(key.scope().wireName())
                .addAllTables(key.tables().stream().sorted().toList())
                .setEnabled(key.enabled())
                .setOrigin(key.origin().wireName())
                .setMaxTemporaryTtlSeconds(key.maxTemporaryTtlSeconds())
                .setCreateTime(key.createdAtMillis())
                .build();
    }
}
