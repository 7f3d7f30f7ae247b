package io.tunnelstore.server.http;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Maps API actions to their handlers and non-API paths to {@link HttpRoute}s, and holds the observers of API
 * requests. Modules fill it in {@code ServerModule.register}; the HTTP layer reads it for every request. One
 * registry per server (owned by {@code TunnelstoreServer}), so two servers in one JVM never see each other's
 * handlers or observers.
 *
 * <p>Thread-safety: safe for concurrent use. Registrations normally happen before the server starts listening;
 * a late registration becomes visible to requests that arrive after it.
 */
public final class OperationRegistry {

    /**
     * Which worker pool runs an operation's handler (docs/server-transport.md, "Request lanes"). Each lane has its own
     * threads and queue, so requests of one lane never wait for a thread held by the other.
     */
    public enum Lane {
        /** Everything that does not wait for its own durable row write: reads, tunnel calls, admin. */
        GENERAL,
        /**
         * Row writes (PutRow, UpdateRow, DeleteRow, BatchWriteRow): their handlers hold the thread until the write is
         * durable (a WAL fsync shared by a group commit), so many of them wait at once and none of them should
         * delay a tunnel read.
         */
        ROW_WRITE
    }

    /** One registered operation: how to parse its body, who handles it and on which lane. */
    record Registration<Q extends Message>(Parser<Q> parser, OperationHandler<Q> handler, Lane lane) {
        /** Parses {@code body} (required fields checked) and calls the handler. */
        CompletionStage<? extends Message> invoke(RequestContext ctx, byte[] body, Map<String, TableLocator> locators)
                throws InvalidProtocolBufferException {
            return handle(ctx, parse(ctx, body, locators));
        }

        /** Parses {@code body} (required fields checked) and checks the caller's scope. */
        Q parse(RequestContext ctx, byte[] body, Map<String, TableLocator> locators)
                throws InvalidProtocolBufferException {
            Q request;
            if (lane == Lane.ROW_WRITE) {
                // bytes fields (the rows' PlainBuffers) share the body array instead of each being copied out of
                // it; a row write keeps nothing of its request beyond the call, so the array is not held longer
                CodedInputStream in = CodedInputStream.newInstance(body);
                in.enableAliasing(true);
                request = parser.parseFrom(in);
                in.checkLastTagWas(0);
            } else {
                request = parser.parseFrom(body);
            }
            AccessControl.authorize(ctx, request, locators);
            return request;
        }

        /** Calls the handler with a request {@link #parse parsed} by this registration. */
        @SuppressWarnings("unchecked")
        CompletionStage<? extends Message> handle(RequestContext ctx, Message request) {
            return handler.handle(ctx, (Q) request);
        }
    }

    /**
     * One registered non-API route: {@code path} itself, and with {@code subtree} also every path below it
     * ({@code path + "/..."}); never a path that merely starts with the same characters ({@code /metricsfoo}).
     */
    record Route(String method, String pathPrefix, boolean subtree, HttpRoute route) {
        boolean matches(String requestPath) {
            if (requestPath.equals(pathPrefix)) {
                return true;
            }
            if (!subtree) {
                return false;
            }
            String below = pathPrefix.endsWith("/") ? pathPrefix : pathPrefix + "/";
            return requestPath.startsWith(below);
        }
    }

    private final Map<Action, Registration<?>> operations = new ConcurrentHashMap<>();
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final Map<String, TableLocator> tableLocators = new ConcurrentHashMap<>();
    private final List<RequestDispatcher.RequestObserver> observers = new CopyOnWriteArrayList<>();
    private final Map<Action, RequestPlacement<?>> placements = new ConcurrentHashMap<>();
    private final Map<Action, RequestSplitter<?>> splitters = new ConcurrentHashMap<>();
    private final Set<Action> slowOnOwner = ConcurrentHashMap.newKeySet();

    /**
     * Registers the handler of {@code action}. The request body is parsed with {@code parser} (proto2 required fields
     * are enforced; a failure is answered with {@code 400 OTSParameterInvalid} without calling the handler).
     *
     * @throws IllegalStateException when the action already has a handler
     */
    public <Q extends Message> void register(Action action, Parser<Q> parser, OperationHandler<Q> handler) {
        register(action, Lane.GENERAL, parser, handler);
    }

