package io.tunnelstore.server.http;

import io.tunnelstore.protocol.auth.OtsHeaders;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.server.auth.CredentialStore;
import io.tunnelstore.protocol.pb.TableProtos;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one {@link InboundRequest} into one {@link OutboundResponse}, independent of the network layer.
 *
 * <p>API requests: method must be {@code POST} ({@code 405 OTSMethodNotAllowed}), the action is the path with all
 * leading slashes stripped ({@code 400 OTSParameterInvalid "Unsupported operation: X"} when unknown or without
 * handler), then on a worker thread: authentication ({@link RequestAuthenticator}), optional request decompression
 * (PROTOCOL.md §1.4), body parsing ({@code 400 OTSParameterInvalid} on failure), the handler. Handler failures are
 * mapped per {@link OperationHandler}'s contract; a handler that has not answered after {@code handlerTimeout} gets
 * {@code 503 OTSTimeout}. Non-API routes registered in the {@link OperationRegistry} take precedence over API paths.
 *
 * <p>Threading: {@link #dispatch} may be called from any thread (the event loop calls it); it never blocks. The
 * returned stage always completes normally, exactly once, on a worker or scheduler thread.
 *
 * <p>Observation: every API request of a known action is reported once, when its response is ready, to the
 * {@link RequestObserver}s added for the dispatcher's registry with {@link #addObserver} (metrics).
 */
public final class RequestDispatcher {

    /**
     * Told about every API request of a known action once its response is ready: the action, its outcome
     * ({@value #OUTCOME_OK} or the error code sent, e.g. {@code OTSParameterInvalid}) and the time from dispatch to
     * response in nanoseconds. Called on the thread that completed the response; must be fast and must not block.
     * An exception it throws is logged and ignored.
     */
    @FunctionalInterface
    public interface RequestObserver {
        void completed(Action action, String outcome, long latencyNanos);
    }

    /** The outcome reported to {@link RequestObserver}s for a successful request. */
    public static final String OUTCOME_OK = "OK";

    /**
     * Observers per registry. Modules see the {@link OperationRegistry} (in {@code register}) but never the dispatcher,
     * which the server creates afterwards, so the registry is the meeting point; weak keys let a closed server's
     * registry (and its observers) be collected.
     */
    private static final Map<OperationRegistry, List<RequestObserver>> OBSERVERS =
            Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * Adds an observer of the API requests of every dispatcher built on {@code registry} (also of one built before
     * the call). Thread-safe; observers cannot be removed (they live as long as the registry).
     */
    public static void addObserver(OperationRegistry registry, RequestObserver observer) {
        Objects.requireNonNull(observer, "observer");
        observersOf(Objects.requireNonNull(registry, "registry")).add(observer);
    }

    private static List<RequestObserver> observersOf(OperationRegistry registry) {
        return OBSERVERS.computeIfAbsent(registry, r -> new CopyOnWriteArrayList<>());
    }

    /**
     * Runs the handler registered for {@code ctx.action()} in-process, for server-side readers of the API (the web
     * console and metrics read tunnels through DescribeTunnel instead of reaching into the tunnel service). No HTTP,
     * no signature check and no observer: the caller vouches for {@code ctx.principal()}. The request is
     * re-parsed by the handler's parser, so required fields are enforced as on the wire.
     *
     * @return the handler's stage; it fails with the handler's exception, or with {@code OtsException
     *         OTSParameterInvalid} when the action has no handler or the request does not parse
     */
    public static CompletionStage<Message> callLocally(OperationRegistry registry, RequestContext ctx,
                                                       Message request) {
        OperationRegistry.Registration<?> registration = registry.operation(ctx.action());
        if (registration == null) {
            return CompletableFuture.failedFuture(OtsException.of(ErrorCode.PARAMETER_INVALID,
                    "Unsupported operation: %s.", ctx.action().path()));
        }
        try {
            CompletionStage<? extends Message> stage = registration.invoke(ctx, request.toByteArray());
            return stage == null
                    ? CompletableFuture.failedFuture(new IllegalStateException("handler returned a null stage"))
                    : stage.thenApply(m -> (Message) m);
        } catch (InvalidProtocolBufferException e) {
            return CompletableFuture.failedFuture(OtsException.of(ErrorCode.PARAMETER_INVALID,
                    "Parse PBMessage from RawString failed.").withLogDetail(e.getMessage()));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);
    private static final long MAX_INFLATED_BYTES = 5L * 1024 * 1024;

    private final OperationRegistry registry;
    private final RequestAuthenticator authenticator;
    private final Executor workers;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Duration handlerTimeout;
    private final long requestIdSalt = UUID.randomUUID().getLeastSignificantBits();
    private final AtomicLong requestCounter = new AtomicLong();
    private final List<RequestObserver> observers;

    /**
     * @param registry       handlers and routes
     * @param instances      the instance names served (others are rejected with {@code OTSAuthFailed})
     * @param credentials    access keys and temporary credentials
     * @param workers        runs authentication, parsing, handlers and routes (bounded; rejection answers
     *                       {@code 503 OTSServerBusy}); not owned
     * @param scheduler      runs handler time-outs; not owned
     * @param clock          request receive times and {@code x-ots-date}
     * @param handlerTimeout how long a handler may take before the client gets {@code 503 OTSTimeout}
     */
    public RequestDispatcher(OperationRegistry registry, Set<String> instances, CredentialStore credentials,
                             Executor workers, ScheduledExecutorService scheduler, Clock clock,
                             Duration handlerTimeout) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.authenticator = new RequestAuthenticator(instances, credentials);
        this.workers = Objects.requireNonNull(workers, "workers");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.handlerTimeout = Objects.requireNonNull(handlerTimeout, "handlerTimeout");
        this.observers = observersOf(registry);
    }

    /** Handles one request; see the class comment. Never throws, the stage never completes exceptionally. */
    public CompletionStage<OutboundResponse> dispatch(InboundRequest request) {
        String requestId = newRequestId();
        String method = request.method();
        String path = request.path();
        Optional<OperationRegistry.Route> route = registry.route(method, path);
        if (route.isPresent()) {
            return runRoute(route.get().route(), request);
        }
        if (registry.anyRouteMatches(path)) {
            return CompletableFuture.completedFuture(plain(405, "Method " + method + " not allowed on " + path));
        }
        if (!"POST".equals(method)) {
            return CompletableFuture.completedFuture(OtsResponses.error(requestId, null, null, clock.millis(),
                    ErrorCode.METHOD_NOT_ALLOWED, "Only POST method for requests is supported."));
        }
        String actionPath = stripLeadingSlashes(path);
        Optional<Action> action = Action.fromPath(actionPath);
        if (action.isEmpty()) {
            return CompletableFuture.completedFuture(unsupported(requestId, actionPath, null));
        }
        CompletableFuture<OutboundResponse> result = new CompletableFuture<>();
        CompletionStage<OutboundResponse> observed = observe(action.get(), result);
        try {
            workers.execute(() -> processApi(requestId, action.get(), request, result));
        } catch (RejectedExecutionException e) {
            log.warn("Request {} {} rejected: worker queue full", requestId, actionPath);
            result.complete(OtsResponses.error(requestId, null, null, clock.millis(), ErrorCode.SERVER_BUSY,
                    "Server is busy."));
        }
        return observed;
    }

    /** The 413 answer for a request whose body exceeds the limit (the body was not read; nothing is verified). */
    public OutboundResponse bodyTooLarge(long maxBytes) {
        return OtsResponses.error(newRequestId(), null, null, clock.millis(), ErrorCode.REQUEST_BODY_TOO_LARGE,
                "The request body is larger than " + maxBytes + " bytes.");
    }

    /** The 400 answer for a request that is not valid HTTP. */
    public OutboundResponse malformedHttp(String reason) {
        return OtsResponses.error(newRequestId(), null, null, clock.millis(), ErrorCode.PARAMETER_INVALID,
                "Malformed HTTP request: " + reason);
    }

    // ---------------------------------------------------------------- API path

    private void processApi(String requestId, Action action, InboundRequest request,
                            CompletableFuture<OutboundResponse> result) {
        long receivedAt = clock.millis();
        String actionPath = action.path();
        AuthenticatedCaller caller;
        try {
            caller = authenticator.authenticate(actionPath, request.headers(), request.body(), receivedAt);
        } catch (OtsException e) {
            log.debug("Request {} {} not authenticated: {}", requestId, actionPath, e.getMessage());
            result.complete(errorFor(requestId, actionPath, null, e));
            return;
        }
        OperationRegistry.Registration<?> registration = registry.operation(action);
        if (registration == null) {
            result.complete(unsupported(requestId, actionPath, caller));
            return;
        }
        RequestContext ctx = new RequestContext(requestId, request.headers().get(OtsHeaders.INSTANCE_NAME).strip(),
                action, caller.principal(), request.headers(), receivedAt);
        CompletionStage<? extends Message> stage;
        try {
            byte[] body = RequestBodies.decode(request.headers(), request.body(), MAX_INFLATED_BYTES);
            stage = registration.invoke(ctx, body);
        } catch (InvalidProtocolBufferException e) {
            log.info("Request {} {}: request body does not parse: {}", requestId, actionPath, e.getMessage());
            result.complete(OtsResponses.error(requestId, actionPath, caller, clock.millis(),
                    ErrorCode.PARAMETER_INVALID, "Parse PBMessage from RawString failed."));
            return;
        } catch (Throwable t) {
            result.complete(failure(requestId, actionPath, caller, t));
            return;
        }
        if (stage == null) {
            result.complete(failure(requestId, actionPath, caller,
                    new IllegalStateException("handler of " + actionPath + " returned a null stage")));
            return;
        }
        ScheduledFuture<?> timeout = scheduler.schedule(() -> {
            if (result.complete(OtsResponses.error(requestId, actionPath, caller, clock.millis(), ErrorCode.TIMEOUT,
                    "Operation timeout."))) {
                log.warn("Request {} {} timed out after {} ms", requestId, actionPath, handlerTimeout.toMillis());
            }
        }, handlerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        stage.whenComplete((response, error) -> {
            timeout.cancel(false);
            if (error != null) {
                result.complete(failure(requestId, actionPath, caller, error));
            } else if (response == null) {
                result.complete(failure(requestId, actionPath, caller,
                        new IllegalStateException("handler of " + actionPath + " completed with null")));
            } else {
                result.complete(OtsResponses.success(requestId, actionPath, caller, clock.millis(),
                        response.toByteArray()));
            }
        });
    }

    private OutboundResponse failure(String requestId, String actionPath, AuthenticatedCaller caller, Throwable t) {
        Throwable cause = unwrap(t);
        if (cause instanceof OtsException ots) {
            return errorFor(requestId, actionPath, caller, ots);
        }
        log.error("Request {} {} failed with an internal error", requestId, actionPath, cause);
        return OtsResponses.error(requestId, actionPath, caller, clock.millis(), ErrorCode.INTERNAL_SERVER_ERROR,
                "Internal server error.");
    }

    private OutboundResponse errorFor(String requestId, String actionPath, AuthenticatedCaller caller,
                                      OtsException e) {
        if (e.logDetail() != null) {
            log.info("Request {} {} answered {} \"{}\": {}", requestId, actionPath, e.errorCode().code(),
                    e.getMessage(), e.logDetail());
        }
        return OtsResponses.error(requestId, actionPath, caller, clock.millis(), e.errorCode(), e.getMessage());
    }

    private OutboundResponse unsupported(String requestId, String actionPath, AuthenticatedCaller caller) {
        return OtsResponses.error(requestId, caller == null ? null : actionPath, caller, clock.millis(),
                ErrorCode.PARAMETER_INVALID, String.format("Unsupported operation: %s.", actionPath));
    }

    private static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /**
     * {@code result}, reported to the observers before it is handed on, so that a client that got its response
     * always finds the request counted.
     */
    private CompletionStage<OutboundResponse> observe(Action action, CompletableFuture<OutboundResponse> result) {
        if (observers.isEmpty()) {
            return result;
        }
        long startNanos = System.nanoTime();
        return result.thenApply(response -> {
            long latency = System.nanoTime() - startNanos;
            String outcome = outcomeOf(response);
            for (RequestObserver observer : observers) {
                try {
                    observer.completed(action, outcome, latency);
                } catch (RuntimeException e) {
                    log.warn("Request observer {} failed", observer, e);
                }
            }
            return response;
        });
    }

    /** {@value #OUTCOME_OK}, or the code of the protobuf {@code Error} body of an error response. */
    private static String outcomeOf(OutboundResponse response) {
        if (response.status() == 200) {
            return OUTCOME_OK;
        }
        try {
            String code = TableProtos.Error.parseFrom(response.body()).getCode();
            return code.isEmpty() ? "HTTP" + response.status() : code;
        } catch (InvalidProtocolBufferException e) {
            return "HTTP" + response.status();
        }
    }

    // ---------------------------------------------------------------- non-API routes

    private CompletionStage<OutboundResponse> runRoute(HttpRoute route, InboundRequest request) {
        CompletableFuture<OutboundResponse> result = new CompletableFuture<>();
        HttpRouteRequest routeRequest =
                new HttpRouteRequest(request.method(), request.path(), request.query(), request.headers(),
                        request.body());
        try {
            workers.execute(() -> {
                try {
                    HttpRouteResponse response = route.handle(routeRequest);
                    Map<String, String> headers = new LinkedHashMap<>(response.extraHeaders());
                    headers.put("content-type", response.contentType());
                    result.complete(new OutboundResponse(response.status(), headers, response.body()));
                } catch (Throwable t) {
                    log.error("HTTP route {} {} failed", request.method(), request.path(), t);
                    result.complete(plain(500, "Internal server error"));
                }
            });
        } catch (RejectedExecutionException e) {
            result.complete(plain(503, "Server busy"));
        }
        return result;
    }

    private static OutboundResponse plain(int status, String text) {
        HttpRouteResponse r = HttpRouteResponse.text(status, text);
        return new OutboundResponse(status, Map.of("content-type", r.contentType()), r.body());
    }

    // ---------------------------------------------------------------- helpers

    static String stripLeadingSlashes(String path) {
        int i = 0;
        while (i < path.length() && path.charAt(i) == '/') {
            i++;
        }
        return path.substring(i);
    }

    /** Unique, roughly time-ordered, shaped like the public service's ids (8-4-4-4-12 hex). */
    private String newRequestId() {
        long n = requestCounter.incrementAndGet();
        return new UUID(clock.millis() << 16 | (n & 0xFFFF), requestIdSalt ^ n).toString();
    }
}
