package io.tunnelstore.server.cluster;

import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.OwnershipFencing;
import io.tunnelstore.storage.StorageEngine;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A clustered placement for server tests, scripted by the test: the resources {@link #local} says are this node's
 * (default: all), every other one owned by {@link #remoteNode} at {@link #remote}; writes go to the node's own engine
 * (unfenced, as {@link SingleNodePlacement}). Catalog announcements reach the placements on a shared {@code bus}
 * (default: none) unless a node is {@link #muted}. Override {@link #leave} / {@link #close} to observe a stop.
 */
public class ScriptedPlacement implements ClusterPlacement {
    private final String nodeId;
    private final StorageEngine storage;
    private final SingleNodePlacement writes;
    private final List<ScriptedPlacement> bus;
    private final List<Runnable> catalogListeners = new CopyOnWriteArrayList<>();
    /** Which resources this node owns. */
    public volatile Predicate<String> local = r -> true;
    /** The node id of the owner of every other resource. */
    public volatile String remoteNode = "other";
    /** The address of the owner of every other resource. */
    public volatile Supplier<String> remote = () -> "";
    /** How long this node's storage writes take (a slow owner); zero: as fast as the engine. */
    public volatile Duration writeDelay = Duration.ZERO;
    /** Whether this node misses the announcements on its bus. */
    public volatile boolean muted;

    /** A node that hears no announcements. */
    public ScriptedPlacement(String nodeId, StorageEngine storage) {
        this(nodeId, storage, new CopyOnWriteArrayList<>());
    }

    /** A node that joins {@code bus}: every announcement on it runs the catalog listeners of its unmuted nodes. */
    public ScriptedPlacement(String nodeId, StorageEngine storage, List<ScriptedPlacement> bus) {
        this.nodeId = nodeId;
        this.storage = storage;
        this.writes = new SingleNodePlacement(storage);
        this.bus = bus;
        bus.add(this);
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public boolean clustered() {
        return true;
    }

    @Override
    public Optional<Owner> ownerOf(String resource) {
        return Optional.of(local.test(resource) ? new Owner(nodeId, "", true)
                : new Owner(remoteNode, remote.get(), false));
    }

    @Override
    public OwnershipFencing.FencedWrites rowWrites(long tableId, Set<Long> partitions) {
        slowDown();
        for (long p : partitions) {
            if (!local.test(ClusterResources.partition(tableId, p))) {
                throw NotOwnerException.of(ClusterResources.partition(tableId, p));
            }
        }
        return writes.rowWrites(tableId, partitions);
    }

    @Override
    public void writeMeta(String resource, MetaBatch batch) {
        slowDown();
        storage.writeMeta(batch);
    }

    /** The slow owner of {@link #writeDelay}: its writes really take that long (this is the scenario). */
    private void slowDown() {
        long millis = writeDelay.toMillis();
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void addOwnershipListener(Runnable listener) {
    }

    @Override
    public void addCatalogListener(Runnable listener) {
        catalogListeners.add(listener);
    }

    @Override
    public void announceCatalogChange() {
        for (ScriptedPlacement node : bus) {
            if (!node.muted) {
                node.catalogListeners.forEach(Runnable::run);
            }
        }
    }

    @Override
    public void close() {
    }
}
