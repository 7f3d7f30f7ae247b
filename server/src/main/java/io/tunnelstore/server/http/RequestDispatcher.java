package io.tunnelstore.server.http;

import io.tunnelstore.protocol.auth.OtsHeaders;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.server.auth.CredentialStore;
import io.tunnelstore.server.cluster.ClusterPlacement;
import io.tunnelstore.server.cluster.ClusterResources;
import io.tunnelstore.server.cluster.NotOwnerException;
import io.tunnelstore.server.cluster.RequestForwarder;
import io.tunnelstore.storage.FencedException;
import io.tunnelstore.protocol.pb.TableProtos;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
 * {@link RequestObserver}s added to the dispatcher's registry with {@link OperationRegistry#addObserver} (metrics).
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

        /**
         * Told once per API request whose body is here, when a worker thread of its lane
         * ({@link OperationRegistry.Lane}) takes it up: how long it waited in the lane's queue, in nanoseconds (the part of a request's latency that is waiting for a thread,
         * not work). Same threading rules as {@link #completed}.
         */
        default void dequeued(Action action, long queueWaitNanos) {
        }
    }

    /** The outcome reported to {@link RequestObserver}s for a successful request. */
    public static final String OUTCOME_OK = "OK";

    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);
    private static final long MAX_INFLATED_BYTES = 5L * 1024 * 1024;

    private final OperationRegistry registry;
    private final RequestAuthenticator authenticator;
    private final Executor workers;
    /** Runs the handlers of {@link OperationRegistry.Lane#ROW_WRITE}; may be {@link #workers} itself. */
    private final Executor writeWorkers;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Duration handlerTimeout;
    private final long requestIdSalt = UUID.randomUUID().getLeastSignificantBits();
    private final AtomicLong requestCounter = new AtomicLong();
    private final List<RequestObserver> observers;
    /** Null on a single node. */
    private final ClusterPlacement placement;
    /** Null on a single node. */
    private final RequestForwarder forwarder;

    /**
     * Admission of a request from its headers alone (before any body byte is kept): either refused with an answer,
     * or admitted — as a non-API route ({@code caller} null) or as an API request of {@code action} whose headers
     * authenticated {@code caller} at {@code admittedAtMillis}.
     */
    public record Admission(OutboundResponse refusal, Action action, AuthenticatedCaller caller,
                            long admittedAtMillis, long admittedAtNanos) {
        static Admission refused(OutboundResponse response) {
            return new Admission(Objects.requireNonNull(response, "response"), null, null, 0, 0);
        }

        static final Admission ROUTE = new Admission(null, null, null, 0, 0);
    }

    /** As the full constructor, with the default clock-skew window of 15 minutes. */
    public RequestDispatcher(OperationRegistry registry, Set<String> instances, CredentialStore credentials,
                             Executor workers, ScheduledExecutorService scheduler, Clock clock,
                             Duration handlerTimeout) {
        this(registry, instances, credentials, workers, scheduler, clock, handlerTimeout,
                Optional.of(Duration.ofMinutes(15)));
    }

    /**
     * @param registry       handlers and routes
     * @param instances      the instance names served (others are rejected with {@code OTSAuthFailed})
     * @param credentials    access keys and temporary credentials
     * @param workers        runs body checks, parsing, handlers and routes (bounded; rejection answers
     *                       {@code 503 OTSServerBusy}); not owned
     * @param scheduler      runs handler time-outs; not owned
     * @param clock          request receive times, {@code x-ots-date} of answers, the clock-skew check
     * @param handlerTimeout how long a handler may take before the client gets {@code 503 OTSTimeout}
     * @param maxClockSkew   the allowed skew of a request's {@code x-ots-date} from {@code clock}; empty: unchecked
     */
    public RequestDispatcher(OperationRegistry registry, Set<String> instances, CredentialStore credentials,
                             Executor workers, ScheduledExecutorService scheduler, Clock clock,
                             Duration handlerTimeout, Optional<Duration> maxClockSkew) {
        this(registry, instances, credentials, workers, workers, scheduler, clock, handlerTimeout, maxClockSkew, null,
                null);
    }

    /**
     * As above, on a node of a cluster: requests whose {@link RequestPlacement} names a resource owned by another
     * node are relayed there by {@code forwarder} (docs/scale-out.md, "Request forwarding").
     *
     * @param writeWorkers runs the handlers registered on {@link OperationRegistry.Lane#ROW_WRITE} (bounded;
     *                  rejection answers {@code 503 OTSServerBusy}); not owned. May be {@code workers} (one pool)
     * @param placement who owns what; null: a single node (everything runs here)
     * @param forwarder relays requests to owners; null: a single node
     */
    public RequestDispatcher(OperationRegistry registry, Set<String> instances, CredentialStore credentials,
                             Executor workers, Executor writeWorkers, ScheduledExecutorService scheduler, Clock clock,
                             Duration handlerTimeout, Optional<Duration> maxClockSkew, ClusterPlacement placement,
                             RequestForwarder forwarder) {
        if ((placement == null) != (forwarder == null)) {
            throw new IllegalArgumentException("placement and forwarder go together");
        }
        this.placement = placement;
        this.forwarder = forwarder;
        this.registry = Objects.requireNonNull(registry, "registry");
        this.authenticator = new RequestAuthenticator(instances, credentials, maxClockSkew);
        this.workers = Objects.requireNonNull(workers, "workers");
        this.writeWorkers = Objects.requireNonNull(writeWorkers, "writeWorkers");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.handlerTimeout = Objects.requireNonNull(handlerTimeout, "handlerTimeout");
        this.observers = registry.observers();
    }

    /**
     * Decides from the method, target and lowercased headers alone whether a request is refused (routing, method,
     * action, authentication of API requests — see {@link RequestAuthenticator#authenticateHeaders}) or admitted.
     * Never blocks (credential look-ups are in memory), so the event loop calls it before it keeps any body byte.
     * A refused API request of a known action is reported to the observers like any other.
     */
    public Admission admit(String method, String uri, Map<String, String> headers) {
        String path = InboundRequest.pathOf(uri);
        if (registry.route(method, path).isPresent()) {
            return Admission.ROUTE;
        }
        if (registry.anyRouteMatches(path)) {
            return Admission.refused(plain(405, "Method " + method + " not allowed on " + path));
        }
        String requestId = newRequestId();
        if (!"POST".equals(method)) {
            return Admission.refused(OtsResponses.error(requestId, null, null, clock.millis(),
                    ErrorCode.METHOD_NOT_ALLOWED, "Only POST method for requests is supported."));
        }
        String actionPath = stripLeadingSlashes(path);
        Optional<Action> action = Action.fromPath(actionPath);
        if (action.isEmpty()) {
            return Admission.refused(unsupported(requestId, actionPath, null));
        }
        long now = clock.millis();
        try {
            AuthenticatedCaller caller = authenticator.authenticateHeaders(actionPath, headers, now);
            return new Admission(null, action.get(), caller, now, System.nanoTime());
        } catch (OtsException e) {
            log.debug("Request {} {} not authenticated: {}", requestId, actionPath, e.getMessage());
            OutboundResponse refusal = errorFor(requestId, actionPath, null, e);
            report(action.get(), refusal, 0);
            return Admission.refused(refusal);
        }
    }

    /** Handles one complete request, admitting it first; see the class comment. Never throws. */
    public CompletionStage<OutboundResponse> dispatch(InboundRequest request) {
        Admission admission = admit(request.method(), request.uri(), request.headers());
        if (admission.refusal() != null) {
            return CompletableFuture.completedFuture(admission.refusal());
        }
        return dispatch(request, admission);
    }

    /**
     * Handles a request {@link #admit admitted} from its headers, now that its body is here: routes run as they are;
     * API requests get their body checked against {@code x-ots-contentmd5}, then decompression, parsing and the
     * handler. Never throws; the stage never completes exceptionally.
     */
    public CompletionStage<OutboundResponse> dispatch(InboundRequest request, Admission admission) {
        if (admission.refusal() != null) {
            return CompletableFuture.completedFuture(admission.refusal());
        }
        if (admission.action() == null) {
            return runRoute(registry.route(request.method(), request.path()).orElseThrow().route(), request);
        }
        String requestId = newRequestId();
        Action action = admission.action();
        CompletableFuture<OutboundResponse> result = new CompletableFuture<>();
        CompletionStage<OutboundResponse> observed = observe(action, result);
        OperationRegistry.Lane lane = registry.laneOf(action);
        Executor pool = lane == OperationRegistry.Lane.ROW_WRITE ? writeWorkers : workers;
        long queuedAt = System.nanoTime();
        try {
            pool.execute(() -> {
                long startedAt = System.nanoTime();
                reportDequeued(action, startedAt - queuedAt);
                processApi(requestId, action, admission, request, pool, result,
                        new RequestContext.Timing(admission.admittedAtNanos(), queuedAt, startedAt));
            });
        } catch (RejectedExecutionException e) {
            log.warn("Request {} {} rejected: {} worker queue full", requestId, action.path(), lane);
            result.complete(serverBusy(requestId));
        }
        return observed;
    }

    /** The 503 answer when the server cannot take a request now (worker queue or body budget full). */
    public OutboundResponse serverBusy() {
        return serverBusy(newRequestId());
    }

    private OutboundResponse serverBusy(String requestId) {
        return OtsResponses.error(requestId, null, null, clock.millis(), ErrorCode.SERVER_BUSY,
                "Server is busy.");
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

    /** Runs on a thread of {@code lane}, which also runs the blocking steps this request still needs (forwarding). */
    private void processApi(String requestId, Action action, Admission admission, InboundRequest request,
                            Executor lane, CompletableFuture<OutboundResponse> result, RequestContext.Timing timing) {
        long receivedAt = admission.admittedAtMillis();
        String actionPath = action.path();
        AuthenticatedCaller caller = admission.caller();
        try {
            authenticator.verifyBody(request.headers(), request.body());
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
                action, caller.principal(), request.headers(), receivedAt, timing);
        boolean forwarded = request.headers().containsKey(RequestForwarder.FORWARDED_BY);
        Message parsed;
        Optional<String> resource;
        RequestSplitter.Split<?> split = null;
        try {
            byte[] body = RequestBodies.decode(request.headers(), request.body(), MAX_INFLATED_BYTES);
            parsed = registry.parse(registration, ctx, body);
            resource = placement == null ? Optional.empty() : registry.resourceOf(ctx, parsed);
            if (placement != null && !forwarded && resource.isEmpty()) {
                split = registry.split(ctx, parsed);
                if (split != null && split.parts().size() == 1) {
                    resource = split.parts().get(0).resource(); // one owner: forwarded whole, original bytes
                    split = null;
                } else if (split != null && split.parts().isEmpty()) {
                    split = null;
                }
            }
        } catch (InvalidProtocolBufferException e) {
            log.info("Request {} {}: request body does not parse: {}", requestId, actionPath, e.getMessage());
            result.complete(OtsResponses.error(requestId, actionPath, caller, clock.millis(),
                    ErrorCode.PARAMETER_INVALID, "Parse PBMessage from RawString failed."));
            return;
        } catch (Throwable t) {
            result.complete(failure(requestId, actionPath, caller, t));
            return;
        }
        if (split != null) {
            runSplit(requestId, actionPath, caller, ctx, registration, split, request, lane, result);
            return;
        }
        if (resource.isPresent() && !placement.isLocal(resource.get())) {
            if (forwarded) {
                // never forwarded twice: the forwarder asks the owner of its (newer) view again
                result.complete(notOwner(requestId, resource.get()));
            } else {
                forward(requestId, actionPath, caller, resource.get(), forwardAttemptTimeout(action), request,
                        result);
            }
            return;
        }
        CompletionStage<? extends Message> stage;
        try {
            stage = registration.handle(ctx, parsed);
        } catch (Throwable t) {
            stage = CompletableFuture.failedFuture(t);
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
        Optional<String> placedAt = resource;
        stage.whenComplete((response, error) -> {
            timeout.cancel(false);
            if (error != null && placement != null && isNotOwner(unwrap(error))) {
                // ownership moved between the placement check and the write; nothing was written
                if (forwarded) {
                    result.complete(notOwner(requestId, placedAt.orElse(notOwnerResource(unwrap(error)))));
                } else if (placedAt.isPresent()) {
                    forwardLater(requestId, actionPath, caller, placedAt.get(), forwardAttemptTimeout(action),
                            request, lane, result);
                } else {
                    result.complete(unavailable(requestId, actionPath, caller, notOwnerResource(unwrap(error))));
                }
            } else if (error != null) {
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

    // ---------------------------------------------------------------- cluster forwarding

    /** Extra time a slow action's forwarding attempt waits beyond the handler timeout, for the owner's answer. */
    static final Duration SLOW_ACTION_GRACE = Duration.ofSeconds(1);

    /**
     * How long one forwarding attempt of {@code action} waits for the owner: the forwarder's default, or, for an
     * action marked {@link OperationRegistry#registerSlowOnOwner slow on its owner}, the handler timeout plus
     * {@link #SLOW_ACTION_GRACE}, since the owner bounds its own handling by that timeout (nodes share their
     * configuration) and answers {@code OTSTimeout} then.
     */
    private Duration forwardAttemptTimeout(Action action) {
        Duration normal = forwarder.attemptTimeout();
        if (!registry.slowOnOwner(action)) {
            return normal;
        }
        Duration slow = handlerTimeout.plus(SLOW_ACTION_GRACE);
        return slow.compareTo(normal) > 0 ? slow : normal;
    }

    /**
     * Relays {@code request} (its original, signed bytes) to the owner of {@code resource} and completes
     * {@code result} with the owner's answer, unchanged. Blocks this worker thread while forwarding (bounded by the
     * forwarder's attempt timeout and budget; below the handler timeout).
     */
    private void forward(String requestId, String actionPath, AuthenticatedCaller caller, String resource,
                         Duration attemptTimeout, InboundRequest request,
                         CompletableFuture<OutboundResponse> result) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        request.headers().forEach((name, value) -> headers.put(name, List.of(value)));
        try {
            RequestForwarder.Response answer = forwarder.forward(resource,
                    new RequestForwarder.Request(request.method(), request.uri(), headers, request.body()),
                    r -> placement.ownerOf(r).map(ClusterPlacement.Owner::address), attemptTimeout);
            Map<String, String> relayed = new LinkedHashMap<>();
            answer.headers().forEach((name, values) -> {
                String lower = name.toLowerCase(java.util.Locale.ROOT);
                if (!values.isEmpty() && !NOT_RELAYED_BACK.contains(lower) && !lower.startsWith(":")) {
                    relayed.put(lower, values.get(values.size() - 1));
                }
            });
            result.complete(new OutboundResponse(answer.status(), relayed, answer.body()));
        } catch (RequestForwarder.ForwardingException e) {
            log.info("Request {} {}: forwarding to the owner of {} gave up: {}", requestId, actionPath, resource,
                    e.getMessage());
            result.complete(e.failure() == RequestForwarder.Failure.TIMED_OUT
                    ? OtsResponses.error(requestId, actionPath, caller, clock.millis(), ErrorCode.TIMEOUT,
                            "Operation timeout.")
                    : unavailable(requestId, actionPath, caller, resource));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.complete(unavailable(requestId, actionPath, caller, resource));
        } catch (RuntimeException e) {
            result.complete(failure(requestId, actionPath, caller, e));
        }
    }

    /**
     * Runs the parts of a split request: local ones with the action's handler, remote ones forwarded in parallel
     * (re-signed, see {@link RequestSplitter}), then answers with the merged response.
     */
    private void runSplit(String requestId, String actionPath, AuthenticatedCaller caller, RequestContext ctx,
                          OperationRegistry.Registration<?> registration, RequestSplitter.Split<?> split,
                          InboundRequest request, Executor lane, CompletableFuture<OutboundResponse> result) {
        List<? extends RequestSplitter.Part<?>> parts = split.parts();
        List<CompletableFuture<RequestSplitter.PartOutcome>> outcomes = new java.util.ArrayList<>(parts.size());
        RequestSplitter.Part<?> localPart = null;
        int localIndex = -1;
        for (RequestSplitter.Part<?> part : parts) {
            boolean local = part.resource().isEmpty() || placement.isLocal(part.resource().get());
            if (local && localPart == null) {
                localPart = part;
                localIndex = outcomes.size();
                outcomes.add(new CompletableFuture<>());
            } else if (local) {
                outcomes.add(runLocalPart(ctx, registration, part.request()));
            } else {
                CompletableFuture<RequestSplitter.PartOutcome> remote = new CompletableFuture<>();
                String resource = part.resource().get();
                Message partRequest = part.request();
                try {
                    lane.execute(() -> remote.complete(forwardPart(actionPath, caller, split, resource,
                            partRequest, request)));
                } catch (RejectedExecutionException e) {
                    remote.complete(new RequestSplitter.PartOutcome(null, OtsException.of(ErrorCode.SERVER_BUSY,
                            "Server is busy.")));
                }
                outcomes.add(remote);
            }
        }
        if (localPart != null) {
            // the local part runs on this worker while the remote ones travel
            CompletableFuture<RequestSplitter.PartOutcome> target = outcomes.get(localIndex);
            runLocalPart(ctx, registration, localPart.request()).thenAccept(target::complete);
        }
        ScheduledFuture<?> timeout = scheduler.schedule(() -> {
            if (result.complete(OtsResponses.error(requestId, actionPath, caller, clock.millis(), ErrorCode.TIMEOUT,
                    "Operation timeout."))) {
                log.warn("Request {} {} timed out after {} ms", requestId, actionPath, handlerTimeout.toMillis());
            }
        }, handlerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).whenComplete((ignored, error) -> {
            timeout.cancel(false);
            try {
                Message merged = split.merge(outcomes.stream().map(CompletableFuture::join).toList());
                result.complete(OtsResponses.success(requestId, actionPath, caller, clock.millis(),
                        merged.toByteArray()));
            } catch (Throwable t) {
                result.complete(failure(requestId, actionPath, caller, t));
            }
        });
    }

    /** A part run here with the action's handler; its failure becomes the part's error. */
    private CompletableFuture<RequestSplitter.PartOutcome> runLocalPart(RequestContext ctx,
            OperationRegistry.Registration<?> registration, Message partRequest) {
        CompletableFuture<RequestSplitter.PartOutcome> outcome = new CompletableFuture<>();
        CompletionStage<? extends Message> stage;
        try {
            stage = registration.handle(ctx, partRequest);
        } catch (Throwable t) {
            stage = CompletableFuture.failedFuture(t);
        }
        stage.whenComplete((response, error) -> outcome.complete(error == null
                ? new RequestSplitter.PartOutcome(response, null)
                : new RequestSplitter.PartOutcome(null, asOtsError(unwrap(error)))));
        return outcome;
    }

    private static OtsException asOtsError(Throwable t) {
        if (t instanceof OtsException ots) {
            return ots;
        }
        if (isNotOwner(t)) {
            return OtsException.of(ErrorCode.PARTITION_UNAVAILABLE, "The partition is not available, please retry.");
        }
        log.error("A part of a split request failed with an internal error", t);
        return OtsException.of(ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error.");
    }

    /**
     * Sends one part to the owner of {@code resource}: the original headers with the part's body, its content MD5
     * and a new signature made with the caller's own credential (as its SDK would sign it), plus
     * {@value RequestForwarder#FORWARDED_BY}. Blocks this worker thread (bounded by the forwarder).
     */
    private RequestSplitter.PartOutcome forwardPart(String actionPath, AuthenticatedCaller caller,
            RequestSplitter.Split<?> split, String resource, Message partRequest,
            InboundRequest original) {
        byte[] body = partRequest.toByteArray();
        Map<String, String> signed = new java.util.TreeMap<>(original.headers());
        signed.remove(OtsHeaders.REQUEST_COMPRESS_TYPE); // the part is sent uncompressed
        signed.remove(OtsHeaders.REQUEST_COMPRESS_SIZE);
        signed.remove(OtsHeaders.RESPONSE_COMPRESS_TYPE); // and its answer is read here, uncompressed
        signed.remove("accept-encoding");
        signed.put(OtsHeaders.CONTENT_MD5, io.tunnelstore.protocol.auth.ContentMd5.base64(body));
        if (signed.containsKey(OtsHeaders.SIGNATURE_V4)) {
            signed.put(OtsHeaders.SIGNATURE_V4, io.tunnelstore.protocol.auth.Signatures.signV4(
                    caller.responseSigningKey(), io.tunnelstore.protocol.auth.Signatures.v4StringToSign(actionPath,
                            signed)));
        } else {
            signed.put(OtsHeaders.SIGNATURE, io.tunnelstore.protocol.auth.Signatures.signV2(
                    caller.responseSigningKey(), io.tunnelstore.protocol.auth.Signatures.v2StringToSign(actionPath,
                            signed)));
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        signed.forEach((name, value) -> headers.put(name, List.of(value)));
        try {
            RequestForwarder.Response answer = forwarder.forward(resource,
                    new RequestForwarder.Request("POST", original.uri(), headers, body),
                    r -> placement.ownerOf(r).map(ClusterPlacement.Owner::address));
            if (answer.status() == 200) {
                return new RequestSplitter.PartOutcome(split.parseResponse(answer.body()), null);
            }
            TableProtos.Error error = TableProtos.Error.parseFrom(answer.body());
            ErrorCode code = ErrorCode.fromCode(error.getCode()).orElse(ErrorCode.INTERNAL_SERVER_ERROR);
            return new RequestSplitter.PartOutcome(null, OtsException.of(code, "%s", error.getMessage()));
        } catch (RequestForwarder.ForwardingException e) {
            log.info("A part of {} for {} was not forwarded: {}", actionPath, resource, e.getMessage());
            return new RequestSplitter.PartOutcome(null, e.failure() == RequestForwarder.Failure.TIMED_OUT
                    ? OtsException.of(ErrorCode.TIMEOUT, "Operation timeout.")
                    : OtsException.of(ErrorCode.PARTITION_UNAVAILABLE, "The partition is not available, please retry."));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RequestSplitter.PartOutcome(null, OtsException.of(ErrorCode.SERVER_UNAVAILABLE,
                    "Server is unavailable."));
        } catch (InvalidProtocolBufferException e) {
            return new RequestSplitter.PartOutcome(null, OtsException.of(ErrorCode.INTERNAL_SERVER_ERROR,
                    "Internal server error.").withLogDetail("unreadable answer of a part's owner: " + e.getMessage()));
        }
    }

    /** {@link #forward} on a thread of {@code lane} (from a handler's completion, which may run on any thread). */
    private void forwardLater(String requestId, String actionPath, AuthenticatedCaller caller, String resource,
                              Duration attemptTimeout, InboundRequest request, Executor lane,
                              CompletableFuture<OutboundResponse> result) {
        try {
            lane.execute(() -> forward(requestId, actionPath, caller, resource, attemptTimeout, request, result));
        } catch (RejectedExecutionException e) {
            result.complete(serverBusy(requestId));
        }
    }

    /** The answer to a forwarded request this node does not own: the forwarder retries at the owner of its view. */
    private OutboundResponse notOwner(String requestId, String resource) {
        byte[] body = TableProtos.Error.newBuilder().setCode(ErrorCode.SERVER_UNAVAILABLE.code())
                .setMessage(resource + " is not owned by this node").build().toByteArray();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(RequestForwarder.NOT_OWNER, resource);
        headers.put(OtsHeaders.REQUEST_ID, requestId);
        return new OutboundResponse(RequestForwarder.NOT_OWNER_STATUS, headers, body);
    }

    /**
     * The answer when the owner of {@code resource} cannot be reached and nothing was applied: a partition answers
     * {@code OTSPartitionUnavailable} as the public service does during a partition failover (the SDKs retry it
     * always), anything else {@code OTSServerUnavailable}.
     */
    private OutboundResponse unavailable(String requestId, String actionPath, AuthenticatedCaller caller,
                                         String resource) {
        boolean partition = resource != null && resource.startsWith("partition/");
        return OtsResponses.error(requestId, actionPath, caller, clock.millis(),
                partition ? ErrorCode.PARTITION_UNAVAILABLE : ErrorCode.SERVER_UNAVAILABLE,
                partition ? "The partition is not available, please retry." : "Server is unavailable.");
    }

    private static boolean isNotOwner(Throwable t) {
        return t instanceof NotOwnerException || t instanceof FencedException;
    }

    private static String notOwnerResource(Throwable t) {
        if (t instanceof NotOwnerException n) {
            return n.resource();
        }
        FencedException f = (FencedException) t;
        return f.resource() != null ? f.resource() : ClusterResources.partition(f.tableId(), f.partitionId());
    }

    /** Hop-by-hop headers of the owner's answer; the network layer sets its own. */
    private static final Set<String> NOT_RELAYED_BACK = Set.of("content-length", "connection", "keep-alive",
            "transfer-encoding", "te", "trailer", "upgrade", "date");

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
            report(action, response, System.nanoTime() - startNanos);
            return response;
        });
    }

    private void reportDequeued(Action action, long queueWaitNanos) {
        for (RequestObserver observer : observers) {
            try {
                observer.dequeued(action, queueWaitNanos);
            } catch (RuntimeException e) {
                log.warn("Request observer {} failed", observer, e);
            }
        }
    }

    private void report(Action action, OutboundResponse response, long latencyNanos) {
        if (observers.isEmpty()) {
            return;
        }
        String outcome = outcomeOf(response);
        for (RequestObserver observer : observers) {
            try {
                observer.completed(action, outcome, latencyNanos);
            } catch (RuntimeException e) {
                log.warn("Request observer {} failed", observer, e);
            }
        }
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
                        request.body(), request.remoteAddress());
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
