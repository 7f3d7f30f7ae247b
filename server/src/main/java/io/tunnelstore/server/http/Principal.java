package io.tunnelstore.server.http;

import java.util.Objects;

/**
 * The authenticated identity a request acts as.
 *
 * @param accessKeyId the long-lived access key whose rights apply (for STS temporary credentials: the parent key the
 *                    credentials were minted from, not the temporary id)
 * @param admin       whether that key is an admin key
 */
public record Principal(String accessKeyId, boolean admin) {
    public Principal {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
    }
}
