package io.tunnelstore.server.auth;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A long-lived access key of one instance: the pair a client configures ({@code accessKeyId}, {@code accessKeySecret})
 * plus whether it has administrative rights. Immutable; {@link #toString()} never prints the secret.
 *
 * @param accessKeyId     the public id; must match the official SDKs' client-side check {@code [a-zA-Z0-9+./_-]+}
 * @param accessKeySecret the shared HMAC secret (non-empty)
 * @param admin           whether the key may mint temporary credentials and manage the instance
 * @param createdAtMillis creation time, ms since the epoch
 */
public record AccessKey(String accessKeyId, String accessKeySecret, boolean admin, long createdAtMillis) {

    /** The character set the official Java SDK accepts for access key ids (PROTOCOL.md §1.1). */
    static final Pattern ID_PATTERN = Pattern.compile("^[a-zA-Z0-9+./_-]+$");

    public AccessKey {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(accessKeySecret, "accessKeySecret");
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
    }

    @Override
    public String toString() {
        return "AccessKey[accessKeyId=" + accessKeyId + ", admin=" + admin + ", createdAtMillis=" + createdAtMillis + "]";
    }
}
