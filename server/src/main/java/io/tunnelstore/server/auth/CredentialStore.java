package io.tunnelstore.server.auth;

import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.MetaEntry;
import io.tunnelstore.storage.StorageEngine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Access keys of every instance and the STS-style temporary credentials derived from them.
 *
 * <h3>Persistence</h3>
 * Long-lived keys live in the storage engine's metadata under {@code auth/<instance>/<accessKeyId>}; the value holds
 * the secret <em>as is</em> (the V2/V4 signature schemes need the plain secret on the server, so hashing it is not
 * possible; protect the data directory like a key file). All keys are loaded into memory by {@link #open} so that the
 * per-request lookup never touches the disk; writes go to the engine first (durable), then to the cache.
 *
 * <h3>Temporary credentials</h3>
 * Stateless and unforgeable: nothing is stored per minted credential. The security token is
 * {@code "v1." + base64url(payload) + "." + base64url(HMAC-SHA256(serverSecret, payload))} with
 * {@code payload = (instance, parentAccessKeyId, temporaryAccessKeyId, expiresAtMillis)}, and the temporary secret is
 * another HMAC of the same payload, so only this server (holder of {@code serverSecret}, 32 random bytes generated at
 * first start and stored under {@value #STS_SECRET_KEY}) can mint or verify them. Deleting the parent key revokes all
 * its temporary credentials. They are accepted until {@code expiresAtMillis}, then rejected with {@code OTSAuthFailed}.
 *
 * <p>Thread-safety: safe for concurrent use; mutations are serialized on this object.
 */
public final class CredentialStore {

    /** Metadata key prefix of access keys: {@code auth/<instance>/<accessKeyId>}. */
    public static final String KEY_PREFIX = "auth/";
    /** Metadata key of the server secret that signs security tokens (outside {@link #KEY_PREFIX} on purpose). */
    public static final String STS_SECRET_KEY = "authsys/sts-signing-secret";
    /** Longest lifetime a temporary credential may be minted with (the public STS service also caps at 12 h). */
    public static final Duration MAX_TEMPORARY_TTL = Duration.ofHours(12);

    private static final byte KEY_FORMAT_VERSION = 1;
    private static final String TOKEN_VERSION = "v1";
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();

    private final StorageEngine storage;
    private final SecureRandom random;
    private final byte[] stsSecret;
    /** instance -> (accessKeyId -> key). */
    private final Map<String, Map<String, AccessKey>> keys = new ConcurrentHashMap<>();

    private CredentialStore(StorageEngine storage, SecureRandom random, byte[] stsSecret) {
        this.storage = storage;
        this.random = random;
        this.stsSecret = stsSecret;
    }

    /**
     * Loads all access keys from {@code storage} and the token-signing secret (generating and storing it at the first
     * start). The store does not own {@code storage} and never closes it.
     *
     * @throws io.tunnelstore.storage.StorageException when the metadata cannot be read or written
     * @throws IllegalStateException when a stored key cannot be decoded (corrupt metadata)
     */
    public static CredentialStore open(StorageEngine storage, SecureRandom random) {
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(random, "random");
        byte[] secret = storage.getMeta(STS_SECRET_KEY).orElse(null);
        if (secret == null) {
            secret = new byte[32];
            random.nextBytes(secret);
            storage.writeMeta(new MetaBatch().put(STS_SECRET_KEY, secret));
        }
        CredentialStore store = new CredentialStore(storage, random, secret);
        for (MetaEntry entry : storage.scanMeta(KEY_PREFIX)) {
            String rest = entry.key().substring(KEY_PREFIX.length());
            int slash = rest.indexOf('/');
            if (slash <= 0) {
                throw new IllegalStateException("corrupt access key entry in metadata: " + entry.key());
            }
            String instance = rest.substring(0, slash);
            AccessKey key = decodeKey(rest.substring(slash + 1), entry.value(), entry.key());
            store.cache(instance).put(key.accessKeyId(), key);
        }
        return store;
    }

    // ---------------------------------------------------------------- long-lived keys

    /** Generates a random key pair for {@code instance}, stores it durably and returns it. */
    public AccessKey createAccessKey(String instance, boolean admin, long nowMillis) {
        byte[] idBytes = new byte[12];
        byte[] secretBytes = new byte[24];
        random.nextBytes(idBytes);
        random.nextBytes(secretBytes);
        // Prefix "TS" keeps generated ids recognisable; base64url keeps them inside the SDK's allowed alphabet.
        AccessKey key = new AccessKey("TS" + B64URL.encodeToString(idBytes), B64URL.encodeToString(secretBytes),
                admin, nowMillis);
        putAccessKey(instance, key);
        return key;
    }

    /** Stores (or replaces) {@code key} for {@code instance} durably. */
    public synchronized void putAccessKey(String instance, AccessKey key) {
        requireInstance(instance);
        Objects.requireNonNull(key, "key");
        storage.writeMeta(new MetaBatch().put(metaKey(instance, key.accessKeyId()), encodeKey(key)));
        cache(instance).put(key.accessKeyId(), key);
    }

    /** Deletes a key; its temporary credentials stop working too. Returns whether it existed. */
    public synchronized boolean deleteAccessKey(String instance, String accessKeyId) {
        requireInstance(instance);
        Map<String, AccessKey> byId = keys.get(instance);
        if (byId == null || !byId.containsKey(accessKeyId)) {
            return false;
        }
        storage.writeMeta(new MetaBatch().delete(metaKey(instance, accessKeyId)));
        byId.remove(accessKeyId);
        return true;
    }

    /** The key with this id in {@code instance}, if any. */
    public Optional<AccessKey> findAccessKey(String instance, String accessKeyId) {
        Map<String, AccessKey> byId = keys.get(instance);
        return byId == null ? Optional.empty() : Optional.ofNullable(byId.get(accessKeyId));
    }

    /** All keys of {@code instance}, ordered by access key id. */
    public List<AccessKey> listAccessKeys(String instance) {
        Map<String, AccessKey> byId = keys.get(instance);
        if (byId == null) {
            return List.of();
        }
        List<AccessKey> result = new ArrayList<>(byId.values());
        result.sort(Comparator.comparing(AccessKey::accessKeyId));
        return List.copyOf(result);
    }

    // ---------------------------------------------------------------- temporary credentials

    /**
     * Mints temporary credentials acting as {@code parentAccessKeyId} (which must be a long-lived key of
     * {@code instance}) valid until {@code nowMillis + ttl}.
     *
     * @throws IllegalArgumentException when the parent key does not exist or {@code ttl} is not in
     *                                  (0, {@link #MAX_TEMPORARY_TTL}]
     */
    public TemporaryCredentials mintTemporary(String instance, String parentAccessKeyId, Duration ttl,
                                              long nowMillis) {
        requireInstance(instance);
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TEMPORARY_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be in (0, " + MAX_TEMPORARY_TTL + "]: " + ttl);
        }
        if (findAccessKey(instance, parentAccessKeyId).isEmpty()) {
            throw new IllegalArgumentException("no access key '" + parentAccessKeyId + "' in instance " + instance);
        }
        byte[] idBytes = new byte[12];
        random.nextBytes(idBytes);
        String tempId = TemporaryCredentials.ID_PREFIX + B64URL.encodeToString(idBytes);
        long expiresAt = nowMillis + ttl.toMillis();
        byte[] payload = tokenPayload(instance, parentAccessKeyId, tempId, expiresAt);
        String token = TOKEN_VERSION + "." + B64URL.encodeToString(payload) + "."
                + B64URL.encodeToString(hmac("token", payload));
        return new TemporaryCredentials(tempId, temporarySecret(payload), token, expiresAt);
    }

    // ---------------------------------------------------------------- request verification

    /**
     * Finds the secret a request of {@code instance} carrying {@code accessKeyId} (and {@code securityToken}, the
     * {@code x-ots-ststoken} header, or {@code null}) must be signed with.
     *
     * @throws OtsException {@code OTSAuthFailed} (403) when the key is unknown, the token is malformed, forged, for
     *                      another key or instance, or expired (the message says which)
     */
    public VerifiedCredential resolve(String instance, String accessKeyId, String securityToken, long nowMillis) {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        if (securityToken == null || securityToken.isEmpty()) {
            if (accessKeyId.startsWith(TemporaryCredentials.ID_PREFIX)) {
                throw authFailed("Temporary access key %s must be used with its security token (x-ots-ststoken).",
                        accessKeyId);
            }
            AccessKey key = findAccessKey(instance, accessKeyId)
                    .orElseThrow(() -> authFailed("The AccessKeyID does not exist.").withLogDetail(
                            "access key id " + accessKeyId + " in instance " + instance));
            return new VerifiedCredential(accessKeyId, key.accessKeySecret(), accessKeyId, key.admin(), false);
        }
        DecodedToken token = decodeToken(securityToken);
        if (token == null || !token.instance.equals(instance) || !token.temporaryKeyId.equals(accessKeyId)) {
            throw authFailed("The security token is invalid.");
        }
        if (nowMillis >= token.expiresAtMillis) {
            throw authFailed("The security token has expired.");
        }
        AccessKey parent = findAccessKey(instance, token.parentKeyId)
                .orElseThrow(() -> authFailed("The security token is invalid: its access key no longer exists."));
        return new VerifiedCredential(accessKeyId, temporarySecret(token.payload), parent.accessKeyId(),
                parent.admin(), true);
    }

    // ---------------------------------------------------------------- internals

    private record DecodedToken(byte[] payload, String instance, String parentKeyId, String temporaryKeyId,
                                long expiresAtMillis) {}

    /** Returns null when the token is malformed or its MAC does not verify. */
    private DecodedToken decodeToken(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals(TOKEN_VERSION)) {
            return null;
        }
        byte[] payload;
        byte[] mac;
        try {
            payload = B64URL_DECODER.decode(parts[1]);
            mac = B64URL_DECODER.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!MessageDigest.isEqual(mac, hmac("token", payload))) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            return new DecodedToken(payload, in.readUTF(), in.readUTF(), in.readUTF(), in.readLong());
        } catch (IOException e) {
            return null; // a MAC-valid payload always decodes; kept defensive for format changes
        }
    }

    private static byte[] tokenPayload(String instance, String parentId, String tempId, long expiresAt) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(instance);
            out.writeUTF(parentId);
            out.writeUTF(tempId);
            out.writeLong(expiresAt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private String temporarySecret(byte[] payload) {
        return B64URL.encodeToString(hmac("secret", payload));
    }

    /** HMAC-SHA256 under the server secret, domain-separated by {@code purpose} so a token MAC is never a secret. */
    private byte[] hmac(String purpose, byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(stsSecret, "HmacSHA256"));
            mac.update(("tunnelstore-sts-" + purpose + "\n").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private Map<String, AccessKey> cache(String instance) {
        return keys.computeIfAbsent(instance, i -> new ConcurrentHashMap<>());
    }

    private static String metaKey(String instance, String accessKeyId) {
        return KEY_PREFIX + instance + "/" + accessKeyId;
    }

    private static void requireInstance(String instance) {
        if (instance == null || instance.isEmpty() || instance.indexOf('/') >= 0) {
            throw new IllegalArgumentException("invalid instance name: '" + instance + "'");
        }
    }

    private static byte[] encodeKey(AccessKey key) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(KEY_FORMAT_VERSION);
            out.writeUTF(key.accessKeySecret());
            out.writeBoolean(key.admin());
            out.writeLong(key.createdAtMillis());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static AccessKey decodeKey(String accessKeyId, byte[] value, String metaKey) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            byte version = in.readByte();
            if (version != KEY_FORMAT_VERSION) {
                throw new IllegalStateException("unsupported access key format " + version + " in " + metaKey);
            }
            return new AccessKey(accessKeyId, in.readUTF(), in.readBoolean(), in.readLong());
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("corrupt access key entry in metadata: " + metaKey, e);
        }
    }

    private static OtsException authFailed(String format, Object... args) {
        return OtsException.of(ErrorCode.AUTH_FAILED, format, args);
    }
}
