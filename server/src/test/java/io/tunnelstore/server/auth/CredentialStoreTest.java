package io.tunnelstore.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.rocksdb.RocksDbStorageEngine;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoreTest {

    private static final long NOW = 1_700_000_000_000L;

    @TempDir
    Path dataDir;
    StorageEngine storage;
    CredentialStore store;

    @BeforeEach
    void open() {
        storage = RocksDbStorageEngine.open(dataDir, StorageOptions.builder().syncWrites(false).build());
        store = CredentialStore.open(storage, new SecureRandom());
        store.putAccessKey("inst", new AccessKey("parent", "parentSecret", true, NOW));
    }

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    void keysArePersistedUnderAuthPrefixAndReloaded() {
        AccessKey generated = store.createAccessKey("inst", false, NOW);
        assertThat(generated.accessKeyId()).matches("TS[A-Za-z0-9_-]{16}");
        assertThat(storage.getMeta("auth/inst/" + generated.accessKeyId())).isPresent();

        CredentialStore reopened = CredentialStore.open(storage, new SecureRandom());
        // Ordered by id: "TS..." sorts before "parent" (upper case first).
        assertThat(reopened.listAccessKeys("inst")).containsExactly(
                generated, new AccessKey("parent", "parentSecret", true, NOW));
        assertThat(reopened.findAccessKey("other", "parent")).isEmpty();
    }

    @Test
    void longLivedKeyResolvesToItsSecret() {
        assertThat(store.resolve("inst", "parent", null, NOW))
                .isEqualTo(new VerifiedCredential("parent", "parentSecret", "parent", AccessPolicy.ADMIN, false));
    }

    @Test
    void unknownKeyOrWrongInstanceIsAuthFailed() {
        assertAuthFailed(() -> store.resolve("inst", "nobody", null, NOW),
                "The AccessKeyID does not exist.");
        assertAuthFailed(() -> store.resolve("other", "parent", null, NOW),
                "The AccessKeyID does not exist.");
    }

    @Test
    void deletedKeyNoLongerResolves() {
        assertThat(store.deleteAccessKey("inst", "parent")).isTrue();
        assertThat(store.deleteAccessKey("inst", "parent")).isFalse();
        assertThat(CredentialStore.open(storage, new SecureRandom()).findAccessKey("inst", "parent")).isEmpty();
    }

    @Test
    void temporaryCredentialsResolveUntilExpiryExclusive() {
        TemporaryCredentials sts = store.mintTemporary("inst", "parent", Duration.ofMinutes(10), NOW);
        assertThat(sts.accessKeyId()).startsWith("STS.");
        assertThat(sts.expiresAtMillis()).isEqualTo(NOW + 600_000);

        VerifiedCredential ok = store.resolve("inst", sts.accessKeyId(), sts.securityToken(), NOW + 599_999);
        assertThat(ok).isEqualTo(new VerifiedCredential(sts.accessKeyId(), sts.accessKeySecret(), "parent",
                AccessPolicy.ADMIN.intersect(AccessPolicy.TEMPORARY_LIMIT), true));
        assertThat(ok.policy().allows(Permission.ADMINISTER)).isFalse();
        assertThat(ok.policy().allows(Permission.MANAGE_TABLES)).isTrue();
        assertAuthFailed(() -> store.resolve("inst", sts.accessKeyId(), sts.securityToken(), NOW + 600_000),
                "The security token has expired.");
    }

    @Test
    void temporaryCredentialsSurviveARestartBecauseTheSigningSecretIsStored() {
        TemporaryCredentials sts = store.mintTemporary("inst", "parent", Duration.ofMinutes(10), NOW);
        CredentialStore reopened = CredentialStore.open(storage, new SecureRandom());
        assertThat(reopened.resolve("inst", sts.accessKeyId(), sts.securityToken(), NOW).secret())
                .isEqualTo(sts.accessKeySecret());
    }

    @Test
    void forgedOrMisusedTokensAreRejected() {
        TemporaryCredentials sts = store.mintTemporary("inst", "parent", Duration.ofMinutes(10), NOW);
        String[] parts = sts.securityToken().split("\\.");
        // Same MAC, payload with a later expiry: must not verify.
        byte[] payload = Base64.getUrlDecoder().decode(parts[1]);
        payload[payload.length - 1] ^= 1;
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload) + "."
                + parts[2];
        assertAuthFailed(() -> store.resolve("inst", sts.accessKeyId(), forged, NOW), "The security token is invalid.");
        assertAuthFailed(() -> store.resolve("inst", sts.accessKeyId(), "garbage", NOW),
                "The security token is invalid.");
        assertAuthFailed(() -> store.resolve("inst", "STS.someoneElse", sts.securityToken(), NOW),
                "The security token is invalid.");
        store.putAccessKey("inst2", new AccessKey("parent", "x", true, NOW));
        assertAuthFailed(() -> store.resolve("inst2", sts.accessKeyId(), sts.securityToken(), NOW),
                "The security token is invalid.");
        assertAuthFailed(() -> store.resolve("inst", sts.accessKeyId(), null, NOW),
                "Temporary access key " + sts.accessKeyId() + " must be used with its security token "
                        + "(x-ots-ststoken).");
    }

    @Test
    void tokensFromAnotherServerSecretAreRejected(@TempDir Path otherDir) {
        try (StorageEngine other = RocksDbStorageEngine.open(otherDir,
                StorageOptions.builder().syncWrites(false).build())) {
            CredentialStore otherStore = CredentialStore.open(other, new SecureRandom());
            otherStore.putAccessKey("inst", new AccessKey("parent", "parentSecret", true, NOW));
            TemporaryCredentials foreign = otherStore.mintTemporary("inst", "parent", Duration.ofMinutes(10), NOW);
            assertAuthFailed(() -> store.resolve("inst", foreign.accessKeyId(), foreign.securityToken(), NOW),
                    "The security token is invalid.");
        }
    }

    @Test
    void deletingTheParentRevokesItsTemporaryCredentials() {
        TemporaryCredentials sts = store.mintTemporary("inst", "parent", Duration.ofMinutes(10), NOW);
        store.deleteAccessKey("inst", "parent");
        assertAuthFailed(() -> store.resolve("inst", sts.accessKeyId(), sts.securityToken(), NOW),
                "The security token is invalid: its access key no longer exists.");
    }

    @Test
    void mintingValidatesParentAndTtl() {
        assertAuthFailed(() -> store.mintTemporary("inst", "nobody", Duration.ofMinutes(1), NOW),
                "The AccessKeyID does not exist.");
        assertOts(() -> store.mintTemporary("inst", "parent", Duration.ZERO, NOW), ErrorCode.PARAMETER_INVALID,
                "ttl_seconds must be between 1 and 43200, got 0");
        assertOts(() -> store.mintTemporary("inst", "parent", Duration.ofHours(13), NOW), ErrorCode.PARAMETER_INVALID,
                "ttl_seconds must be between 1 and 43200, got 46800");
    }

    @Test
    void accessKeyValidatesIdsAndHidesTheSecret() {
        assertThatThrownBy(() -> new AccessKey("bad id", "s", false, NOW)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AccessKey("STS.x", "s", false, NOW)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new AccessKey("id", "topsecret", false, NOW).toString()).doesNotContain("topsecret");
        assertThat(store.mintTemporary("inst", "parent", Duration.ofMinutes(1), NOW).toString())
                .doesNotContain("secret").doesNotContain("v2.");
    }

    private static void assertAuthFailed(Runnable call, String message) {
        OtsException e = catchThrowableOfType(OtsException.class, call::run);
        assertThat(e).isNotNull();
        assertThat(e.errorCode()).isEqualTo(ErrorCode.AUTH_FAILED);
        assertThat(e.getMessage()).isEqualTo(message);
    }

    private static void assertOts(Runnable call, ErrorCode code, String message) {
        OtsException e = catchThrowableOfType(OtsException.class, call::run);
        assertThat(e).isNotNull();
        assertThat(e.errorCode()).isEqualTo(code);
        assertThat(e.getMessage()).isEqualTo(message);
    }

    private static final String NO_PERMISSION =
            "You have no permission to access the requested resource, please contact the resource owner.";

    @Test
    void scopedKeysPersistWithEveryAttribute() {
        AccessKey reader = store.createAccessKey("inst", KeyScope.READ_ONLY, Set.of("b", "a"), 600,
                KeyOrigin.CREATED, NOW);
        AccessKey disabled = store.updateAccessKey("inst", reader.accessKeyId(), k -> k.withEnabled(false)).get();
        CredentialStore reopened = CredentialStore.open(storage, new SecureRandom());
        AccessKey loaded = reopened.findAccessKey("inst", reader.accessKeyId()).get();
        assertThat(loaded).isEqualTo(disabled);
        assertThat(loaded.tables()).containsExactlyInAnyOrder("a", "b");
        assertThat(loaded.scope()).isEqualTo(KeyScope.READ_ONLY);
        assertThat(loaded.enabled()).isFalse();
        assertThat(loaded.maxTemporaryTtlSeconds()).isEqualTo(600);
        assertThat(loaded.policy()).isEqualTo(new AccessPolicy(
                Set.of(Permission.READ_DATA, Permission.READ_TUNNELS, Permission.AUTHENTICATED), false,
                Set.of("a", "b")));
    }

    @Test
    void formatOneKeysStillLoad() {
        // A key written before scopes existed: version 1, secret, admin flag, creation time.
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeUTF("oldSecret");
            out.writeBoolean(false);
            out.writeLong(NOW);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        storage.writeMeta(new io.tunnelstore.storage.MetaBatch().put("auth/inst/old", bytes.toByteArray()));
        AccessKey old = CredentialStore.open(storage, new SecureRandom()).findAccessKey("inst", "old").get();
        assertThat(old).isEqualTo(new AccessKey("old", "oldSecret", KeyScope.READ_WRITE, Set.of(), true,
                KeyOrigin.GENERATED, 0, NOW));
    }

    @Test
    void disabledKeyAndItsCredentialsAreRefusedAtOnceAndWorkAgainWhenEnabled() {
        TemporaryCredentials sts = store.mintTemporary("inst", "parent", Duration.ofMinutes(10), NOW);
        store.updateAccessKey("inst", "parent", k -> k.withEnabled(false));
        assertAuthFailed(() -> store.resolve("inst", "parent", null, NOW), "The AccessKeyID is disabled.");
        assertAuthFailed(() -> store.resolve("inst", sts.accessKeyId(), sts.securityToken(), NOW),
                "The security token is invalid: its access key is disabled.");
        assertAuthFailed(() -> store.mintTemporary("inst", "parent", Duration.ofMinutes(1), NOW),
                "The AccessKeyID does not exist.");
        store.updateAccessKey("inst", "parent", k -> k.withEnabled(true));
        assertThat(store.resolve("inst", sts.accessKeyId(), sts.securityToken(), NOW).secret())
                .isEqualTo(sts.accessKeySecret());
    }

    @Test
    void rotationReplacesTheSecretAndRevokesEveryCredentialMintedBefore() {
        TemporaryCredentials sts = store.mintTemporary("inst", "parent", Duration.ofMinutes(10), NOW);
        AccessKey rotated = store.rotateAccessKey("inst", "parent", NOW + 1).get();
        assertThat(rotated.accessKeySecret()).isNotEqualTo("parentSecret").matches("[A-Za-z0-9_-]{32}");
        assertThat(store.resolve("inst", "parent", null, NOW).secret()).isEqualTo(rotated.accessKeySecret());
        assertAuthFailed(() -> store.resolve("inst", sts.accessKeyId(), sts.securityToken(), NOW),
                "The security token is invalid: its access key was rotated or replaced.");
        assertThat(store.rotateAccessKey("inst", "nobody", NOW)).isEmpty();
    }

    @Test
    void deletedAndRecreatedParentWithTheSameSecretDoesNotReviveOldCredentials() {
        TemporaryCredentials sts = store.mintTemporary("inst", "parent", Duration.ofMinutes(10), NOW);
        store.deleteAccessKey("inst", "parent");
        store.putAccessKey("inst", new AccessKey("parent", "parentSecret", true, NOW + 5));
        assertAuthFailed(() -> store.resolve("inst", sts.accessKeyId(), sts.securityToken(), NOW + 6),
                "The security token is invalid: its access key was rotated or replaced.");
    }

    @Test
    void temporaryCredentialsNarrowAndNeverWiden() {
        AccessKey writer = store.createAccessKey("inst", KeyScope.READ_WRITE, Set.of("t1", "t2"), 3600,
                KeyOrigin.CREATED, NOW);
        TemporaryCredentials narrowed = store.mintTemporary("inst", writer.accessKeyId(), Duration.ofMinutes(5),
                KeyScope.READ_ONLY, Set.of("t1"), NOW);
        assertThat(store.resolve("inst", narrowed.accessKeyId(), narrowed.securityToken(), NOW).policy())
                .isEqualTo(AccessPolicy.of(KeyScope.READ_ONLY, Set.of("t1")));
        TemporaryCredentials same = store.mintTemporary("inst", writer.accessKeyId(), Duration.ofMinutes(5), NOW);
        assertThat(store.resolve("inst", same.accessKeyId(), same.securityToken(), NOW).policy())
                .isEqualTo(writer.policy());

        // Wider scope, other tables, all tables, a longer ttl than the key allows: refused.
        assertOts(() -> store.mintTemporary("inst", writer.accessKeyId(), Duration.ofMinutes(5), KeyScope.ADMIN,
                Set.of(), NOW), ErrorCode.NO_PERMISSION_ACCESS, NO_PERMISSION);
        assertOts(() -> store.mintTemporary("inst", writer.accessKeyId(), Duration.ofMinutes(5), null,
                Set.of("t3"), NOW), ErrorCode.NO_PERMISSION_ACCESS, NO_PERMISSION);
        assertOts(() -> store.mintTemporary("inst", writer.accessKeyId(), Duration.ofSeconds(3601), NOW),
                ErrorCode.PARAMETER_INVALID, "ttl_seconds must be between 1 and 3600, got 3601");
        AccessKey noMint = store.createAccessKey("inst", KeyScope.READ_ONLY, Set.of(), 0, KeyOrigin.CREATED, NOW);
        assertOts(() -> store.mintTemporary("inst", noMint.accessKeyId(), Duration.ofSeconds(1), NOW),
                ErrorCode.NO_PERMISSION_ACCESS, NO_PERMISSION);

        // Narrowing the parent later narrows the credentials minted before.
        store.updateAccessKey("inst", writer.accessKeyId(), k -> new AccessKey(k.accessKeyId(), k.accessKeySecret(),
                KeyScope.TUNNEL_CONSUME, Set.of("t2"), true, k.origin(), k.maxTemporaryTtlSeconds(),
                k.createdAtMillis()));
        assertThat(store.resolve("inst", same.accessKeyId(), same.securityToken(), NOW).policy())
                .isEqualTo(AccessPolicy.of(KeyScope.TUNNEL_CONSUME, Set.of("t2")));
        assertThat(store.resolve("inst", narrowed.accessKeyId(), narrowed.securityToken(), NOW).policy())
                .isEqualTo(new AccessPolicy(Set.of(Permission.READ_TUNNELS, Permission.AUTHENTICATED), false,
                        Set.of()));
    }

    @Test
    void environmentKeyIsTheOnlyEnvironmentKeyAndAChangedSecretRevokesItsCredentials() {
        assertThat(store.installEnvironmentKey("inst", "env1", "secret1", NOW))
                .isEqualTo(new CredentialStore.EnvironmentKeyChange(java.util.List.of(), true));
        TemporaryCredentials sts = store.mintTemporary("inst", "env1", Duration.ofHours(1), NOW);
        // Same pair at the next start: nothing changes, the credentials survive.
        assertThat(store.installEnvironmentKey("inst", "env1", "secret1", NOW + 10))
                .isEqualTo(new CredentialStore.EnvironmentKeyChange(java.util.List.of(), false));
        assertThat(store.resolve("inst", sts.accessKeyId(), sts.securityToken(), NOW + 10).secret())
                .isEqualTo(sts.accessKeySecret());
        // New secret: old secret and old credentials refused.
        store.installEnvironmentKey("inst", "env1", "secret2", NOW + 20);
        assertThat(store.resolve("inst", "env1", null, NOW + 20).secret()).isEqualTo("secret2");
        assertAuthFailed(() -> store.resolve("inst", sts.accessKeyId(), sts.securityToken(), NOW + 20),
                "The security token is invalid: its access key was rotated or replaced.");
        // Another id: the previous environment key is gone; keys of other origins stay.
        assertThat(store.installEnvironmentKey("inst", "env2", "secret3", NOW + 30))
                .isEqualTo(new CredentialStore.EnvironmentKeyChange(java.util.List.of("env1"), true));
        assertAuthFailed(() -> store.resolve("inst", "env1", null, NOW + 30),
                "The AccessKeyID does not exist.");
        assertThat(store.findAccessKey("inst", "parent")).isPresent();
        // None configured: no environment key remains.
        assertThat(store.installEnvironmentKey("inst", null, null, NOW + 40))
                .isEqualTo(new CredentialStore.EnvironmentKeyChange(java.util.List.of("env2"), false));
        assertThat(store.listAccessKeys("inst")).extracting(AccessKey::accessKeyId).containsExactly("parent");
    }

    // ---------------------------------------------------------------- several stores on one storage (a cluster)

    @Test
    void reloadShowsKeysCreatedChangedAndDeletedThroughAnotherStore() {
        CredentialStore other = CredentialStore.open(storage, new SecureRandom());
        AccessKey created = other.createAccessKey("inst", false, NOW);
        other.deleteAccessKey("inst", "parent");
        assertThat(store.findAccessKey("inst", created.accessKeyId())).isEmpty();
        assertThat(store.findAccessKey("inst", "parent")).isPresent();

        store.reload();

        assertThat(store.listAccessKeys("inst")).containsExactly(created);
        assertThat(store.reloadCount()).isEqualTo(1);
    }

    @Test
    void everyDurableChangeIsAnnouncedOnceAndAFailedChangeIsNot() {
        java.util.List<String> announced = new java.util.ArrayList<>();
        store.onChange(() -> announced.add("change"));
        AccessKey key = store.createAccessKey("inst", false, NOW);
        store.rotateAccessKey("inst", key.accessKeyId(), NOW + 1);
        store.updateAccessKey("inst", key.accessKeyId(), k -> k.withEnabled(false));
        store.deleteAccessKey("inst", key.accessKeyId());
        assertThat(announced).hasSize(4);
        store.deleteAccessKey("inst", key.accessKeyId()); // no such key any more: nothing changed
        store.rotateAccessKey("inst", "nobody", NOW);
        assertThat(announced).hasSize(4);
    }

    @Test
    void aMissReloadsAtMostOncePerIntervalAndConcurrentMissesShareOneReload() {
        long[] nanos = {1_000};
        store.reloadOnMiss(Duration.ofSeconds(1), () -> nanos[0]);
        CredentialStore other = CredentialStore.open(storage, new SecureRandom());
        AccessKey created = other.createAccessKey("inst", false, NOW);

        long missAt = store.missClock();
        assertThatThrownBy(() -> store.resolve("inst", created.accessKeyId(), null, NOW))
                .isInstanceOf(OtsException.class);
        assertThat(store.reloadAfterMiss(missAt)).isTrue();
        assertThat(store.resolve("inst", created.accessKeyId(), null, NOW).secret())
                .isEqualTo(created.accessKeySecret());
        assertThat(store.reloadCount()).isEqualTo(1);
        // a miss observed before that reload started is covered by it: look again, no second scan
        assertThat(store.reloadAfterMiss(missAt)).isTrue();
        assertThat(store.reloadCount()).isEqualTo(1);

        // bad keys within the interval: refused without touching the storage
        for (int i = 0; i < 50; i++) {
            nanos[0] += 10_000_000; // 10 ms each, 500 ms in all
            assertThat(store.reloadAfterMiss(store.missClock())).isFalse();
        }
        assertThat(store.reloadCount()).isEqualTo(1);
        nanos[0] = 1_000 + Duration.ofSeconds(1).toNanos(); // one interval after the first reload
        assertThat(store.reloadAfterMiss(store.missClock())).isTrue();
        assertThat(store.reloadCount()).isEqualTo(2);
    }

    @Test
    void withoutReloadOnMissAMissNeverReadsTheStorage() {
        assertThat(store.reloadAfterMiss(store.missClock())).isFalse();
        assertThat(store.reloadCount()).isZero();
    }
}
