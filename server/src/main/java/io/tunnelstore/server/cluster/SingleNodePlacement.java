package io.tunnelstore.server.cluster;

import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.MutationResult;
import io.tunnelstore.storage.OwnershipFencing;
import io.tunnelstore.storage.RowBatchEntry;
import io.tunnelstore.storage.RowBatchOutcome;
import io.tunnelstore.storage.RowDecider;
import io.tunnelstore.storage.StorageEngine;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The default placement: one node, everything local, the engine's plain (unfenced) writes. With it a server behaves
 * exactly as before clustering existed (RocksDB has a single writer by its directory lock).
 */
public final class SingleNodePlacement implements ClusterPlacement {
    /** The node id of a server that is not part of a cluster. */
    public static final String NODE_ID = "local";

    private final StorageEngine storage;
    private final Owner self = new Owner(NODE_ID, "", true);
    private final List<Runnable> catalogListeners = new CopyOnWriteArrayList<>();

    public SingleNodePlacement(StorageEngine storage) {
        this.storage = Objects.requireNonNull(storage, "storage");
    }

    @Override
    public String nodeId() {
        return NODE_ID;
    }

    @Override
    public boolean clustered() {
        return false;
    }

    @Override
    public Optional<Owner> ownerOf(String resource) {
        return Optional.of(self);
    }

    @Override
    public OwnershipFencing.FencedWrites rowWrites(long tableId, Set<Long> partitions) {
        return new OwnershipFencing.FencedWrites() {
            @Override
            public <T> MutationResult<T> mutateRow(byte[] rowKey, RowDecider<T> decider) {
                return storage.mutateRow(tableId, rowKey, decider);
            }

            @Override
            public <T> List<RowBatchOutcome<T>> mutateRows(List<RowBatchEntry<T>> entries) {
                return storage.mutateRows(tableId, entries);
            }
        };
    }

    @Override
    public void writeMeta(String resource, MetaBatch batch) {
        storage.writeMeta(batch);
    }

    @Override
    public void addOwnershipListener(Runnable listener) {
        Objects.requireNonNull(listener, "listener"); // ownership never moves on a single node
    }

    @Override
    public void addCatalogListener(Runnable listener) {
        catalogListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void announceCatalogChange() {
        catalogListeners.forEach(Runnable::run);
    }

    @Override
    public void close() {
        // nothing to leave
    }
}
