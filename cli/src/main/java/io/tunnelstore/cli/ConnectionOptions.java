package io.tunnelstore.cli;

import io.tunnelstore.client.ClientConfig;
import io.tunnelstore.client.Credentials;
import io.tunnelstore.client.EnvironmentCredentialsProvider;
import io.tunnelstore.client.RetryPolicy;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where and as whom client commands connect: {@code --endpoint}, {@code --instance}, the access key (flags, or the
 * {@code OTS_AK_ENV} / {@code OTS_SK_ENV} environment variables as the quick start prescribes) and the call
 * timeout. A picocli mixin; {@link #clientConfig(Map)} turns it into the SDK's {@link ClientConfig}.
 */
final class ConnectionOptions {
    static final String DEFAULT_ENDPOINT = "http://127.0.0.1:8800";

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--endpoint", defaultValue = DEFAULT_ENDPOINT, paramLabel = "URL",
            description = "Server endpoint, http(s)://host[:port] (default: ${DEFAULT-VALUE}).")
    String endpoint;

    @Option(names = "--instance", defaultValue = "tunnelstore", paramLabel = "NAME",
            description = "Instance name (default: ${DEFAULT-VALUE}).")
    String instance;

    @Option(names = "--access-key-id", paramLabel = "ID",
            description = "Access key id (default: the OTS_AK_ENV environment variable).")
    String accessKeyId;

    @Option(names = "--access-key-secret", paramLabel = "SECRET",
            description = "Access key secret (default: the OTS_SK_ENV environment variable; prefer it: flags show "
                    + "in the process list).")
    String accessKeySecret;

    @Option(names = "--call-timeout", defaultValue = "PT30S", paramLabel = "DURATION",
            description = "Deadline of one request including retries, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration callTimeout;

    @Option(names = "--retry-for", defaultValue = "PT3S", paramLabel = "DURATION",
            description = "How long transient failures (server busy, connection refused) are retried, ISO-8601; "
                    + "PT0S disables retries (default: ${DEFAULT-VALUE}).")
    Duration retryFor;

    @Option(names = "--trust-cert", paramLabel = "PEM",
            description = "For an https endpoint: trust the certificate(s) in this PEM file, e.g. the one "
                    + "'tunnelstore server --tls-self-signed' prints (default: the system trust store).")
    java.nio.file.Path trustCert;

    /**
     * The client settings. Retries stop after {@code --retry-for}, and never later than half the call timeout, so
     * that a refused connection is reported as such (not as a timeout) and quickly.
     *
     * @param environment where {@code OTS_AK_ENV} / {@code OTS_SK_ENV} are looked up when the flags are absent
     * @throws ParameterException (exit code 2) for a malformed endpoint or instance, missing credentials or a
     *                            non-positive timeout
     */
    ClientConfig clientConfig(Map<String, String> environment) {
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw usage("--call-timeout must be positive, got " + callTimeout);
        }
        Credentials credentials = credentials(environment);
        if (retryFor.isNegative()) {
            throw usage("--retry-for must not be negative, got " + retryFor);
        }
        Duration retryBudget = callTimeout.dividedBy(2);
        if (retryBudget.compareTo(retryFor) > 0) {
            retryBudget = retryFor;
        }
        try {
            ClientConfig.Builder builder = ClientConfig.builder();
            if (trustCert != null) {
                builder.trustCertificate(trustCert);
            }
            return builder
                    .endpoint(endpoint)
                    .instanceName(instance)
                    .credentials(credentials)
                    .callTimeout(callTimeout)
                    .connectTimeout(callTimeout.compareTo(Duration.ofSeconds(10)) < 0 ? callTimeout
                            : Duration.ofSeconds(10))
                    .retryPolicy(RetryPolicy.defaults().withMaxElapsed(retryBudget))
                    .userAgent(ClientConfig.DEFAULT_USER_AGENT + " tunnelstore-cli")
                    .build();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private Credentials credentials(Map<String, String> environment) {
        String id = accessKeyId != null ? accessKeyId
                : environment.get(EnvironmentCredentialsProvider.ACCESS_KEY_ID_ENV);
        String secret = accessKeySecret != null ? accessKeySecret
                : environment.get(EnvironmentCredentialsProvider.ACCESS_KEY_SECRET_ENV);
        if (id == null || id.isBlank() || secret == null || secret.isBlank()) {
            throw usage("no access key: set the environment variables "
                    + EnvironmentCredentialsProvider.ACCESS_KEY_ID_ENV + " and "
                    + EnvironmentCredentialsProvider.ACCESS_KEY_SECRET_ENV
                    + ", or pass --access-key-id and --access-key-secret");
        }
        try {
            return Credentials.of(id.trim(), secret.trim());
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(mixee.commandLine(), message);
    }
}
