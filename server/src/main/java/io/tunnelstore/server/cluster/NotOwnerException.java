package io.tunnelstore.server.cluster;

/**
 * A write for a resource this node does not own; nothing was written. The dispatcher answers a forwarded request
 * with {@code 421} and {@code x-tunnelstore-not-owner} (the forwarder retries at the owner), and a client with
 * {@code 503 OTSServerUnavailable} (retriable by the SDKs).
 */
public final class NotOwnerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String resource;

    public NotOwnerException(String resource, String message) {
        super(message);
        this.resource = resource;
    }

    /** A write of {@code resource} on a node that does not own it. */
    public static NotOwnerException of(String resource) {
        return new NotOwnerException(resource, resource + " is not owned by this node");
    }

    /** The resource this node does not own. */
    public String resource() {
        return resource;
    }
}
