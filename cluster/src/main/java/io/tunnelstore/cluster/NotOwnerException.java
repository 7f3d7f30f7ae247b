package io.tunnelstore.cluster;

import java.util.Optional;

/** A write for a resource this node does not own; nothing was written. The request belongs on {@link #owner()}. */
public final class NotOwnerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String resource;
    private final transient Optional<String> owner;

    public NotOwnerException(String resource, Optional<String> owner) {
        super(resource + " is not owned by this node" + owner.map(o -> " (owner: " + o + ")").orElse(" (no owner)"));
        this.resource = resource;
        this.owner = owner;
    }

    public String resource() {
        return resource;
    }

    /** The owner in this node's view, if any. */
    public Optional<String> owner() {
        return owner == null ? Optional.empty() : owner;
    }
}
