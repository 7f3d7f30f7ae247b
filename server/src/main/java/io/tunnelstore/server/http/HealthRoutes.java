package io.tunnelstore.server.http;

import java.util.function.BooleanSupplier;

/**
 * {@code GET /health/live} (200 while the process serves HTTP at all) and {@code GET /health/ready} (200 when
 * {@code ready} says so, else 503), for load balancers and orchestrators. Plain text, unauthenticated.
 */
public final class HealthRoutes {

    private HealthRoutes() {}

    /** Registers both routes in {@code registry}. {@code ready} is called per request, on a worker thread. */
    public static void register(OperationRegistry registry, BooleanSupplier ready) {
        registry.registerHttpRoute("GET", "/health/live", request -> HttpRouteResponse.text(200, "live\n"));
        registry.registerHttpRoute("GET", "/health/ready", request -> ready.getAsBoolean()
                ? HttpRouteResponse.text(200, "ready\n")
                : HttpRouteResponse.text(503, "not ready\n"));
    }
}
