package io.tunnelstore.client;

import java.util.Objects;

/**
 * A key just created or rotated, with its secret: the only time the server shows it. {@link #toString()} hides the
 * secret.
 *
 * @param key    the key's attributes
 * @param secret the access key secret to configure in clients
 */
public record AccessKeySecret(AccessKeyInfo key, String secret) {
    public AccessKeySecret {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(secret, "secret");
    }

    /** Credentials for a client: this key's id and secret. */
    public Credentials credentials() {
        return Credentials.of(key.accessKeyId(), secret);
    }

    @Override
    public String toString() {
        return "AccessKeySecret[key=" + key + "]";
    }
}
