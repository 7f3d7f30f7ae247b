package io.tunnelstore.server.console;

import io.tunnelstore.server.http.HttpRouteResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * The console's static files (plain HTML, JS and CSS; no build step), read once from the classpath under
 * {@code /console/}. Only the listed files are served, so no request path can reach anything else.
 *
 * <p>Immutable after construction; thread-safe.
 */
final class ConsoleAssets {

    /** Strict policy: only our own scripts and styles; no inline code, no framing. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private record Asset(String contentType, byte[] body) {}

    private final Map<String, Asset> assets;

    ConsoleAssets() {
        assets = Map.of(
                "index.html", load("index.html", "text/html; charset=utf-8"),
                "app.js", load("app.js", "text/javascript; charset=utf-8"),
                "app.css", load("app.css", "text/css; charset=utf-8"),
                "favicon.svg", load("favicon.svg", "image/svg+xml"));
    }

    private static Asset load(String name, String contentType) {
        String resource = "/console/" + name;
        try (InputStream in = ConsoleAssets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("console resource missing from the classpath: " + resource);
            }
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read console resource " + resource, e);
        }
    }

    /** The response for {@code name} ({@code index.html}, {@code app.js}, ...), if it is a console file. */
    Optional<HttpRouteResponse> serve(String name) {
        Asset a = assets.get(name);
        if (a == null) {
            return Optional.empty();
        }
        return Optional.of(new HttpRouteResponse(200, a.contentType(), a.body(), Map.of(
                "cache-control", "no-cache",
                "content-security-policy", CSP,
                "x-content-type-options", "nosniff",
                "x-frame-options", "DENY",
                "referrer-policy", "no-referrer")));
    }
}
