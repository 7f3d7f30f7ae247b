package io.tunnelstore.client.internal;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The endpoints of one client and the one its calls currently use (the first, until it cannot be reached).
 *
 * <p>Every node of a cluster answers every request, so there is no better or worse node: the client stays on the
 * current one while it answers and moves on to the next one in the list (round) when an attempt on it got no answer.
 * Thread-safe: concurrent calls that see the same node fail move the client on by one node, not one node per call
 * ({@link #failed} only moves on from the node the failed attempt used).
 */
public final class EndpointList {

    private final List<URI> endpoints;
    private final AtomicInteger current = new AtomicInteger();

    public EndpointList(List<URI> endpoints) {
        this.endpoints = List.copyOf(Objects.requireNonNull(endpoints, "endpoints"));
        if (this.endpoints.isEmpty()) {
            throw new IllegalArgumentException("no endpoint");
        }
    }

    /** How many endpoints; failover is off with one. */
    public int size() {
        return endpoints.size();
    }

    /** The index of the endpoint new attempts use. */
    public int current() {
        return current.get();
    }

    public URI get(int index) {
        return endpoints.get(index);
    }

    /**
     * An attempt on endpoint {@code index} got no answer: new attempts use the next endpoint, unless another
     * failure already moved the client on from {@code index}.
     *
     * @return the index new attempts use now
     */
    public int failed(int index) {
        int next = (index + 1) % endpoints.size();
        current.compareAndSet(index, next);
        return current.get();
    }
}
