package io.tunnelstore.server.auth;

import java.util.Objects;

/**
 * What {@link CredentialStore#resolve} returns for a request's credentials: the secret the request must be signed
 * with and the identity it acts as.
 *
 * @param accessKeyId       the access key id the request carried (a temporary id for STS credentials)
 * @param secret            the secret that signs the request and the response (STS: the temporary secret)
 * @param principalKeyId    the long-lived access key whose rights apply (STS: the parent key)
 * @param policy            what the request may do (STS: the minted scope intersected with the parent's current one)
 * @param temporary         whether the request used temporary (STS) credentials
 */
public record VerifiedCredential(String accessKeyId, String secret, String principalKeyId, AccessPolicy policy,
                                 boolean temporary) {
    public VerifiedCredential {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(principalKeyId, "principalKeyId");
        Objects.requireNonNull(policy, "policy");
    }

    /** Whether the request has full admin rights. */
    public boolean admin() {
        return policy.admin();
    }

    @Override
    public String toString() {
        return "VerifiedCredential[accessKeyId=" + accessKeyId + ", principalKeyId=" + principalKeyId
                + ", policy=" + policy + ", temporary=" + temporary + "]";
    }
}
