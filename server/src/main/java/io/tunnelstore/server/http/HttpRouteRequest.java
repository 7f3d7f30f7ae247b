package io.tunnelstore.server.http;

import java.util.Map;
import java.util.Objects;

/**
 * A request to a non-API route.
 *
 * @param method  upper-case HTTP method
 * @param path    the path without the query string
 * @param query   the raw query string without {@code ?} (empty when absent)
 * @param headers header names lowercased
 * @param body    the request body (empty for GET)
 * @param remoteAddress the client's IP address as the socket sees it; empty when unknown
 */
public record HttpRouteRequest(String method, String path, String query, Map<String, String> headers, byte[] body,
                               String remoteAddress) {
    public HttpRouteRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(query, "query");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
    }

    /** A request whose client address is unknown (tests, in-process callers). */
    public HttpRouteRequest(String method, String path, String query, Map<String, String> headers, byte[] body) {
        this(method, path, query, headers, body, "");
    }
}
