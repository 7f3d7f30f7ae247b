package io.tunnelstore.server.console;

import io.tunnelstore.server.http.Principal;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Who a console user is: the access key they logged in with and, per instance where it is valid, the identity API
 * calls act as. The secret itself is not kept, only its SHA-256, so a rotated secret ends the session. Immutable.
 *
 * @param accessKeyId    the access key id typed at login (a temporary id for STS credentials)
 * @param securityToken  the STS security token, or {@code null} for a long-lived key
 * @param secretDigest   SHA-256 of the secret
 * @param principals     instance name to principal, for every instance the credentials are valid in (non-empty)
 */
public record ConsoleIdentity(String accessKeyId, String securityToken, byte[] secretDigest,
                              Map<String, Principal> principals) {
    public ConsoleIdentity {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        secretDigest = secretDigest.clone();
        principals = java.util.Collections.unmodifiableMap(new TreeMap<>(principals));
        if (principals.isEmpty()) {
            throw new IllegalArgumentException("an identity is valid in at least one instance");
        }
    }

    @Override
    public byte[] secretDigest() {
        return secretDigest.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConsoleIdentity other && accessKeyId.equals(other.accessKeyId)
                && Objects.equals(securityToken, other.securityToken)
                && Arrays.equals(secretDigest, other.secretDigest) && principals.equals(other.principals);
    }

    @Override
    public int hashCode() {
        return Objects.hash(accessKeyId, securityToken, Arrays.hashCode(secretDigest), principals);
    }

    @Override
    public String toString() {
        return "ConsoleIdentity[accessKeyId=" + accessKeyId + ", instances=" + principals.keySet() + "]";
    }
}
