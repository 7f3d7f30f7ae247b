package io.tunnelstore.client;

import java.util.Map;
import java.util.Objects;

/**
 * Reads a long-term access key from the environment variables {@value #ACCESS_KEY_ID_ENV} (access key id) and
 * {@value #ACCESS_KEY_SECRET_ENV} (access key secret), as the tunnel quick start prescribes.
 *
 * <p>The variables are read once, when the provider is created, and a missing or blank variable fails right
 * there with an {@link IllegalStateException} naming it, rather than on the first request. Thread-safe.
 */
public final class EnvironmentCredentialsProvider implements CredentialsProvider {

    /** Environment variable holding the access key id. */
    public static final String ACCESS_KEY_ID_ENV = "OTS_AK_ENV";
    /** Environment variable holding the access key secret. */
    public static final String ACCESS_KEY_SECRET_ENV = "OTS_SK_ENV";

    private final Credentials credentials;

    private EnvironmentCredentialsProvider(Map<String, String> env) {
        String id = require(env, ACCESS_KEY_ID_ENV, "access key id");
        String secret = require(env, ACCESS_KEY_SECRET_ENV, "access key secret");
        this.credentials = Credentials.of(id.trim(), secret.trim());
    }

    /**
     * Reads the process environment.
     *
     * @throws IllegalStateException if a variable is unset or blank
     * @throws IllegalArgumentException if the access key id has characters Tablestore does not accept
     */
    public static EnvironmentCredentialsProvider fromSystemEnv() {
        return new EnvironmentCredentialsProvider(System.getenv());
    }

    /** Reads the given map as if it were the environment (for tests and embedding). */
    public static EnvironmentCredentialsProvider fromEnv(Map<String, String> env) {
        return new EnvironmentCredentialsProvider(Objects.requireNonNull(env, "env"));
    }

    private static String require(Map<String, String> env, String name, String what) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " (the " + what + ") is "
                    + (value == null ? "not set" : "blank")
                    + "; export " + ACCESS_KEY_ID_ENV + " and " + ACCESS_KEY_SECRET_ENV
                    + " or use another CredentialsProvider");
        }
        return value;
    }

    @Override
    public Credentials credentials() {
        return credentials;
    }

    @Override
    public String toString() {
        return "EnvironmentCredentialsProvider[" + credentials + "]";
    }
}
