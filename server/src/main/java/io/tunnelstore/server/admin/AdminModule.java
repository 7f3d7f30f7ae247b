package io.tunnelstore.server.admin;

import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.protocol.pb.AdminProtos.MintCredentialsRequest;
import io.tunnelstore.protocol.pb.AdminProtos.MintCredentialsResponse;
import io.tunnelstore.server.ServerContext;
import io.tunnelstore.server.ServerModule;
import io.tunnelstore.server.auth.CredentialStore;
import io.tunnelstore.server.auth.TemporaryCredentials;
import io.tunnelstore.server.http.OperationRegistry;
import io.tunnelstore.server.http.RequestContext;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tunnelstore-specific administrative operations ({@code tunnelstore/admin/*}, messages in {@code admin.proto}).
 * Only callers authenticated with an admin access key (or temporary credentials minted from one) may call them;
 * anyone else gets 403 {@code OTSNoPermissionAccess}.
 *
 * <p>{@code tunnelstore/admin/mint-credentials} mints STS-style temporary credentials acting as the calling admin
 * key, valid for {@code ttl_seconds} (at most {@link CredentialStore#MAX_TEMPORARY_TTL}); they are used like Alibaba
 * Cloud STS credentials (access key id + secret + {@code x-ots-ststoken}) and refused from their expiry on.
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
    }

    private MintCredentialsResponse mint(RequestContext ctx, MintCredentialsRequest request) {
        requireAdmin(ctx);
        long seconds = request.getTtlSeconds();
        long maxSeconds = CredentialStore.MAX_TEMPORARY_TTL.toSeconds();
        if (seconds <= 0 || seconds > maxSeconds) {
            throw OtsException.of(ErrorCode.PARAMETER_INVALID,
                    "ttl_seconds must be between 1 and %d, got %d", maxSeconds, seconds);
        }
        TemporaryCredentials minted = credentials.mintTemporary(ctx.instanceName(), ctx.principal().accessKeyId(),
                Duration.ofSeconds(seconds), clock.millis());
        LOG.info("Minted temporary credentials {} for access key {} of instance {} (ttl {} s)",
                minted.accessKeyId(), ctx.principal().accessKeyId(), ctx.instanceName(), seconds);
        return MintCredentialsResponse.newBuilder()
                .setAccessKeyId(minted.accessKeyId())
                .setAccessKeySecret(minted.accessKeySecret())
                .setSecurityToken(minted.securityToken())
                .setExpirationTime(minted.expiresAtMillis())
                .build();
    }

    private static void requireAdmin(RequestContext ctx) {
        if (!ctx.principal().admin()) {
            throw OtsException.of(ErrorCode.NO_PERMISSION_ACCESS,
                    "access key %s is not an admin key; only admin keys may call %s",
                    ctx.principal().accessKeyId(), ctx.action().path());
        }
    }
}
