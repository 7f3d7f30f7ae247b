package io.tunnelstore.server.http;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server-wide shares every connection draws from: open connections and request body bytes held in memory
 * ({@link ConnectionLimits#maxConnections()}, {@link ConnectionLimits#maxBufferedBodyBytes()}). One per listener;
 * thread-safe (the event loops of all connections use it).
 */
final class ConnectionBudget {

    private final ConnectionLimits limits;
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicLong bufferedBodyBytes = new AtomicLong();

    ConnectionBudget(ConnectionLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    ConnectionLimits limits() {
        return limits;
    }

    /** Counts a new connection; {@code false} (and nothing counted) when the cap is reached. */
    boolean tryOpenConnection() {
        while (true) {
            int current = openConnections.get();
            if (current >= limits.maxConnections()) {
                return false;
            }
            if (openConnections.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    void connectionClosed() {
        openConnections.decrementAndGet();
    }

    /** Reserves {@code bytes} of body memory; {@code false} (and nothing reserved) when that would exceed the cap. */
    boolean tryReserveBody(long bytes) {
        if (bytes <= 0) {
            return true;
        }
        while (true) {
            long current = bufferedBodyBytes.get();
            if (current + bytes > limits.maxBufferedBodyBytes()) {
                return false;
            }
            if (bufferedBodyBytes.compareAndSet(current, current + bytes)) {
                return true;
            }
        }
    }

    void releaseBody(long bytes) {
        if (bytes > 0) {
            bufferedBodyBytes.addAndGet(-bytes);
        }
    }

    int openConnections() {
        return openConnections.get();
    }

    long bufferedBodyBytes() {
        return bufferedBodyBytes.get();
    }
}
