package io.tunnelstore.client;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * The threads and connections behind clients, as one object that several {@link TableClient}s,
 * {@link TunnelClient}s and {@link AdminClient}s (and the tunnel workers built on them) can share — the role of
 * OkHttp's shared {@code Dispatcher}/{@code ConnectionPool}. It holds one JDK {@link HttpClient} (so one connection
 * pool and one selector thread), the executor that runs HTTP I/O callbacks and future completions, and one scheduler
 * thread for call deadlines and retry back-off.
 *
 * <pre>{@code
 * try (ClientResources shared = ClientResources.create()) {
 *     TableClient tables = TableClient.builder().endpoint(url).instanceName("i").credentials(id, secret)
 *             .resources(shared).build();
 *     TunnelClient tunnels = TunnelClient.builder().config(tables.config()).build();   // same resources
 *     ...
 *     tables.close();    // this client only: shared stays open for tunnels
 * }                      // the owner closes the resources last
 * }</pre>
 *
 * <p><b>Ownership.</b> Whoever creates it closes it. A client built with shared resources never closes them: its
 * {@code close()} only stops that client (new calls are refused, its calls waiting for a retry fail). Closing the
 * resources stops their threads; every client still using them then fails its calls with a
 * {@link ClientTransportException} ("the client is closed"). Close the clients first, then the resources.
 *
 * <p><b>Default.</b> A client built without resources creates private ones (its own HTTP client and timer thread) and
 * closes them with itself, as before this class existed; that is fine for one or two clients, while an application
 * with many clients should share one instance.
 *
 * <p>An {@link Builder#executor executor} you pass is borrowed: {@link #close()} never shuts it down. Without one the
 * resources create a cached pool of daemon threads ({@code tunnelstore-http-N}) and shut it down on close.
 * Thread-safe.
 */
public final class ClientResources implements AutoCloseable {

    private final HttpClient httpClient;
    private final Executor executor;
    /** The pool created here (shut down on close); null when the executor is borrowed. */
    private final ExecutorService ownedExecutor;
    private final ScheduledThreadPoolExecutor scheduler;
    private final Duration connectTimeout;
    private final boolean customSslContext;
    private volatile boolean closed;

    private ClientResources(Builder b) {
        this.connectTimeout = b.connectTimeout;
        this.customSslContext = b.sslContext != null;
        if (b.executor != null) {
            this.executor = b.executor;
            this.ownedExecutor = null;
        } else {
            this.ownedExecutor = Executors.newCachedThreadPool(daemonThreads("tunnelstore-http-"));
            this.executor = ownedExecutor;
        }
        HttpClient.Builder hb = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor);
        if (b.sslContext != null) {
            hb.sslContext(b.sslContext);
        }
        this.httpClient = hb.build();
        this.scheduler = new ScheduledThreadPoolExecutor(1, daemonThreads("tunnelstore-client-timer-"));
        // cancelled deadlines are removed at once so that finished calls are not retained until they would expire
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /** Resources with every default: 10 s connect timeout, the JDK's TLS trust store, a daemon thread pool. */
    public static ClientResources create() {
        return builder().build();
    }

    /** A builder with every default set. */
    public static Builder builder() {
        return new Builder();
    }

    /** The shared HTTP client (HTTP/1.1, keep-alive, no redirects). */
    public HttpClient httpClient() {
        return httpClient;
    }

    /** Runs HTTP I/O callbacks and the completions of the clients' futures. */
    public Executor executor() {
        return executor;
    }

    /** The one timer thread for call deadlines and retry back-off waits of every client sharing these resources. */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Connect timeout of {@link #httpClient()} (it applies to every client sharing these resources). */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** True when a TLS context other than the JDK default was given. */
    public boolean hasCustomSslContext() {
        return customSslContext;
    }

    /** True once {@link #close()} ran. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops the timer thread and the pool created here (a borrowed executor is left alone). Calls of clients still
     * using these resources then fail with a {@link ClientTransportException}. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "ClientResources{connectTimeout=" + connectTimeout + ", executor="
                + (ownedExecutor != null ? "own" : "borrowed") + ", sslContext="
                + (customSslContext ? "custom" : "default") + (closed ? ", closed" : "") + "}";
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Builder of {@link ClientResources}. Not thread-safe. */
    public static final class Builder {
        private Duration connectTimeout = Duration.ofSeconds(10);
        private SSLContext sslContext;
        private Executor executor;

        private Builder() {
        }

        /** TCP/TLS connect timeout of the shared HTTP client. Default: 10 s. */
        public Builder connectTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "connectTimeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout must be positive: " + timeout);
            }
            this.connectTimeout = timeout;
            return this;
        }

        /** TLS context for {@code https://} endpoints. Default: the JDK's (system trust store). */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        /** Trusts the certificate(s) in {@code pemFile}, and only those (see {@code ClientConfig}'s builder). */
        public Builder trustCertificate(Path pemFile) {
            return sslContext(TrustedCertificates.sslContextTrusting(pemFile));
        }

        /** Executor for HTTP I/O and completions; borrowed, never shut down by the resources. */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        public ClientResources build() {
            return new ClientResources(this);
        }
    }
}
