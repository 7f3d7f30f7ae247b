package io.tunnelstore.server.http;

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

    /** One registered operation: how to parse its body and who handles it. */
    record Registration<Q extends Message>(Parser<Q> parser, OperationHandler<Q> handler) {
        /** Parses {@code body} (required fields checked) and calls the handler. */
        CompletionStage<? extends Message> invoke(RequestContext ctx, byte[] body)
                throws InvalidProtocolBufferException {
            Q request = parser.parseFrom(body);
            return handler.handle(ctx, request);
        }
    }

    /** One registered non-API route. */
    record Route(String method, String pathPrefix, HttpRoute route) {}

    private final Map<Action, Registration<?>> operations = new ConcurrentHashMap<>();
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final List<RequestDispatcher.RequestObserver> observers = new CopyOnWriteArrayList<>();

    /**
     * Registers the handler of {@code action}. The request body is parsed with {@code parser} (proto2 required fields
     * are enforced; a failure is answered with {@code 400 OTSParameterInvalid} without calling the handler).
     *
     * @throws IllegalStateException when the action already has a handler
     */
    public <Q extends Message> void register(Action action, Parser<Q> parser, OperationHandler<Q> handler) {
        Objects.requireNonNull(action, "action");
        Registration<Q> registration = new Registration<>(Objects.requireNonNull(parser, "parser"),
                Objects.requireNonNull(handler, "handler"));
        if (operations.putIfAbsent(action, registration) != null) {
            throw new IllegalStateException("a handler is already registered for " + action);
        }
    }

    /**
     * Registers a non-API route answering {@code method} requests whose path starts with {@code pathPrefix}
     * (e.g. {@code "GET", "/metrics"}). The longest matching prefix wins. Routes take precedence over API paths, so
     * prefixes must not collide with action names.
     *
     * @throws IllegalArgumentException when the prefix does not start with {@code /} or is just {@code /}
     * @throws IllegalStateException when the same method and prefix are already registered
     */
    public void registerHttpRoute(String method, String pathPrefix, HttpRoute route) {
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
            routes.add(new Route(m, pathPrefix, route));
        }
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

    /** The actions that have a handler (for diagnostics). */
    public List<Action> registeredActions() {
        return operations.keySet().stream().sorted(Comparator.comparing(Action::name)).toList();
    }

    Registration<?> operation(Action action) {
        return operations.get(action);
    }

    Optional<Route> route(String method, String path) {
        Route best = null;
        for (Route r : routes) {
            if (r.method.equals(method) && path.startsWith(r.pathPrefix)
                    && (best == null || r.pathPrefix.length() > best.pathPrefix.length())) {
                best = r;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Whether any route (of any method) matches {@code path}: a wrong method then gets a plain 405. */
    boolean anyRouteMatches(String path) {
        for (Route r : routes) {
            if (path.startsWith(r.pathPrefix)) {
                return true;
            }
        }
        return false;
    }
}
