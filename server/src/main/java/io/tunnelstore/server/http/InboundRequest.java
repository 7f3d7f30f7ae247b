package io.tunnelstore.server.http;

import java.util.Map;
import java.util.Objects;

/**
 * A fully received HTTP request, detached from the network layer.
 *
 * @param method  upper-case HTTP method
 * @param uri     the request target as sent (path and optional query)
 * @param headers header names lowercased; for a repeated header the last value wins (as the Java SDK signs it)
 * @param body    the body bytes exactly as received
 */
public record InboundRequest(String method, String uri, Map<String, String> headers, byte[] body) {
    public InboundRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }

    /** The path part of {@link #uri()} (without the query string). */
    public String path() {
        return pathOf(uri);
    }

    /** The path part of a request target (without the query string). */
    public static String pathOf(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    /** The query string without {@code ?}, or empty. */
    public String query() {
        int q = uri.indexOf('?');
        return q < 0 ? "" : uri.substring(q + 1);
    }
}
