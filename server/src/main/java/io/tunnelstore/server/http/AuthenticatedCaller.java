package io.tunnelstore.server.http;

import java.util.Objects;

/**
 * The result of authenticating a request: who it acts as, and how its response must be signed (PROTOCOL.md §3.2).
 *
 * @param principal          the identity handlers see
 * @param responseKeyId      the access key id to put in {@code Authorization: OTS <id>:<sig>} (the one the request
 *                           used)
 * @param responseSigningKey the key of the response HMAC: the secret the request was signed with (STS: the temporary
 *                           secret; V4: the derived signing-key string)
 */
record AuthenticatedCaller(Principal principal, String responseKeyId, String responseSigningKey) {
    AuthenticatedCaller {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(responseKeyId, "responseKeyId");
        Objects.requireNonNull(responseSigningKey, "responseSigningKey");
    }

    @Override
    public String toString() {
        return "AuthenticatedCaller[principal=" + principal + ", responseKeyId=" + responseKeyId + "]";
    }
}
