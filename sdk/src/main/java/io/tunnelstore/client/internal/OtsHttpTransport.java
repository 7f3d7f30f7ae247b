package io.tunnelstore.client.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.tunnelstore.client.ClientConfig;
import io.tunnelstore.client.ClientResources;
import io.tunnelstore.client.ClientTransportException;
import io.tunnelstore.client.Credentials;
import io.tunnelstore.client.TablestoreException;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.auth.OtsHeaders;
import io.tunnelstore.protocol.pb.TableProtos;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one protobuf request per call to {@code endpoint + "/" + action.path()} over the JDK
 * {@link HttpClient} (HTTP/1.1, keep-alive), signs it (V2), retries retryable failures with back-off, and
 * parses the protobuf response or error.
 *
 * <p><b>Threads.</b> Thread-safe; share one instance per client. Every call is asynchronous: nothing blocks
 * the caller. Responses are handled on the configured executor, or else on a pool of daemon threads owned by the
 * transport (never on {@link ForkJoinPool#commonPool()}: on a JDK 17 machine with fewer than 3 CPUs
 * {@code CompletableFuture} replaces the common pool with a new thread per task, and starting a thread on a loaded
 * machine took hundreds of milliseconds per response, docs/BENCHMARKS.md). A response is handled as soon as its body
 * is complete, from the body subscriber, not when {@link HttpClient#sendAsync}'s future completes: in JDK 17 that
 * future is completed through the same thread-per-task pool (JDK 17 still starts that thread for every response, off
 * the response's path; {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism=2} avoids it). The response is
 * handled on the thread that completed its body, with no further hop. Back-off waits are scheduled, never slept.
 *
 * <p><b>Per call.</b> The call deadline is {@code now + callTimeout}: each attempt's HTTP timeout is the
 * time left, no retry starts after the deadline, and the returned future fails with a timeout
 * {@link ClientTransportException} when it passes. Credentials are read from the provider for every
 * attempt, so rotated credentials take effect on the next attempt.
 *
 * <p><b>Several endpoints.</b> With the nodes of a cluster as endpoints ({@link ClientConfig#endpoints()}), an attempt
 * goes to the current node of the {@link EndpointList}; an attempt that got no answer moves the client to the next
 * node and is sent there if re-sending is safe ({@link RetryDecider#certainlyNotSent},
 * {@link RetryDecider#safeToResend}; the rule is documented on {@code ClientConfig.AbstractBuilder#endpoints}). With one
 * endpoint nothing of this applies: the behaviour is that of a single-endpoint client.
 *
 * <p><b>Failures.</b> The returned future completes exceptionally with a {@link TablestoreException} (server
 * error) or {@link ClientTransportException} (no usable response), never with a wrapped
 * {@link CompletionException}.
 *
 * <p><b>Lifecycle.</b> With {@link ClientConfig#resourcesIfSet() shared resources} the transport borrows their HTTP
 * client, executor and timer and never closes them. Without, it owns a private HTTP client and one daemon timer thread
 * (deadlines and back-off waits). {@link #close()} refuses new calls and fails calls waiting for a retry with a
 * {@link ClientTransportException}, and stops the private timer if there is one.
 */
public final class OtsHttpTransport implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OtsHttpTransport.class);

    private final ClientConfig config;
    private final EndpointList endpoints;
    private final HttpClient http;
    private final RequestSigner signer;
    private final RetryDecider retryDecider;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final Executor completionExecutor;
    /** Deadlines and back-off waits; cancelled tasks are removed at once so finished calls are not retained. */
    private final ScheduledExecutorService timer;
    /** False when the timer belongs to shared {@link ClientResources}. */
    private final boolean ownsTimer;
    private volatile boolean closed;

    /** A transport with the system clock and random jitter. */
    public OtsHttpTransport(ClientConfig config) {
        this(config, Clock.systemUTC(), System::nanoTime, ExponentialBackoff.of(config.retryPolicy()));
    }

    /**
     * @param clock    source of {@code x-ots-date}
     * @param nanoTime monotonic time for deadlines and the retry budget
     * @param backoff  the back-off formula
     */
    public OtsHttpTransport(ClientConfig config, Clock clock, LongSupplier nanoTime, ExponentialBackoff backoff) {
        this.config = Objects.requireNonNull(config, "config");
        this.endpoints = new EndpointList(config.endpoints());
        this.clock = Objects.requireNonNull(clock, "clock");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.signer = new RequestSigner(config.instanceName());
        this.retryDecider = new RetryDecider(config.retryPolicy(), backoff);
        ClientResources shared = config.resourcesIfSet().orElse(null);
        if (shared != null) {
            this.http = shared.httpClient();
            this.completionExecutor = shared.executor();
            this.timer = shared.scheduler();
            this.ownsTimer = false;
            return;
        }
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (config.sslContextIfSet().isPresent()) {
            b.sslContext(config.sslContextIfSet().get());
        } else if ("http".equalsIgnoreCase(config.endpoint().getScheme())) {
            b.sslContext(new PlainHttpSslContext());  // spares the JSSE start-up of SSLContext.getDefault()
        }
        Executor executor = config.executorIfSet().orElseGet(OtsHttpTransport::newCompletionPool);
        this.http = b.executor(executor).build();
        this.completionExecutor = executor;
        ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "tunnelstore-client-timer");
            t.setDaemon(true);
            return t;
        });
        own.setRemoveOnCancelPolicy(true);
        this.timer = own;
        this.ownsTimer = true;
    }

    /**
     * The pool for HTTP callbacks and completions when the config names none: cached daemon threads (idle ones end
     * after 60 s, so the pool needs no shutdown and outlives {@link #close()} for calls still in flight, like the
     * JDK HTTP client's own default pool).
     */
    private static ExecutorService newCompletionPool() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "tunnelstore-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The retry decision point of this transport (for callers that retry parts of a call, e.g. batch rows). */
    public RetryDecider retryDecider() {
        return retryDecider;
    }

    /** The monotonic clock of this transport, in nanoseconds. */
    public long nanoTime() {
        return nanoTime.getAsLong();
    }

    /**
     * A future completed (on the completion executor) after {@code delayMs}; it fails with a
     * {@link ClientTransportException} if the transport is closed.
     */
    public CompletableFuture<Void> delay(long delayMs) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (closed) {
            f.completeExceptionally(new ClientTransportException("the client is closed", null, 0, false, false, null));
            return f;
        }
        try {
            timer.schedule(() -> completionExecutor.execute(() -> f.complete(null)), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new ClientTransportException("the client is closed", null, 0, false, false, e));
        }
        return f;
    }

    /** Refuses new calls, fails calls waiting for a retry, stops the private timer (shared resources stay). */
    @Override
    public void close() {
        closed = true;
        if (ownsTimer) {
            timer.shutdownNow();
        }
    }

    public ClientConfig config() {
        return config;
    }

    /** The endpoint new calls are sent to (the first, until a node could not be reached). */
    public URI currentEndpoint() {
        return endpoints.get(endpoints.current());
    }

    /**
     * Runs one API call (with retries).
     *
     * @param action         the operation (path and idempotence)
     * @param request        the request message
     * @param parser         parser of the success response message
     * @param verifyResponse whether to check the response {@code authorization} signature
     * @return the response message, or a future failed with {@link TablestoreException}
     */
    public <T extends Message> CompletableFuture<T> call(Action action, Message request, Parser<T> parser,
                                                         boolean verifyResponse) {
        Call<T> call = new Call<>(action, request.toByteArray(), parser, verifyResponse);
        call.start();
        return call.result;
    }

    /** State of one API call across its attempts. */
    private final class Call<T extends Message> {
        final Action action;
        final byte[] body;
        final Parser<T> parser;
        final boolean verifyResponse;
        final CompletableFuture<T> result = new CompletableFuture<>();
        final String traceId = UUID.randomUUID().toString();
        final long startNanos = nanoTime.getAsLong();
        final long deadlineNanos = startNanos + config.callTimeout().toNanos();
        int retries;
        /** Attempts in a row that got no answer and were sent on to the next endpoint without a back-off. */
        int unansweredInRow;
        volatile CompletableFuture<?> inFlight;
        /** The endpoint index of the attempt in flight. */
        volatile int attemptEndpoint;

        Call(Action action, byte[] body, Parser<T> parser, boolean verifyResponse) {
            this.action = action;
            this.body = body;
            this.parser = parser;
            this.verifyResponse = verifyResponse;
        }

        void start() {
            if (closed) {
                result.completeExceptionally(closed(null));
                return;
            }
            // Hard deadline, even if an attempt hangs past its own HTTP timeout.
            ScheduledFuture<?> deadline;
            try {
                deadline = timer.schedule(() -> completionExecutor.execute(() -> {
                    if (result.completeExceptionally(timeout(null))) {
                        CompletableFuture<?> f = inFlight;
                        if (f != null) {
                            if (endpoints.size() > 1 && !f.isDone()) {
                                endpoints.failed(attemptEndpoint); // no answer in time: next calls go elsewhere
                            }
                            f.cancel(true);
                        }
                    }
                }), config.callTimeout().toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(closed(e));
                return;
            }
            result.whenComplete((v, e) -> {
                deadline.cancel(false);
                CompletableFuture<?> f = inFlight;
                if (result.isCancelled() && f != null) {
                    f.cancel(true); // the caller gave up (e.g. interrupted): stop the exchange too
                }
            });
            attempt();
        }

        ClientTransportException closed(Throwable cause) {
            return new ClientTransportException(action.path() + ": the client is closed", null, 0, false, false,
                    cause);
        }

        ClientTransportException timeout(Throwable cause) {
            return new ClientTransportException(action.path() + " timed out after " + config.callTimeout()
                    + " (" + (retries + 1) + " attempt(s))", null, 0, false, true, cause);
        }

        void attempt() {
            if (result.isDone()) {
                return;
            }
            if (closed) { // a retry that was waiting when the client closed
                result.completeExceptionally(closed(null));
                return;
            }
            long remaining = deadlineNanos - nanoTime.getAsLong();
            if (remaining <= 0) {
                result.completeExceptionally(timeout(null));
                return;
            }
            Credentials credentials;
            HttpRequest httpRequest;
            int endpoint = endpoints.current();
            attemptEndpoint = endpoint;
            try {
                credentials = Objects.requireNonNull(config.credentialsProvider().credentials(),
                        "credentials provider returned null");
                Map<String, String> headers = signer.signedHeaders(action.path(), body, credentials,
                        clock.instant(), traceId);
                HttpRequest.Builder rb = HttpRequest.newBuilder(uri(endpoint))
                        .timeout(Duration.ofNanos(remaining))
                        .header("User-Agent", config.userAgent())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                headers.forEach(rb::header);
                httpRequest = rb.build();
            } catch (RuntimeException e) {
                // A failing credentials provider or signer is not retryable: report it as it is.
                result.completeExceptionally(new ClientTransportException(
                        action.path() + ": could not build the request: " + e.getMessage(), null, 0, false, false, e));
                return;
            }
            // The body subscriber's completion is the early (and usual) path; sendAsync's own future is only
            // needed for failures (see the class comment). Exactly one of them handles the attempt.
            CompletableFuture<RawResponse> received = new CompletableFuture<>();
            AtomicBoolean handled = new AtomicBoolean();
            // Registered before sending, so it runs on the thread completing the body: the HTTP client's executor
            // (ours, above), never its selector thread.
            received.thenAccept(response -> {
                if (handled.compareAndSet(false, true)) {
                    handle(response, null, credentials, endpoint);
                }
            });
            CompletableFuture<HttpResponse<byte[]>> f = http.sendAsync(httpRequest, info -> {
                HttpResponse.BodySubscriber<byte[]> body = HttpResponse.BodySubscribers.ofByteArray();
                body.getBody().thenAccept(bytes ->
                        received.complete(new RawResponse(info.statusCode(), info.headers(), bytes)));
                return body;
            });
            inFlight = f;
            f.whenCompleteAsync((response, error) -> {
                if (handled.compareAndSet(false, true)) {
                    handle(error == null ? new RawResponse(response.statusCode(), response.headers(),
                            response.body()) : null, error, credentials, endpoint);
                }
            }, completionExecutor);
        }

        void handle(RawResponse response, Throwable error, Credentials credentials, int endpoint) {
            TablestoreException failure;
            if (error != null) {
                Throwable cause = unwrap(error);
                failure = transportFailure(cause, endpoint);
                if (endpoints.size() > 1 && failOver(failure, cause, endpoint)) {
                    return;
                }
            } else {
                unansweredInRow = 0; // the node answered
                try {
                    result.complete(handleResponse(response, credentials));
                    return;
                } catch (TablestoreException e) {
                    failure = e;
                } catch (RuntimeException e) {
                    // a bug or an unexpected response shape: fail now instead of waiting for the deadline
                    failure = new ClientTransportException(action.path() + ": could not handle the response: "
                            + e, null, response.status(), false, false, e);
                }
            }
            onFailure(failure);
        }

        /**
         * An attempt on {@code endpoint} got no answer (several endpoints only): moves the client to the next
         * endpoint and, if re-sending is safe and the budget allows, sends the call there.
         *
         * @return whether the failure was handled (sent on, or the call failed); false to apply the usual rules
         */
        boolean failOver(TablestoreException failure, Throwable cause, int endpoint) {
            if (result.isDone()) {
                return true;
            }
            int next = endpoints.failed(endpoint);
            boolean timedOut = failure instanceof ClientTransportException t && t.isTimeout();
            if (timedOut || !(RetryDecider.certainlyNotSent(cause) || RetryDecider.safeToResend(action))) {
                return false; // the call deadline passed, or the request may have been applied: usual rules
            }
            boolean immediate = ++unansweredInRow < endpoints.size();
            long now = nanoTime.getAsLong();
            RetryDecider.Decision d = retryDecider.decideFailover(immediate, retries, now - startNanos,
                    deadlineNanos - now);
            if (!d.retry()) {
                log.debug("{} failed on {}, not failing over ({}): {}", action.path(), endpoints.get(endpoint),
                        d.reason(), failure.getMessage());
                result.completeExceptionally(failure);
                return true;
            }
            if (!immediate) {
                unansweredInRow = 0; // a new round after the back-off
            }
            retries++;
            log.debug("{} got no answer from {} ({}), sending it to {} in {} ms", action.path(),
                    endpoints.get(endpoint), failure.getMessage(), endpoints.get(next), d.delayMs());
            try {
                timer.schedule(() -> completionExecutor.execute(this::attempt), d.delayMs(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(closed(e));
            }
            return true;
        }

        void onFailure(TablestoreException failure) {
            if (result.isDone()) {
                return;
            }
            long now = nanoTime.getAsLong();
            RetryDecider.Decision d = retryDecider.decide(failure, retries, now - startNanos, deadlineNanos - now);
            if (!d.retry()) {
                log.debug("{} failed, not retrying ({}): {}", action.path(), d.reason(), failure.getMessage());
                result.completeExceptionally(failure);
                return;
            }
            retries++;
            log.debug("{} failed ({}), retry {} in {} ms", action.path(), failure.getMessage(), retries,
                    d.delayMs());
            try {
                timer.schedule(() -> completionExecutor.execute(this::attempt), d.delayMs(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(closed(e));
            }
        }

        TablestoreException transportFailure(Throwable error, int endpoint) {
            boolean several = endpoints.size() > 1;
            // With one endpoint a connect timeout ends the call as a timeout (as it always did); with several it is
            // one node that cannot be reached.
            if (error instanceof HttpTimeoutException && !(several && error instanceof HttpConnectTimeoutException)) {
                return timeout(error);
            }
            boolean retryable = RetryDecider.isRetryableTransportFailure(action.idempotent());
            String where = several ? " (" + endpoints.get(endpoint) + ")" : "";
            return new ClientTransportException(action.path() + ": " + describe(error) + where, null, 0, retryable,
                    false, error);
        }

        T handleResponse(RawResponse response, Credentials credentials) {
            Map<String, String> headers = lastValues(response.headers());
            String requestId = headers.get(OtsHeaders.REQUEST_ID);
            int status = response.status();
            byte[] bytes = response.body() == null ? new byte[0] : response.body();
            if (status < 200 || status >= 300) {
                throw serverError(status, requestId, bytes);
            }
            if (verifyResponse) {
                String problem = RequestSigner.verifyResponse(action.path(), headers,
                        credentials.accessKeySecret());
                if (problem != null) {
                    throw new ClientTransportException(action.path() + ": " + problem, requestId, status,
                            false, false, null);
                }
            }
            try {
                // bytes fields become views of the response body instead of copies of it (the body array is ours
                // and never written again): a ReadRecords response holds up to thousands of record byte strings
                CodedInputStream in = CodedInputStream.newInstance(bytes);
                in.enableAliasing(true);
                return parser.parseFrom(in);
            } catch (InvalidProtocolBufferException e) {
                throw new ClientTransportException(action.path() + ": unparsable response: " + e.getMessage(),
                        requestId, status, RetryDecider.isRetryableTransportFailure(action.idempotent()),
                        false, e);
            }
        }

        TablestoreException serverError(int status, String requestId, byte[] bytes) {
            String code;
            String message;
            try {
                TableProtos.Error error = TableProtos.Error.parseFrom(bytes);
                code = error.getCode();
                message = error.getMessage();
            } catch (InvalidProtocolBufferException e) {
                // No protobuf Error body: classify by status, as the Go SDK does.
                code = status >= 500 ? "OTSServerUnavailable" : "OTSClientUnknownError";
                message = "HTTP " + status + " without a protobuf error body";
            }
            boolean retryable = RetryDecider.isRetryableServerError(code, message, status, action.idempotent());
            return new TablestoreException(code, message, requestId, status, retryable, null);
        }

        URI uri(int endpoint) {
            return URI.create(endpoints.get(endpoint) + "/" + action.path());
        }
    }

    /** Status, headers and body of one HTTP response. */
    private record RawResponse(int status, HttpHeaders headers, byte[] body) {}

    private static Map<String, String> lastValues(HttpHeaders httpHeaders) {
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, List<String>> e : httpHeaders.map().entrySet()) {
            List<String> values = e.getValue();
            if (!values.isEmpty()) {
                out.put(e.getKey().toLowerCase(Locale.ROOT), values.get(values.size() - 1));
            }
        }
        return out;
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String describe(Throwable t) {
        String kind = t instanceof IOException ? "I/O error" : t.getClass().getSimpleName();
        return t.getMessage() == null ? kind + " (" + t.getClass().getName() + ")" : kind + ": " + t.getMessage();
    }
}
