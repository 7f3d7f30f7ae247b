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
                .isEqualTo(new VerifiedCredential("parent", "parentSecret", "parent", true, false));
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
        assertThat(ok).isEqualTo(new VerifiedCredential(sts.accessKeyId(), sts.accessKeySecret(), "parent", true,
                true));
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
        assertThatThrownBy(() -> store.mintTemporary("inst", "nobody", Duration.ofMinutes(1), NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no access key 'nobody' in instance inst");
        assertThatThrownBy(() -> store.mintTemporary("inst", "parent", Duration.ZERO, NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ttl must be in (0, PT12H]: PT0S");
        assertThatThrownBy(() -> store.mintTemporary("inst", "parent", Duration.ofHours(13), NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ttl must be in (0, PT12H]: PT13H");
    }

    @Test
    void accessKeyValidatesIdsAndHidesTheSecret() {
        assertThatThrownBy(() -> new AccessKey("bad id", "s", false, NOW)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AccessKey("STS.x", "s", false, NOW)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new AccessKey("id", "topsecret", false, NOW).toString()).doesNotContain("topsecret");
        assertThat(store.mintTemporary("inst", "parent", Duration.ofMinutes(1), NOW).toString())
                .doesNotContain("secret").doesNotContain("v1.");
    }

    private static void assertAuthFailed(Runnable call, String message) {
        OtsException e = catchThrowableOfType(OtsException.class, call::run);
        assertThat(e).isNotNull();
        assertThat(e.errorCode()).isEqualTo(ErrorCode.AUTH_FAILED);
        assertThat(e.getMessage()).isEqualTo(message);
    }
}
