package io.tunnelstore.server.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A complete HTTP response ready to be written: status, headers (in sending order) and body. The network layer adds
 * only {@code Content-Length} and {@code Connection}.
 */
public record OutboundResponse(int status, Map<String, String> headers, byte[] body) {
    public OutboundResponse {
        Objects.requireNonNull(body, "body");
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }
}
