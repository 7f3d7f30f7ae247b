package io.tunnelstore.server.auth;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A long-lived access key of one instance: the pair a client configures ({@code accessKeyId}, {@code accessKeySecret})
 * plus what it may do. Immutable; {@link #toString()} never prints the secret.
 *
 * @param accessKeyId              the public id; must match the official SDKs' client-side check
 *                                 {@code [a-zA-Z0-9+./_-]+}
 * @param accessKeySecret          the shared HMAC secret (non-empty)
 * @param scope                    the key's role
 * @param tables                   the tables the scope is limited to; empty = every table (always empty for admin)
 * @param enabled                  a disabled key (and every credential minted from it) is refused with
 *                                 {@code OTSAuthFailed} until enabled again
 * @param origin                   where the key came from
 * @param maxTemporaryTtlSeconds   longest lifetime of temporary credentials this key may mint; 0 = may not mint
 * @param createdAtMillis          creation (or last rotation) time, ms since the epoch
 */
public record AccessKey(String accessKeyId, String accessKeySecret, KeyScope scope, Set<String> tables,
                        boolean enabled, KeyOrigin origin, long maxTemporaryTtlSeconds, long createdAtMillis) {

    /** The character set the official Java SDK accepts for access key ids (PROTOCOL.md §1.1). */
    static final Pattern ID_PATTERN = Pattern.compile("^[a-zA-Z0-9+./_-]+$");

    public AccessKey {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(accessKeySecret, "accessKeySecret");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(origin, "origin");
        tables = Set.copyOf(new TreeSet<>(tables));
        if (!ID_PATTERN.matcher(accessKeyId).matches() || accessKeyId.length() > 128) {
            throw new IllegalArgumentException("access key id must match [a-zA-Z0-9+./_-]{1,128}: '" + accessKeyId + "'");
        }
        if (accessKeySecret.isEmpty() || accessKeySecret.strip().length() != accessKeySecret.length()) {
            throw new IllegalArgumentException("access key secret must be non-empty without surrounding blanks");
        }
        if (accessKeyId.startsWith(TemporaryCredentials.ID_PREFIX)) {
            throw new IllegalArgumentException("access key ids starting with '" + TemporaryCredentials.ID_PREFIX
                    + "' are reserved for temporary credentials: '" + accessKeyId + "'");
        }
        if (scope == KeyScope.ADMIN && !tables.isEmpty()) {
            throw new IllegalArgumentException("an admin key covers the whole instance; it cannot be limited to "
                    + "tables " + tables);
        }
        for (String table : tables) {
            if (table.isBlank()) {
                throw new IllegalArgumentException("table names of a key scope must not be blank");
            }
        }
        if (maxTemporaryTtlSeconds < 0 || maxTemporaryTtlSeconds > CredentialStore.MAX_TEMPORARY_TTL.toSeconds()) {
            throw new IllegalArgumentException("maxTemporaryTtlSeconds must be in [0, "
                    + CredentialStore.MAX_TEMPORARY_TTL.toSeconds() + "]: " + maxTemporaryTtlSeconds);
        }
    }

    /**
     * An enabled key created through the API with the default mint limit of its scope
     * ({@link CredentialStore#defaultMaxTemporaryTtlSeconds}).
     */
    public AccessKey(String accessKeyId, String accessKeySecret, KeyScope scope, Set<String> tables,
                     long createdAtMillis) {
        this(accessKeyId, accessKeySecret, scope, tables, true, KeyOrigin.CREATED,
                CredentialStore.defaultMaxTemporaryTtlSeconds(scope), createdAtMillis);
    }

    /** An enabled key on all tables: admin, or read-write. */
    public AccessKey(String accessKeyId, String accessKeySecret, boolean admin, long createdAtMillis) {
        this(accessKeyId, accessKeySecret, admin ? KeyScope.ADMIN : KeyScope.READ_WRITE, Set.of(), createdAtMillis);
    }

    /** Whether this is an admin key. */
    public boolean admin() {
        return scope == KeyScope.ADMIN;
    }

    /** What a request signed with this key may do. */
    public AccessPolicy policy() {
        return AccessPolicy.of(scope, tables);
    }

    /** A copy with {@code enabled}. */
    public AccessKey withEnabled(boolean enabled) {
        return new AccessKey(accessKeyId, accessKeySecret, scope, tables, enabled, origin, maxTemporaryTtlSeconds,
                createdAtMillis);
    }

    /** A copy with a new secret (rotation), created at {@code nowMillis}. */
    public AccessKey withSecret(String secret, long nowMillis) {
        return new AccessKey(accessKeyId, secret, scope, tables, enabled, origin, maxTemporaryTtlSeconds, nowMillis);
    }

    @Override
    public String toString() {
        return "AccessKey[accessKeyId=" + accessKeyId + ", scope=" + scope + ", tables=" + tables + ", enabled="
                + enabled + ", origin=" + origin + ", maxTemporaryTtlSeconds=" + maxTemporaryTtlSeconds
                + ", createdAtMillis=" + createdAtMillis + "]";
    }
}
