package io.tunnelstore.server.http;

import java.time.Duration;
import java.util.Objects;

/**
 * How much of the server one client (or many) can tie up before it has proved who it is. See docs/security.md.
 *
 * @param maxConnections       open TCP connections at once; a connection above it is closed right after accept.
 *                             Default: {@value #DEFAULT_MAX_CONNECTIONS}
 * @param maxBufferedBodyBytes request body bytes held in memory across all connections (bodies being received,
 *                             queued or handled); a request that would go above it gets {@code 503 OTSServerBusy}
 *                             and its body is not kept. Must be at least the largest request body.
 *                             Default: 128 MiB
 * @param headerTimeout        from the first byte of a request to the end of its headers; a connection still sending
 *                             headers after that is closed (slowloris). Default: 20 s
 * @param bodyTimeout          from the end of the headers to the last body byte; a connection still sending the body
 *                             after that is closed. Default: 60 s
 * @param idleTimeout          how long a connection with no request in progress may stay silent before it is closed
 *                             (also a fresh connection that never sends anything). Default: 120 s
 */
public record ConnectionLimits(int maxConnections, long maxBufferedBodyBytes, Duration headerTimeout,
                               Duration bodyTimeout, Duration idleTimeout) {

    /** Default of {@link #maxConnections()}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 2048;

    /** The documented defaults. */
    public static final ConnectionLimits DEFAULTS = new ConnectionLimits(DEFAULT_MAX_CONNECTIONS, 128L << 20,
            Duration.ofSeconds(20), Duration.ofSeconds(60), Duration.ofSeconds(120));

    public ConnectionLimits {
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        Objects.requireNonNull(bodyTimeout, "bodyTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (maxConnections <= 0) {
            throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
        }
        if (maxBufferedBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBufferedBodyBytes must be positive: " + maxBufferedBodyBytes);
        }
        requirePositive("headerTimeout", headerTimeout);
        requirePositive("bodyTimeout", bodyTimeout);
        requirePositive("idleTimeout", idleTimeout);
    }

    public ConnectionLimits withMaxConnections(int value) {
        return new ConnectionLimits(value, maxBufferedBodyBytes, headerTimeout, bodyTimeout, idleTimeout);
    }

    public ConnectionLimits withMaxBufferedBodyBytes(long value) {
        return new ConnectionLimits(maxConnections, value, headerTimeout, bodyTimeout, idleTimeout);
    }

    public ConnectionLimits withHeaderTimeout(Duration value) {
        return new ConnectionLimits(maxConnections, maxBufferedBodyBytes, value, bodyTimeout, idleTimeout);
    }

    public ConnectionLimits withBodyTimeout(Duration value) {
        return new ConnectionLimits(maxConnections, maxBufferedBodyBytes, headerTimeout, value, idleTimeout);
    }

    public ConnectionLimits withIdleTimeout(Duration value) {
        return new ConnectionLimits(maxConnections, maxBufferedBodyBytes, headerTimeout, bodyTimeout, value);
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
