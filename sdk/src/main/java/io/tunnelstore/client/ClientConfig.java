package io.tunnelstore.client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Immutable settings shared by {@link TableClient} and {@link TunnelClient}.
 *
 * <p>Build with {@link #builder()} (or directly through {@code TableClient.builder()} /
 * {@code TunnelClient.builder()}, which take the same setters). Every setter validates its argument eagerly;
 * {@code build()} checks that the required fields (endpoint, instance name, credentials) are present.
 * The config holds no threads or connections; the executor and the {@link ClientResources}, if given, are only
 * borrowed.
 *
 * @param endpoints               the server roots, {@code http(s)://host[:port]} each (a trailing slash is removed):
 *                                one, or the nodes of a cluster, tried in turn when a node cannot be reached (the
 *                                rule is on {@link AbstractBuilder#endpoints(List)}); {@link #endpoint()} is the
 *                                first
 * @param instanceName            the instance, sent as {@code x-ots-instancename}
 * @param credentialsProvider     read once per request attempt
 * @param connectTimeout          TCP/TLS connect timeout. Default: 10 s
 * @param callTimeout             deadline of one API call including all retries. Default: 30 s
 * @param retryPolicy             back-off and retry budget. Default: {@link RetryPolicy#defaults()}
 * @param userAgent               {@code User-Agent} header. Default: {@value #DEFAULT_USER_AGENT}
 * @param executor                runs HTTP I/O callbacks and async completions; {@code null} means a pool of
 *                                cached daemon threads of the client. Default: {@code null}
 * @param verifyResponseSignature verify the server's {@code authorization} response signature on table
 *                                operations (tunnel operations are not signed-checked, as in the official
 *                                SDKs). Default: {@code true}
 * @param sslContext              TLS context for {@code https://} endpoints (e.g. one trusting a server's self-signed
 *                                certificate, see {@link AbstractBuilder#trustCertificate}); {@code null} means the
 *                                JDK default (the system trust store). Default: {@code null}
 * @param resources               shared HTTP client, executor and timer (see {@link ClientResources}); {@code null}
 *                                means every client creates private ones and closes them with itself. With
 *                                resources, their executor, TLS context and connect timeout apply (the config's
 *                                {@code executor} and {@code sslContext} must then be unset). Default: {@code null}
 */
public record ClientConfig(List<URI> endpoints, String instanceName, CredentialsProvider credentialsProvider,
                           Duration connectTimeout, Duration callTimeout, RetryPolicy retryPolicy,
                           String userAgent, Executor executor, boolean verifyResponseSignature,
                           SSLContext sslContext, ClientResources resources) {

    /** Default {@code User-Agent}. */
    public static final String DEFAULT_USER_AGENT = "tunnelstore-java-sdk/0.1.0";

    /** Same rule as the official Java SDK: scheme, host, optional port, optional single trailing slash. */
    private static final Pattern ENDPOINT =
            Pattern.compile("^(?i)http(s)?(?-i)://[a-zA-Z0-9._-]+(:\\d{1,5})?(/)?$");
    /**
     * Instance names: letters, digits, '-' and '_' (header-safe). The public service is stricter (3-16
     * characters, no '_'); a self-hosted server decides its own names, so the client only rejects what could
     * not be sent.
     */
    private static final Pattern INSTANCE_NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");

    public ClientConfig {
        endpoints = validateEndpoints(endpoints);
        Objects.requireNonNull(instanceName, "instanceName");
        Objects.requireNonNull(credentialsProvider, "credentialsProvider");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(callTimeout, "callTimeout");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(userAgent, "userAgent");
        validateInstanceName(instanceName);
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(callTimeout, "callTimeout");
        if (resources != null && (executor != null || sslContext != null)) {
            throw new IllegalArgumentException("executor and sslContext belong to the shared ClientResources");
        }
    }

    /** A config with one endpoint (the shape of the earlier single-endpoint constructor). */
    public ClientConfig(URI endpoint, String instanceName, CredentialsProvider credentialsProvider,
                        Duration connectTimeout, Duration callTimeout, RetryPolicy retryPolicy,
                        String userAgent, Executor executor, boolean verifyResponseSignature,
                        SSLContext sslContext, ClientResources resources) {
        this(List.of(Objects.requireNonNull(endpoint, "endpoint")), instanceName, credentialsProvider,
                connectTimeout, callTimeout, retryPolicy, userAgent, executor, verifyResponseSignature, sslContext,
                resources);
    }

    /** The first endpoint: the only one of a single-endpoint config. */
    public URI endpoint() {
        return endpoints.get(0);
    }

    /** A builder with every default set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with this config, to derive a variant. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.copyFrom(this);
        return b;
    }

    /** The TLS context, if one was configured. */
    public Optional<SSLContext> sslContextIfSet() {
        return Optional.ofNullable(sslContext);
    }

    /** The executor, if one was configured. */
    public Optional<Executor> executorIfSet() {
        return Optional.ofNullable(executor);
    }

    /** The shared resources, if the client should use them instead of creating its own. */
    public Optional<ClientResources> resourcesIfSet() {
        return Optional.ofNullable(resources);
    }

    /**
     * Validates an endpoint like the official Java SDK ({@code http(s)://host[:port][/]}: no path, no query)
     * and returns it without the trailing slash.
     *
     * @throws IllegalArgumentException with the offending value and the expected shape
     */
    public static URI parseEndpoint(String endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (!ENDPOINT.matcher(endpoint).matches()) {
            throw new IllegalArgumentException("invalid endpoint '" + endpoint
                    + "': expected http(s)://host[:port] with no path, e.g. http://127.0.0.1:8080");
        }
        String trimmed = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        URI uri = URI.create(trimmed);
        if (uri.getPort() > 65535) {
            throw new IllegalArgumentException("invalid endpoint '" + endpoint + "': port above 65535");
        }
        String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        return URI.create(scheme + trimmed.substring(uri.getScheme().length()));
    }

    /**
     * Parses every endpoint and checks the list: not empty, no endpoint twice, one scheme for all (the client's TLS
     * set-up is chosen once, by the scheme).
     */
    private static List<URI> validateEndpoints(List<URI> endpoints) {
        Objects.requireNonNull(endpoints, "endpoints");
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("endpoints is empty: give at least one http(s)://host[:port]");
        }
        List<URI> parsed = new ArrayList<>(endpoints.size());
        HashSet<URI> seen = new HashSet<>();
        for (URI e : endpoints) {
            URI uri = parseEndpoint(Objects.requireNonNull(e, "endpoint").toString());
            if (!seen.add(uri)) {
                throw new IllegalArgumentException("endpoint '" + uri + "' is listed twice");
            }
            if (!uri.getScheme().equals(parsed.isEmpty() ? uri.getScheme() : parsed.get(0).getScheme())) {
                throw new IllegalArgumentException("endpoints mix http and https (" + parsed.get(0) + ", " + uri
                        + "): every node of a cluster is reached the same way");
            }
            parsed.add(uri);
        }
        return List.copyOf(parsed);
    }

    static void validateInstanceName(String instanceName) {
        if (!INSTANCE_NAME.matcher(instanceName).matches()) {
            throw new IllegalArgumentException("invalid instance name '" + instanceName
                    + "': expected 1-64 letters, digits, '-' or '_'");
        }
    }

    private static Duration requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
        return d;
    }

    @Override
    public String toString() {
        return "ClientConfig[endpoint" + (endpoints.size() == 1 ? "=" + endpoints.get(0) : "s=" + endpoints)
                + ", instanceName=" + instanceName
                + ", credentialsProvider=" + credentialsProvider + ", connectTimeout=" + connectTimeout
                + ", callTimeout=" + callTimeout + ", retryPolicy=" + retryPolicy + ", userAgent=" + userAgent
                + ", executor=" + (executor != null ? "custom" : "default")
                + ", sslContext=" + (sslContext != null ? "custom" : "default")
                + ", resources=" + (resources != null ? "shared" : "own")
                + ", verifyResponseSignature=" + verifyResponseSignature + "]";
    }

    /**
     * Setters shared by {@link ClientConfig.Builder}, {@link TableClient.Builder} and
     * {@link TunnelClient.Builder}. Not thread-safe.
     *
     * @param <B> the concrete builder type, returned by every setter
     */
    public abstract static class AbstractBuilder<B extends AbstractBuilder<B>> {
        private List<URI> endpoints;
        private String instanceName;
        private CredentialsProvider credentialsProvider;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private boolean connectTimeoutSet;
        private Duration callTimeout = Duration.ofSeconds(30);
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private String userAgent = DEFAULT_USER_AGENT;
        private Executor executor;
        private boolean verifyResponseSignature = true;
        private SSLContext sslContext;
        private ClientResources resources;

        AbstractBuilder() {
        }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }

        /**
         * Required (or {@link #endpoints}). {@code http(s)://host[:port]}, e.g. {@code http://127.0.0.1:8080}.
         * Replaces any endpoint set before.
         */
        public B endpoint(String endpoint) {
            this.endpoints = List.of(parseEndpoint(endpoint));
            return self();
        }

        /**
         * The nodes of a cluster (any node answers any request), tried in order; replaces any endpoint set before.
         * One endpoint behaves exactly as {@link #endpoint(String)}. With several, the client sends to one node
         * (the first, at the start) and moves to the next one in the list, for this call and the following ones,
         * when that node cannot be reached:
         * <ul>
         *   <li>the request was certainly <b>not sent</b> (connection refused, connect timeout, host not found, TLS
         *       handshake failed): it is sent at once to the next node, whatever the operation, since no node can
         *       have applied it;</li>
         *   <li>the request <b>may have reached</b> the node (connection reset or closed before the response, an
         *       I/O error mid-exchange): it is re-sent to the next node only if re-sending is safe: idempotent
         *       operations (reads, ReadRecords, GetCheckpoint, ...) and the tunnel calls the protocol makes safe to
         *       repeat, Heartbeat (a state report; the next one repeats it anyway) and Checkpoint (a repeat
         *       carries the same sequence number, so the server applies it at most once and answers the repeat
         *       {@code OTSSequenceNumberNotMatch}, which the worker handles). Other writes (PutRow, UpdateRow,
         *       DeleteRow, BatchWriteRow, table and tunnel creation, ConnectTunnel, ...) fail with the error, as with
         *       one endpoint, and the next call goes to the next node;</li>
         *   <li>the node <b>answered</b> (any HTTP response, errors included): no failover; the node forwards to
         *       the owner and the usual retry rules apply, on the same node.</li>
         * </ul>
         * A call that reached the end of the list without an answer backs off as a retry would before going round
         * again; {@link RetryPolicy} (its budget, or {@link RetryPolicy#none()}) and the call deadline bound
         * failovers as they bound retries. A call that timed out without any response moves the following calls to
         * the next node too. There is no fail-back: the client stays on a node that answers.
         *
         * @param endpoints one or more {@code http(s)://host[:port]}, all of one scheme, none twice
         */
        public B endpoints(List<String> endpoints) {
            Objects.requireNonNull(endpoints, "endpoints");
            List<URI> uris = new ArrayList<>(endpoints.size());
            for (String e : endpoints) {
                uris.add(parseEndpoint(Objects.requireNonNull(e, "endpoint")));
            }
            this.endpoints = validateEndpoints(uris);
            return self();
        }

        /** {@link #endpoints(List)} with the endpoints as arguments. */
        public B endpoints(String... endpoints) {
            return endpoints(List.of(endpoints));
        }

        /** Required. The instance name (letters, digits, '-' or '_'). */
        public B instanceName(String instanceName) {
            Objects.requireNonNull(instanceName, "instanceName");
            validateInstanceName(instanceName);
            this.instanceName = instanceName;
            return self();
        }

        /** Required (or one of the {@code credentials} shortcuts). */
        public B credentialsProvider(CredentialsProvider provider) {
            this.credentialsProvider = Objects.requireNonNull(provider, "provider");
            return self();
        }

        /** Shortcut for a {@link StaticCredentialsProvider}. */
        public B credentials(Credentials credentials) {
            return credentialsProvider(StaticCredentialsProvider.of(credentials));
        }

        /** Shortcut for a long-term access key. */
        public B credentials(String accessKeyId, String accessKeySecret) {
            return credentials(Credentials.of(accessKeyId, accessKeySecret));
        }

        /** Default: 10 s. */
        public B connectTimeout(Duration timeout) {
            this.connectTimeout = requirePositive(timeout, "connectTimeout");
            this.connectTimeoutSet = true;
            return self();
        }

        /** Deadline of one call including retries. Default: 30 s. */
        public B callTimeout(Duration timeout) {
            this.callTimeout = requirePositive(timeout, "callTimeout");
            return self();
        }

        /** Default: {@link RetryPolicy#defaults()}. */
        public B retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "policy");
            return self();
        }

        /** Default: {@value ClientConfig#DEFAULT_USER_AGENT}. */
        public B userAgent(String userAgent) {
            Objects.requireNonNull(userAgent, "userAgent");
            if (userAgent.isBlank()) {
                throw new IllegalArgumentException("userAgent is blank");
            }
            this.userAgent = userAgent;
            return self();
        }

        /**
         * Executor for HTTP I/O and future completions. It is borrowed: clients never shut it down.
         * Default: the JDK HTTP client's own daemon pool.
         */
        public B executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return self();
        }

        /** TLS context for {@code https://} endpoints. Default: the JDK's (system trust store). */
        public B sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return self();
        }

        /**
         * Trusts the certificate(s) in {@code pemFile} — and only those — for {@code https://} endpoints: for a
         * server with a self-signed certificate ({@code tunnelstore server --tls-self-signed} prints where it is)
         * or a private CA. Host names are still verified.
         *
         * @throws IllegalArgumentException when the file cannot be read or holds no certificate
         */
        public B trustCertificate(Path pemFile) {
            return sslContext(TrustedCertificates.sslContextTrusting(pemFile));
        }

        /**
         * Shares {@code resources} (HTTP client, executor, timer) with every other client built with them, instead
         * of creating private ones. They stay yours: closing the client does not close them. Their executor, TLS
         * context and connect timeout apply, so {@link #executor}, {@link #sslContext} and a different
         * {@link #connectTimeout} are refused by {@code build()}. Default: none (private resources).
         */
        public B resources(ClientResources resources) {
            this.resources = Objects.requireNonNull(resources, "resources");
            return self();
        }

        /** Verify response signatures of table operations. Default: {@code true}. */
        public B verifyResponseSignature(boolean verify) {
            this.verifyResponseSignature = verify;
            return self();
        }

        /** Copies every field of {@code config} into this builder. */
        public B config(ClientConfig config) {
            copyFrom(config);
            return self();
        }

        void copyFrom(ClientConfig c) {
            endpoints = c.endpoints;
            instanceName = c.instanceName;
            credentialsProvider = c.credentialsProvider;
            connectTimeout = c.connectTimeout;
            callTimeout = c.callTimeout;
            retryPolicy = c.retryPolicy;
            userAgent = c.userAgent;
            executor = c.executor;
            verifyResponseSignature = c.verifyResponseSignature;
            sslContext = c.sslContext;
            resources = c.resources;
        }

        /**
         * @throws IllegalStateException if endpoint, instance name or credentials are missing
         */
        ClientConfig buildConfig() {
            if (endpoints == null) {
                throw new IllegalStateException("endpoint is required, e.g. endpoint(\"http://127.0.0.1:8080\")");
            }
            if (instanceName == null) {
                throw new IllegalStateException("instanceName is required");
            }
            if (credentialsProvider == null) {
                throw new IllegalStateException("credentials are required: credentials(id, secret), "
                        + "credentialsProvider(EnvironmentCredentialsProvider.fromSystemEnv()) or a "
                        + "RefreshingCredentialsProvider");
            }
            Duration connect = connectTimeout;
            if (resources != null) {
                if (executor != null || sslContext != null) {
                    throw new IllegalStateException("executor and sslContext belong to the shared ClientResources: "
                            + "set them on ClientResources.builder(), not on the client");
                }
                if (connectTimeoutSet && !connectTimeout.equals(resources.connectTimeout())) {
                    throw new IllegalStateException("connectTimeout " + connectTimeout + " differs from the shared "
                            + "ClientResources' " + resources.connectTimeout() + ": set it on ClientResources");
                }
                connect = resources.connectTimeout();
            }
            return new ClientConfig(endpoints, instanceName, credentialsProvider, connect, callTimeout,
                    retryPolicy, userAgent, executor, verifyResponseSignature, sslContext, resources);
        }
    }

    /** Builder of a bare {@link ClientConfig}. */
    public static final class Builder extends AbstractBuilder<Builder> {
        private Builder() {
        }

        /** @throws IllegalStateException if endpoint, instance name or credentials are missing */
        public ClientConfig build() {
            return buildConfig();
        }
    }
}