    /**
     * Registers the handler of {@code action}, run on {@code lane}'s worker pool; otherwise as
     * {@link #register(Action, Parser, OperationHandler)}.
     *
     * @throws IllegalStateException when the action already has a handler
     */
    public <Q extends Message> void register(Action action, Lane lane, Parser<Q> parser, OperationHandler<Q> handler) {
        Objects.requireNonNull(action, "action");
        Registration<Q> registration = new Registration<>(Objects.requireNonNull(parser, "parser"),
                Objects.requireNonNull(handler, "handler"), Objects.requireNonNull(lane, "lane"));
        if (operations.putIfAbsent(action, registration) != null) {
            throw new IllegalStateException("a handler is already registered for " + action);
        }
    }

    /**
     * Registers a non-API route answering {@code method} requests for exactly {@code path} (e.g.
     * {@code "GET", "/metrics"}: not {@code /metricsfoo}, not {@code /metrics/x}). Routes take precedence over API
     * paths, so paths must not collide with action names.
     *
     * @throws IllegalArgumentException when the path does not start with {@code /} or is just {@code /}
     * @throws IllegalStateException when the same method and path are already registered
     */
    public void registerHttpRoute(String method, String path, HttpRoute route) {
        register(method, path, false, route);
    }

    /**
     * Registers a non-API route answering {@code method} requests for {@code path} and every path below it
     * ({@code path/...}; e.g. {@code "/console"} serves {@code /console/assets/app.js} but not
     * {@code /consolex}). The longest matching path wins.
     *
     * @throws IllegalArgumentException when the path does not start with {@code /} or is just {@code /}
     * @throws IllegalStateException when the same method and path are already registered
     */
    public void registerHttpSubtree(String method, String path, HttpRoute route) {
        register(method, path, true, route);
    }

    private void register(String method, String pathPrefix, boolean subtree, HttpRoute route) {
        Objects.requireNonNull(route, "route");
        String m = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
        if (pathPrefix == null || !pathPrefix.startsWith("/") || pathPrefix.length() < 2) {
            throw new IllegalArgumentException("route path prefix must start with '/' and not be '/': " + pathPrefix);
        }
        synchronized (routes) {
            for (Route r : routes) {
                if (r.method.equals(m) && r.pathPrefix.equals(pathPrefix)) {
                    throw new IllegalStateException("route already registered: " + m + " " + pathPrefix);
                }
            }
            routes.add(new Route(m, pathPrefix, subtree, route));
        }
    }

    /**
     * Registers how to find the table behind a request field named {@code fieldName} (e.g. {@code "tunnel_id"}),
     * for the scope check of keys limited to tables ({@link AccessControl}).
     *
     * @throws IllegalStateException when the field already has a locator
     */
    public void registerTableLocator(String fieldName, TableLocator locator) {
        Objects.requireNonNull(locator, "locator");
        if (tableLocators.putIfAbsent(Objects.requireNonNull(fieldName, "fieldName"), locator) != null) {
            throw new IllegalStateException("a table locator is already registered for " + fieldName);
        }
    }

    /**
     * Registers where requests of {@code action} run in a cluster (see {@link RequestPlacement}); without one, an
     * action runs on the node that received it. May be registered before or after the action's handler (by another
     * module). The request type must be the one of the action's handler.
     *
     * @throws IllegalStateException when the action already has a placement
     */
    public <Q extends Message> void registerPlacement(Action action, RequestPlacement<Q> placement) {
        Objects.requireNonNull(placement, "placement");
        if (placements.putIfAbsent(Objects.requireNonNull(action, "action"), placement) != null) {
            throw new IllegalStateException("a placement is already registered for " + action);
        }
    }

    /**
     * Marks {@code action} as one whose handler may take long on its owner (seconds: CreateTunnel snapshots its table
     * for the base channels, DeleteTable drops its rows). Forwarded to the owner, such a request waits for the
     * owner's answer up to the handler timeout (the owner answers {@code OTSTimeout} by then at worst) instead of
     * the forwarder's short attempt timeout, which is meant to detect a stalled owner quickly.
     */
    public void registerSlowOnOwner(Action action) {
        slowOnOwner.add(Objects.requireNonNull(action, "action"));
    }

