package io.tunnelstore.storage;

/**
 * A failure of the storage engine: the data directory is in use or unreadable, the engine is closed or failed, or
 * the underlying store reported an I/O or corruption error. The message says what was being done; the cause, when
 * there is one, is the engine's own exception.
 *
 * <p>Callers should treat it as a server-side error (the request may be retried after the operator fixed the cause);
 * it never means the request itself was invalid (that is {@link IllegalArgumentException}).
 */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
