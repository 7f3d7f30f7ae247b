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
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Access keys of every instance and the STS-style temporary credentials derived from them (design: docs/keys.md).
 *
 * <h3>Persistence</h3>
 * Long-lived keys live in the storage engine's metadata under {@code auth/<instance>/<accessKeyId>}; the value holds
 * the key's scope, tables, state and the secret <em>as is</em> (the V2/V4 signature schemes need the plain secret on
 * the server to recompute the HMAC, so hashing it is not possible; protect the data directory like a key file). All
 * keys are loaded into memory by {@link #open} so that the per-request lookup never touches the disk; every change is
 * written to the engine first (durable), then to the in-memory map, under this object's lock, so a request that
 * arrives after a change returns sees it: there is no cache that outlives a delete, disable or rotation.
 *
 * <h3>Temporary credentials</h3>
 * Stateless and unforgeable: nothing is stored per minted credential. The security token is
 * {@code "v2." + base64url(payload) + "." + base64url(HMAC-SHA256(serverSecret, payload))} with {@code payload =
 * (instance, parentAccessKeyId, parentFingerprint, temporaryAccessKeyId, expiresAtMillis, scope, tables)}, and the
 * temporary secret is another HMAC of the same payload, so only this server (holder of {@code serverSecret}, 32 random
 * bytes generated at first start and stored under {@value #STS_SECRET_KEY}) can mint or verify them. The
 * {@code parentFingerprint} is an HMAC of the parent's secret and creation time: rotating the parent, changing the
 * environment key's secret, or deleting and re-creating the parent invalidates every credential minted before.
 * At each request the parent must still exist and be enabled, and the credential acts with the intersection of its
 * minted scope and the parent's current scope: it can only ever narrow. Temporary credentials never manage keys
 * ({@link Permission#ADMINISTER}) and never mint (checked by the mint operation): a credential that could create a
 * permanent key or a longer credential would outlive itself.
 *
 * <h3>Several nodes on one storage</h3>
 * In a cluster (docs/scale-out.md) every node has its own store over the shared metadata. A node that changes a key
 * tells the others through {@link #onChange} (the server announces it to the cluster), and each node then
 * {@link #reload reloads}. Between the change and the announcement's arrival, a request carrying a key this node does
 * not know yet (or whose signature does not match the secret it knows) triggers one reload: see
 * {@link #reloadOnMiss}, which is rate-limited so that requests with bad keys cannot make a node scan the storage
 * more than once per interval.
 *
 * <p>Thread-safety: safe for concurrent use; mutations and reloads are serialized on this object.
 */
public final class CredentialStore {

    /** Metadata key prefix of access keys: {@code auth/<instance>/<accessKeyId>}. */
    public static final String KEY_PREFIX = "auth/";
    /** Metadata key of the server secret that signs security tokens (outside {@link #KEY_PREFIX} on purpose). */
    public static final String STS_SECRET_KEY = "authsys/sts-signing-secret";
    /** Longest lifetime a temporary credential may ever be minted with (the public STS service also caps at 12 h). */
    public static final Duration MAX_TEMPORARY_TTL = Duration.ofHours(12);
    /** Default mint limit of admin keys: {@link #MAX_TEMPORARY_TTL}. Other scopes may not mint unless given one. */
    public static final Duration DEFAULT_ADMIN_TEMPORARY_TTL = MAX_TEMPORARY_TTL;

    private static final byte KEY_FORMAT_V1 = 1;
    private static final byte KEY_FORMAT_V2 = 2;
    private static final String TOKEN_VERSION = "v2";
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();

    private final StorageEngine storage;
    private final SecureRandom random;
    private final byte[] stsSecret;
    /** instance -> (accessKeyId -> key). */
    private final Map<String, Map<String, AccessKey>> keys = new ConcurrentHashMap<>();
    /** Told after every durable key change made through this store (the server announces it to the cluster). */
    private volatile Runnable changeListener = () -> { };
    /** Reload on a miss: off (single node: this store is the only writer) until {@link #reloadOnMiss} enables it. */
    private volatile MissReloads missReloads;
    /** Reloads done so far (for metrics and tests). */
    private final java.util.concurrent.atomic.AtomicLong reloads = new java.util.concurrent.atomic.AtomicLong();

    /** The rate limit of reloads on a miss: at most one per {@code minIntervalNanos} of {@code nanoTime}. */
    private record MissReloads(long minIntervalNanos, java.util.function.LongSupplier nanoTime) {}
    /** When the last reload started ({@code nanoTime}), guarded by this object; valid once {@link #reloaded}. */
    private long lastReloadNanos;
    private boolean reloaded;

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
        store.keys.putAll(loadKeys(storage));
        return store;
    }

    /** Every stored key, by instance and id. */
    private static Map<String, Map<String, AccessKey>> loadKeys(StorageEngine storage) {
        Map<String, Map<String, AccessKey>> loaded = new java.util.HashMap<>();
        for (MetaEntry entry : storage.scanMeta(KEY_PREFIX)) {
            String rest = entry.key().substring(KEY_PREFIX.length());
            int slash = rest.indexOf('/');
            if (slash <= 0) {
                throw new IllegalStateException("corrupt access key entry in metadata: " + entry.key());
            }
            String instance = rest.substring(0, slash);
            AccessKey key = decodeKey(rest.substring(slash + 1), entry.value(), entry.key());
            loaded.computeIfAbsent(instance, i -> new ConcurrentHashMap<>()).put(key.accessKeyId(), key);
        }
        return loaded;
    }

    // ---------------------------------------------------------------- several nodes on one storage

    /**
     * Sets what is told after every durable key change made through this store (create, replace, update, rotate,
     * delete), outside the store's lock; it must not throw. Default: nothing. The server announces the change to the
     * other nodes of a cluster with it.
     */
    public void onChange(Runnable listener) {
        this.changeListener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Re-reads every key from the storage and replaces the in-memory view (keys created, changed or deleted by another
     * node on the same storage become visible). Serialized with this store's own changes, so a local change is never
     * undone by a concurrent reload. Lookups never wait: each sees the view before or after.
     *
     * @throws io.tunnelstore.storage.StorageException when the metadata cannot be read (the old view is kept)
     */
    public synchronized void reload() {
        MissReloads limits = missReloads;
        reloadLocked(limits == null ? System.nanoTime() : limits.nanoTime().getAsLong());
    }

    private void reloadLocked(long nowNanos) {
        lastReloadNanos = nowNanos;
        reloaded = true;
        Map<String, Map<String, AccessKey>> loaded = loadKeys(storage);
        keys.keySet().retainAll(loaded.keySet());
        keys.putAll(loaded);
        reloads.incrementAndGet();
    }

    /** How many times the keys were re-read from the storage since {@link #open} (for metrics and tests). */
    public long reloadCount() {
        return reloads.get();
    }

    /**
     * Enables {@link #reloadAfterMiss}: a request whose key is unknown here, or whose signature does not match, may
     * re-read the keys (another node may have created or rotated the key a moment ago), at most once per
     * {@code minInterval} measured with {@code nanoTime}. Off by default (a single node's store is the only writer).
     */
    public void reloadOnMiss(Duration minInterval, java.util.function.LongSupplier nanoTime) {
        if (minInterval.isNegative()) {
            throw new IllegalArgumentException("minInterval must not be negative: " + minInterval);
        }
        this.missReloads = new MissReloads(minInterval.toNanos(), Objects.requireNonNull(nanoTime, "nanoTime"));
    }

    /**
     * Called by the authenticator after a request failed because of its key ({@code missAtNanos}: when the failed
     * lookup happened, on the {@link #reloadOnMiss} time source). Returns whether the keys were re-read since then —
     * by this call or by a concurrent one (so many requests missing at once cause one reload) — in which case the
     * caller should look again. Returns false without reading when reloads on a miss are off or the last reload
     * started less than the minimum interval ago: bad keys cost at most one storage scan per interval.
     */
    public boolean reloadAfterMiss(long missAtNanos) {
        MissReloads limits = missReloads;
        if (limits == null) {
            return false;
        }
        synchronized (this) {
            if (reloaded && lastReloadNanos - missAtNanos >= 0) {
                return true; // someone reloaded after this miss: look again
            }
            long now = limits.nanoTime().getAsLong();
            if (reloaded && now - lastReloadNanos < limits.minIntervalNanos()) {
                return false;
            }
            reloadLocked(now);
            return true;
        }
    }

    /** The {@link #reloadOnMiss} time source's reading now (0 when off), for {@link #reloadAfterMiss}. */
    public long missClock() {
        MissReloads limits = missReloads;
        return limits == null ? 0 : limits.nanoTime().getAsLong();
    }

    private void changed() {
        try {
            changeListener.run();
        } catch (RuntimeException e) {
            // the change is stored: other nodes see it at their next reload (announcement or miss)
            org.slf4j.LoggerFactory.getLogger(CredentialStore.class).warn("Announcing an access key change failed", e);
        }
    }

    /** The mint limit a new key of {@code scope} gets unless told otherwise: 12 h for admin keys, 0 (none) else. */
    public static long defaultMaxTemporaryTtlSeconds(KeyScope scope) {
        return scope == KeyScope.ADMIN ? DEFAULT_ADMIN_TEMPORARY_TTL.toSeconds() : 0;
    }

    // ---------------------------------------------------------------- long-lived keys

    /** Generates a random enabled admin (or read-write) key for {@code instance}, stores it durably and returns it. */
    public AccessKey createAccessKey(String instance, boolean admin, long nowMillis) {
        KeyScope scope = admin ? KeyScope.ADMIN : KeyScope.READ_WRITE;
        return createAccessKey(instance, scope, Set.of(), defaultMaxTemporaryTtlSeconds(scope), KeyOrigin.CREATED,
                nowMillis);
    }

    /**
     * Generates a random key with this scope for {@code instance}, stores it durably and returns it (the only time
     * the caller sees the secret besides {@link #findAccessKey}).
     *
     * @throws IllegalArgumentException for an admin key limited to tables, or a mint limit out of range
     */
    public AccessKey createAccessKey(String instance, KeyScope scope, Set<String> tables,
                                     long maxTemporaryTtlSeconds, KeyOrigin origin, long nowMillis) {
        byte[] idBytes = new byte[12];
        random.nextBytes(idBytes);
        // Prefix "TS" keeps generated ids recognisable; base64url keeps them inside the SDK's allowed alphabet.
        AccessKey key = new AccessKey("TS" + B64URL.encodeToString(idBytes), newSecret(), scope, tables, true,
                origin, maxTemporaryTtlSeconds, nowMillis);
        putAccessKey(instance, key);
        return key;
    }

    /** Stores (or replaces) {@code key} for {@code instance} durably. */
    public void putAccessKey(String instance, AccessKey key) {
        putLocked(instance, key);
        changed();
    }

    private synchronized void putLocked(String instance, AccessKey key) {
        requireInstance(instance);
        Objects.requireNonNull(key, "key");
        storage.writeMeta(new MetaBatch().put(metaKey(instance, key.accessKeyId()), encodeKey(key)));
        cache(instance).put(key.accessKeyId(), key);
    }

    /**
     * Replaces the key with this id by {@code change.apply(key)} durably and returns the new version; empty when
     * there is no such key. {@code change} runs under the store's lock and may throw to refuse the change.
     */
    public Optional<AccessKey> updateAccessKey(String instance, String accessKeyId,
                                               UnaryOperator<AccessKey> change) {
        Optional<AccessKey> updated = updateLocked(instance, accessKeyId, change);
        if (updated.isPresent()) {
            changed();
        }
        return updated;
    }

    private synchronized Optional<AccessKey> updateLocked(String instance, String accessKeyId,
                                                          UnaryOperator<AccessKey> change) {
        Optional<AccessKey> current = findAccessKey(instance, accessKeyId);
        if (current.isEmpty()) {
            return Optional.empty();
        }
        AccessKey changed = Objects.requireNonNull(change.apply(current.get()), "changed key");
        if (!changed.accessKeyId().equals(accessKeyId)) {
            throw new IllegalArgumentException("an update cannot change the access key id");
        }
        putLocked(instance, changed);
        return Optional.of(changed);
    }

    /** Gives the key a new random secret (its old secret and every credential minted from it stop working). */
    public Optional<AccessKey> rotateAccessKey(String instance, String accessKeyId, long nowMillis) {
        String secret = newSecret();
        return updateAccessKey(instance, accessKeyId, k -> k.withSecret(secret, nowMillis));
    }

    /** Deletes a key; its temporary credentials stop working too. Returns whether it existed. */
    public boolean deleteAccessKey(String instance, String accessKeyId) {
        boolean deleted = deleteLocked(instance, accessKeyId);
        if (deleted) {
            changed();
        }
        return deleted;
    }

    private synchronized boolean deleteLocked(String instance, String accessKeyId) {
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

    /** What {@link #installEnvironmentKey} did, for the start-up log. */
    public record EnvironmentKeyChange(List<String> removedKeyIds, boolean installed) {}

    /**
     * Makes the configured pair ({@code OTS_AK_ENV}/{@code OTS_SK_ENV}; both null when none is configured) the only
     * {@link KeyOrigin#ENVIRONMENT} key of {@code instance}: every other environment key is deleted (a key that is no
     * longer configured stops working), and the configured one is (re)installed as an enabled admin key when it is
     * missing or differs (a new secret revokes the temporary credentials minted with the old one). An unchanged key
     * is left as it is, so its temporary credentials survive a restart.
     */
    public synchronized EnvironmentKeyChange installEnvironmentKey(String instance, String configuredId,
                                                                   String configuredSecret, long nowMillis) {
        if ((configuredId == null) != (configuredSecret == null)) {
            throw new IllegalArgumentException("configure both the environment key id and secret, or neither");
        }
        List<String> removed = new ArrayList<>();
        for (AccessKey key : listAccessKeys(instance)) {
            if (key.origin() == KeyOrigin.ENVIRONMENT && !key.accessKeyId().equals(configuredId)) {
                deleteAccessKey(instance, key.accessKeyId());
                removed.add(key.accessKeyId());
            }
        }
        boolean installed = false;
        if (configuredId != null) {
            String secret = configuredSecret;
            AccessKey wanted = new AccessKey(configuredId, secret, KeyScope.ADMIN, Set.of(), true,
                    KeyOrigin.ENVIRONMENT, DEFAULT_ADMIN_TEMPORARY_TTL.toSeconds(), nowMillis);
            Optional<AccessKey> existing = findAccessKey(instance, configuredId);
            boolean same = existing.isPresent() && existing.get().equals(
                    new AccessKey(configuredId, secret, KeyScope.ADMIN, Set.of(), true, KeyOrigin.ENVIRONMENT,
                            DEFAULT_ADMIN_TEMPORARY_TTL.toSeconds(), existing.get().createdAtMillis()));
            if (!same) {
                putAccessKey(instance, wanted);
                installed = true;
            }
        }
        return new EnvironmentKeyChange(List.copyOf(removed), installed);
    }

    /** Whether {@code instance} has an enabled admin key. */
    public boolean hasEnabledAdminKey(String instance) {
        return listAccessKeys(instance).stream().anyMatch(k -> k.admin() && k.enabled());
    }

    // ---------------------------------------------------------------- temporary credentials

    /**
     * Mints temporary credentials under the long-lived key {@code parentAccessKeyId} of {@code instance}, valid until
     * {@code nowMillis + ttl}, limited to {@code scope} on {@code tables} (null scope: the parent's; empty tables: the
     * parent's).
     *
     * @throws OtsException {@code OTSParameterInvalid} when the ttl is not in (0, the parent's limit];
     *                      {@code OTSNoPermissionAccess} when the parent may not mint (limit 0) or the requested scope
     *                      or tables are wider than the parent's; {@code OTSAuthFailed} when the parent is unknown or disabled
     */
    public TemporaryCredentials mintTemporary(String instance, String parentAccessKeyId, Duration ttl,
                                              KeyScope scope, Set<String> tables, long nowMillis) {
        requireInstance(instance);
        Objects.requireNonNull(ttl, "ttl");
        AccessKey parent = findAccessKey(instance, parentAccessKeyId)
                .filter(AccessKey::enabled)
                .orElseThrow(() -> authFailed("The AccessKeyID does not exist.").withLogDetail(
                        "access key id " + parentAccessKeyId + " (enabled) in instance " + instance));
        if (parent.maxTemporaryTtlSeconds() <= 0) {
            throw noPermission(); // a key with a mint limit of 0 may not mint at all
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.toSeconds() > parent.maxTemporaryTtlSeconds()
                || ttl.compareTo(MAX_TEMPORARY_TTL) > 0) {
            throw OtsException.of(ErrorCode.PARAMETER_INVALID, "ttl_seconds must be between 1 and %d, got %d",
                    parent.maxTemporaryTtlSeconds(), ttl.toSeconds());
        }
        KeyScope mintedScope = scope == null ? parent.scope() : scope;
        Set<String> mintedTables = tables == null || tables.isEmpty() ? parent.tables() : tables;
        if (!AccessPolicy.of(mintedScope, mintedTables).isWithin(parent.policy())) {
            throw noPermission();
        }
        if (mintedScope == KeyScope.ADMIN && !mintedTables.isEmpty()) {
            throw OtsException.of(ErrorCode.PARAMETER_INVALID,
                    "An admin scope covers the whole instance; it cannot be limited to tables.");
        }
        byte[] idBytes = new byte[12];
        random.nextBytes(idBytes);
        String tempId = TemporaryCredentials.ID_PREFIX + B64URL.encodeToString(idBytes);
        long expiresAt = nowMillis + ttl.toMillis();
        byte[] payload = tokenPayload(new DecodedToken(null, instance, parentAccessKeyId, fingerprint(parent), tempId,
                expiresAt, mintedScope, new TreeSet<>(mintedTables)));
        String token = TOKEN_VERSION + "." + B64URL.encodeToString(payload) + "."
                + B64URL.encodeToString(hmac("token", payload));
        return new TemporaryCredentials(tempId, temporarySecret(payload), token, expiresAt);
    }

    /** {@link #mintTemporary(String, String, Duration, KeyScope, Set, long)} with the parent's scope and tables. */
    public TemporaryCredentials mintTemporary(String instance, String parentAccessKeyId, Duration ttl,
                                              long nowMillis) {
        return mintTemporary(instance, parentAccessKeyId, ttl, null, Set.of(), nowMillis);
    }

    // ---------------------------------------------------------------- request verification

    /**
     * Finds the secret a request of {@code instance} carrying {@code accessKeyId} (and {@code securityToken}, the
     * {@code x-ots-ststoken} header, or {@code null}) must be signed with, and what the request may do.
     *
     * @throws OtsException {@code OTSAuthFailed} (403) when the key is unknown or disabled, the token is malformed,
     *                      forged, for another key or instance, expired, or its parent key was deleted, disabled or
     *                      rotated (the message says which)
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
            if (!key.enabled()) {
                throw authFailed("The AccessKeyID is disabled.").withLogDetail(
                        "access key id " + accessKeyId + " in instance " + instance);
            }
            return new VerifiedCredential(accessKeyId, key.accessKeySecret(), accessKeyId, key.policy(), false);
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
        if (!parent.enabled()) {
            throw authFailed("The security token is invalid: its access key is disabled.");
        }
        if (!MessageDigest.isEqual(fingerprint(parent).getBytes(StandardCharsets.UTF_8),
                token.parentFingerprint.getBytes(StandardCharsets.UTF_8))) {
            throw authFailed("The security token is invalid: its access key was rotated or replaced.");
        }
        // Never key management: temporary credentials that could create a permanent key would outlive themselves.
        AccessPolicy policy = AccessPolicy.of(token.scope, token.tables).intersect(parent.policy())
                .intersect(AccessPolicy.TEMPORARY_LIMIT);
        return new VerifiedCredential(accessKeyId, temporarySecret(token.payload), parent.accessKeyId(), policy, true);
    }

    /** The public service's answer to a request outside the caller's rights (403). */
    public static OtsException noPermission() {
        return new OtsException(ErrorCode.NO_PERMISSION_ACCESS,
                "You have no permission to access the requested resource, please contact the resource owner.");
    }

    // ---------------------------------------------------------------- internals

    private record DecodedToken(byte[] payload, String instance, String parentKeyId, String parentFingerprint,
                                String temporaryKeyId, long expiresAtMillis, KeyScope scope, Set<String> tables) {}

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
            String instance = in.readUTF();
            String parent = in.readUTF();
            String fingerprint = in.readUTF();
            String tempId = in.readUTF();
            long expiresAt = in.readLong();
            KeyScope scope = KeyScope.fromWireName(in.readUTF()).orElse(null);
            int count = in.readInt();
            Set<String> tables = new TreeSet<>();
            for (int i = 0; i < count; i++) {
                tables.add(in.readUTF());
            }
            return scope == null ? null
                    : new DecodedToken(payload, instance, parent, fingerprint, tempId, expiresAt, scope, tables);
        } catch (IOException e) {
            return null; // a MAC-valid payload always decodes; kept defensive for format changes
        }
    }

    private static byte[] tokenPayload(DecodedToken t) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(t.instance);
            out.writeUTF(t.parentKeyId);
            out.writeUTF(t.parentFingerprint);
            out.writeUTF(t.temporaryKeyId);
            out.writeLong(t.expiresAtMillis);
            out.writeUTF(t.scope.wireName());
            out.writeInt(t.tables.size());
            for (String table : t.tables) {
                out.writeUTF(table);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Identifies one version of a parent key (secret and creation time) without revealing the secret. */
    private String fingerprint(AccessKey parent) {
        byte[] material = (parent.accessKeySecret() + "\n" + parent.createdAtMillis())
                .getBytes(StandardCharsets.UTF_8);
        return B64URL.encodeToString(java.util.Arrays.copyOf(hmac("parent", material), 16));
    }

    private String newSecret() {
        byte[] secretBytes = new byte[24];
        random.nextBytes(secretBytes);
        return B64URL.encodeToString(secretBytes);
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

    /**
     * Format 2: version, secret, scope, table count + names, enabled, origin, max temporary ttl (s), creation time.
     * Format 1 (before scopes): version, secret, admin flag, creation time; read as an enabled admin (or read-write)
     * key of origin {@link KeyOrigin#GENERATED}.
     */
    private static byte[] encodeKey(AccessKey key) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(KEY_FORMAT_V2);
            out.writeUTF(key.accessKeySecret());
            out.writeUTF(key.scope().wireName());
            out.writeInt(key.tables().size());
            for (String table : new TreeSet<>(key.tables())) {
                out.writeUTF(table);
            }
            out.writeBoolean(key.enabled());
            out.writeUTF(key.origin().name());
            out.writeLong(key.maxTemporaryTtlSeconds());
            out.writeLong(key.createdAtMillis());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static AccessKey decodeKey(String accessKeyId, byte[] value, String metaKey) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            byte version = in.readByte();
            if (version == KEY_FORMAT_V1) {
                String secret = in.readUTF();
                KeyScope scope = in.readBoolean() ? KeyScope.ADMIN : KeyScope.READ_WRITE;
                return new AccessKey(accessKeyId, secret, scope, Set.of(), true, KeyOrigin.GENERATED,
                        defaultMaxTemporaryTtlSeconds(scope), in.readLong());
            }
            if (version != KEY_FORMAT_V2) {
                throw new IllegalStateException("unsupported access key format " + version + " in " + metaKey);
            }
            String secret = in.readUTF();
            String scopeName = in.readUTF();
            KeyScope scope = KeyScope.fromWireName(scopeName)
                    .orElseThrow(() -> new IllegalArgumentException("unknown scope " + scopeName));
            int count = in.readInt();
            Set<String> tables = new TreeSet<>();
            for (int i = 0; i < count; i++) {
                tables.add(in.readUTF());
            }
            boolean enabled = in.readBoolean();
            KeyOrigin origin = KeyOrigin.valueOf(in.readUTF());
            long maxTtl = in.readLong();
            return new AccessKey(accessKeyId, secret, scope, tables, enabled, origin, maxTtl, in.readLong());
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("corrupt access key entry in metadata: " + metaKey, e);
        }
    }

    private static OtsException authFailed(String format, Object... args) {
        return OtsException.of(ErrorCode.AUTH_FAILED, format, args);
    }
}
