package io.tunnelstore.client;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An access key (id + secret), optionally temporary: STS-style credentials also carry a security token and
 * usually an expiration time.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never prints the secret or the token.
 *
 * @param accessKeyId     the access key id; must match {@code [a-zA-Z0-9+./_-]+} (the characters every
 *                        Tablestore SDK accepts)
 * @param accessKeySecret the secret used to sign requests (HMAC key); non-empty
 * @param securityToken   the STS token sent as {@code x-ots-ststoken}, or {@code null} for a long-term key
 * @param expiration      when temporary credentials stop working, or {@code null} if unknown / never.
 *                        {@link RefreshingCredentialsProvider} refreshes ahead of it.
 */
public record Credentials(String accessKeyId, String accessKeySecret, String securityToken, Instant expiration) {

    private static final Pattern ACCESS_KEY_ID = Pattern.compile("^[a-zA-Z0-9+./_-]+$");

    public Credentials {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(accessKeySecret, "accessKeySecret");
        if (!ACCESS_KEY_ID.matcher(accessKeyId).matches()) {
            throw new IllegalArgumentException(
                    "access key id must match [a-zA-Z0-9+./_-]+, got '" + accessKeyId + "'");
        }
        if (accessKeySecret.isEmpty()) {
            throw new IllegalArgumentException("access key secret is empty (access key id " + accessKeyId + ")");
        }
        if (securityToken != null && securityToken.isBlank()) {
            securityToken = null;
        }
    }

    /** Long-term credentials: no token, no expiration. */
    public static Credentials of(String accessKeyId, String accessKeySecret) {
        return new Credentials(accessKeyId, accessKeySecret, null, null);
    }

    /** Temporary (STS) credentials without a known expiration. */
    public static Credentials of(String accessKeyId, String accessKeySecret, String securityToken) {
        return new Credentials(accessKeyId, accessKeySecret, securityToken, null);
    }

    /** Temporary (STS) credentials that expire at {@code expiration}. */
    public static Credentials temporary(String accessKeyId, String accessKeySecret, String securityToken,
                                        Instant expiration) {
        Objects.requireNonNull(securityToken, "securityToken");
        Objects.requireNonNull(expiration, "expiration");
        return new Credentials(accessKeyId, accessKeySecret, securityToken, expiration);
    }

    /** True when a security token is present (requests then carry {@code x-ots-ststoken}). */
    public boolean hasSecurityToken() {
        return securityToken != null;
    }

    @Override
    public String toString() {
        return "Credentials[accessKeyId=" + accessKeyId
                + (securityToken != null ? ", securityToken=<redacted>" : "")
                + (expiration != null ? ", expiration=" + expiration : "") + "]";
    }
}
