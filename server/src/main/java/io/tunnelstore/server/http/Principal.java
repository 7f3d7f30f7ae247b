package io.tunnelstore.server.http;

import io.tunnelstore.server.auth.AccessPolicy;
import io.tunnelstore.server.auth.KeyScope;
import java.util.Objects;
import java.util.Set;

/**
 * The authenticated identity a request acts as.
 *
 * @param accessKeyId the long-lived access key whose rights apply (for STS temporary credentials: the parent key the
 *                    credentials were minted from, not the temporary id)
 * @param policy      what the request may do (checked by the {@link OperationRegistry} before the handler runs)
 * @param temporary   whether the request was signed with temporary (STS) credentials
 */
public record Principal(String accessKeyId, AccessPolicy policy, boolean temporary) {
    public Principal {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(policy, "policy");
    }

    /** A long-lived key on every table: admin, or read-write (the server's in-process readers use admin). */
    public Principal(String accessKeyId, boolean admin) {
        this(accessKeyId, admin ? AccessPolicy.ADMIN : AccessPolicy.of(KeyScope.READ_WRITE, Set.of()), false);
    }

    /** Whether the identity has full admin rights. */
    public boolean admin() {
        return policy.admin();
    }
}
