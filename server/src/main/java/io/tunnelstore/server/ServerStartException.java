package io.tunnelstore.server;

/**
 * {@link TunnelstoreServer#start()} failed; the message is meant for the operator (for example "Cannot start
 * Tunnelstore: data directory ./data is in use by another Tunnelstore process"). Everything opened so far has been
 * closed again.
 */
public class ServerStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ServerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
