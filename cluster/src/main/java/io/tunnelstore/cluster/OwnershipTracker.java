package io.tunnelstore.cluster;

import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a set of resources (e.g. every tunnel of the instance) split into "mine" and "not mine" as ownership moves, and
 * tells a handler what this node acquired and released, so that it can start and stop what runs on the owner (a
 * tunnel's coordinator). Recomputed whenever the cluster changes ({@link ClusterNode#addListener}) and on
 * {@link #refresh()} (e.g. after a tunnel was created).
 *
 * <p>The handler is called on one thread of the tracker's own, one call at a time, releases before acquisitions, never
 * on Curator's event thread. Acquiring here is a claim of the assignment only: the resource's state must still be
 * written through {@link ClusterNode#writeMeta} (fenced), since a node's view can lag behind.
 */
public final class OwnershipTracker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OwnershipTracker.class);

    /** What this node acquired and released. */
    public interface Handler {
        void acquired(String resource);

        void released(String resource);
    }

    private final ClusterNode node;
    private final Supplier<? extends Collection<String>> resources;
    private final Handler handler;
    private final ExecutorService executor;
    /** Only touched on the executor. */
    private final Set<String> owned = new HashSet<>();

    /**
     * @param resources the resources to track (e.g. {@code OwnedResources.tunnel(id)} of every tunnel), asked anew
     *                  at each refresh
     */
    public OwnershipTracker(ClusterNode node, Supplier<? extends Collection<String>> resources, Handler handler) {
        this.node = Objects.requireNonNull(node, "node");
        this.resources = Objects.requireNonNull(resources, "resources");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ownership-" + node.nodeId());
            t.setDaemon(true);
            return t;
        });
        node.addListener(this::refresh);
        refresh();
    }

    /** Recomputes what this node owns (asynchronously, on the tracker's thread). */
    public void refresh() {
        if (!executor.isShutdown()) {
            executor.execute(this::recompute);
        }
    }

    private void recompute() {
        Set<String> now = new TreeSet<>();
        for (String r : resources.get()) {
            if (node.isOwner(r)) {
                now.add(r);
            }
        }
        for (String r : new TreeSet<>(owned)) {
            if (!now.contains(r)) {
                owned.remove(r);
                call(() -> handler.released(r), r);
            }
        }
        for (String r : now) {
            if (owned.add(r)) {
                call(() -> handler.acquired(r), r);
            }
        }
    }

    private static void call(Runnable r, String resource) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("The ownership handler failed for {}", resource, e);
        }
    }

    /** Stops tracking; the handler is not told to release what this node owned (the node is leaving anyway). */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
