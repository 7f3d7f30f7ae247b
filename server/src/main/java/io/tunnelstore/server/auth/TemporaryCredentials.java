package io.tunnelstore.server.auth;

import java.util.Objects;

/**
 * STS-style temporary credentials minted by {@link CredentialStore#mintTemporary}. A client uses them exactly like the
 * official SDKs use Alibaba Cloud STS credentials: {@code new SyncClient(endpoint, accessKeyId, accessKeySecret,
 * instance, securityToken)}. Immutable; {@link #toString()} never prints the secret or the token.
 *
 * @param accessKeyId     temporary key id (always starts with {@value #ID_PREFIX})
 * @param accessKeySecret temporary secret the client signs with
 * @param securityToken   the token the client sends in {@code x-ots-ststoken}
 * @param expiresAtMillis the server rejects the credentials from this instant on (ms since the epoch)
 */
public record TemporaryCredentials(String accessKeyId, String accessKeySecret, String securityToken,
                                   long expiresAtMillis) {

    /** Prefix of every temporary access key id; long-lived key ids may not use it. */
    public static final String ID_PREFIX = "STS.";

    public TemporaryCredentials {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(accessKeySecret, "accessKeySecret");
        Objects.requireNonNull(securityToken, "securityToken");
    }

    @Override
    public String toString() {
        return "TemporaryCredentials[accessKeyId=" + accessKeyId + ", expiresAtMillis=" + expiresAtMillis + "]";
    }
}