    /** Whether {@code action} was marked with {@link #registerSlowOnOwner}. */
    public boolean slowOnOwner(Action action) {
        return slowOnOwner.contains(action);
    }

    /**
     * Registers how requests of {@code action} are split between owners in a cluster (see {@link RequestSplitter}).
     *
     * @throws IllegalStateException when the action already has a splitter
     */
    public <Q extends Message> void registerSplitter(Action action, RequestSplitter<Q> splitter) {
        Objects.requireNonNull(splitter, "splitter");
        if (splitters.putIfAbsent(Objects.requireNonNull(action, "action"), splitter) != null) {
            throw new IllegalStateException("a splitter is already registered for " + action);
        }
    }

    /** {@code request} split by its action's splitter, or null when the action has none. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    RequestSplitter.Split<?> split(RequestContext ctx, Message request) {
        RequestSplitter splitter = splitters.get(ctx.action());
        return splitter == null ? null : splitter.split(ctx, request);
    }

    /**
     * The resource whose owner must run {@code request} (parsed for {@code ctx.action()}), or empty when it runs where
     * it was received (no placement registered, or the placement says so).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    Optional<String> resourceOf(RequestContext ctx, Message request) {
        RequestPlacement placement = placements.get(ctx.action());
        if (placement == null) {
            return Optional.empty();
        }
        Optional<String> resource = placement.resourceOf(ctx, request);
        return resource == null ? Optional.empty() : resource;
    }

    /** Parses {@code body} for {@code ctx.action()} and checks the caller's scope (no handler call). */
    Message parse(Registration<?> registration, RequestContext ctx, byte[] body) throws InvalidProtocolBufferException {
        return registration.parse(ctx, body, tableLocators);
    }

    /** Parses {@code body} for {@code ctx.action()}, checks the caller's scope, and calls the handler. */
    CompletionStage<? extends Message> invoke(Registration<?> registration, RequestContext ctx, byte[] body)
            throws InvalidProtocolBufferException {
        return registration.invoke(ctx, body, tableLocators);
    }

    /**
     * Adds an observer of every API request the server's dispatcher answers (also of requests dispatched after the
     * server started). Thread-safe; observers cannot be removed (they live as long as the registry, i.e. the server).
     */
    public void addObserver(RequestDispatcher.RequestObserver observer) {
        observers.add(Objects.requireNonNull(observer, "observer"));
    }

    /** The observers added so far (a live, thread-safe list: the dispatcher iterates it per request). */
    List<RequestDispatcher.RequestObserver> observers() {
        return observers;
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
    public CompletionStage<Message> callLocally(RequestContext ctx, Message request) {
        Registration<?> registration = operation(ctx.action());
        if (registration == null) {
            return CompletableFuture.failedFuture(OtsException.of(ErrorCode.PARAMETER_INVALID,
                    "Unsupported operation: %s.", ctx.action().path()));
        }
        try {
            CompletionStage<? extends Message> stage = registration.invoke(ctx, request.toByteArray(), tableLocators);
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

    /** The actions that have a handler (for diagnostics). */
    public List<Action> registeredActions() {
        return operations.keySet().stream().sorted(Comparator.comparing(Action::name)).toList();
    }

    Registration<?> operation(Action action) {
        return operations.get(action);
    }

    /** The lane of {@code action}'s handler; {@link Lane#GENERAL} when it has none (it is answered at once). */
    Lane laneOf(Action action) {
        Registration<?> registration = operations.get(action);
        return registration == null ? Lane.GENERAL : registration.lane();
    }

    Optional<Route> route(String method, String path) {
        Route best = null;
        for (Route r : routes) {
            if (r.method.equals(method) && r.matches(path)
                    && (best == null || r.pathPrefix.length() > best.pathPrefix.length())) {
                best = r;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Whether any route (of any method) matches {@code path}: a wrong method then gets a plain 405. */
    boolean anyRouteMatches(String path) {
        for (Route r : routes) {
            if (r.matches(path)) {
                return true;
            }
        }
        return false;
    }
}
