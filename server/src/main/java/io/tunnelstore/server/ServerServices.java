package io.tunnelstore.server;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The typed services the modules of one server offer each other (for instance the tunnel service's in-process
 * views, read by metrics and the console). Replaces hand-wiring modules to each other from outside the server: a
 * module {@link #provide}s a service in its factory or {@code register}, another module {@link #find}s it when it
 * needs it — at call time, not at construction, so the order in which modules are added does not matter.
 *
 * <p>One instance per {@link TunnelstoreServer} (in its {@link ServerContext}); nothing is shared between servers.
 * Thread-safe.
 */
public final class ServerServices {

    private final Map<Class<?>, Object> services = new ConcurrentHashMap<>();

    /**
     * Offers {@code service} as the server's implementation of {@code type}.
     *
     * @throws IllegalStateException when another module already provides {@code type}
     */
    public <T> void provide(Class<T> type, T service) {
        Objects.requireNonNull(type, "type");
        Object previous = services.putIfAbsent(type, type.cast(Objects.requireNonNull(service, "service")));
        if (previous != null) {
            throw new IllegalStateException("a " + type.getName() + " is already provided by " + previous);
        }
    }

    /** The service provided for {@code type}, or empty when no module of this server provides it. */
    public <T> Optional<T> find(Class<T> type) {
        return Optional.ofNullable(type.cast(services.get(Objects.requireNonNull(type, "type"))));
    }
}
