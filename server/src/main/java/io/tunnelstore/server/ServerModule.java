package io.tunnelstore.server;

import io.tunnelstore.server.http.OperationRegistry;

/**
 * A pluggable part of the server (table API, tunnel service, metrics...). Created by a factory given to
 * {@link TunnelstoreServer.Builder#module} once the {@link ServerContext} exists, during
 * {@link TunnelstoreServer#start()}.
 *
 * <p>Lifecycle: the factory runs, then {@link #register} (once, before the server accepts connections), then, at
 * server shutdown (after the listener stopped, before the storage engine closes, in reverse creation order),
 * {@link #close()}. An exception from the factory or {@code register} aborts the start.
 */
public interface ServerModule extends AutoCloseable {

    /** Registers the module's operation handlers and HTTP routes. */
    void register(OperationRegistry registry);

    /** Releases the module's resources; must not throw checked exceptions. Default: nothing to release. */
    @Override
    default void close() {}
}
