package io.tunnelstore.server.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * The answer of a non-API route.
 *
 * @param status       HTTP status code
 * @param contentType  value of the {@code Content-Type} header
 * @param body         response body
 * @param extraHeaders further headers (e.g. {@code Cache-Control}); may be empty
 */
public record HttpRouteResponse(int status, String contentType, byte[] body, Map<String, String> extraHeaders) {
    public HttpRouteResponse {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
        extraHeaders = Map.copyOf(extraHeaders);
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("invalid HTTP status: " + status);
        }
    }

    /** A UTF-8 {@code text/plain} response. */
    public static HttpRouteResponse text(int status, String text) {
        return new HttpRouteResponse(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8),
                Map.of());
    }

    /** A response with the given content type and body. */
    public static HttpRouteResponse of(int status, String contentType, byte[] body) {
        return new HttpRouteResponse(status, contentType, body, Map.of());
    }
}
