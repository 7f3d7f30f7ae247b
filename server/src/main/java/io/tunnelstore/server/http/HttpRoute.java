package io.tunnelstore.server.http;

/**
 * A non-API HTTP endpoint (metrics, health checks, console), registered with
 * {@link OperationRegistry#registerHttpRoute}. Routes are not authenticated by the OTS signature scheme.
 *
 * <p>Threading: called on a server worker thread; may block briefly. An exception becomes a plain-text 500.
 */
@FunctionalInterface
public interface HttpRoute {
    HttpRouteResponse handle(HttpRouteRequest request) throws Exception;
}
