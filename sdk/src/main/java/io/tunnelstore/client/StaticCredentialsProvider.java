package io.tunnelstore.client;

import java.util.Objects;

/** A provider that always returns the same credentials. Thread-safe. */
public final class StaticCredentialsProvider implements CredentialsProvider {

    private final Credentials credentials;

    private StaticCredentialsProvider(Credentials credentials) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
    }

    public static StaticCredentialsProvider of(Credentials credentials) {
        return new StaticCredentialsProvider(credentials);
    }

    /** Long-term access key. */
    public static StaticCredentialsProvider of(String accessKeyId, String accessKeySecret) {
        return new StaticCredentialsProvider(Credentials.of(accessKeyId, accessKeySecret));
    }

    @Override
    public Credentials credentials() {
        return credentials;
    }

    @Override
    public String toString() {
        return "StaticCredentialsProvider[" + credentials + "]";
    }
}
