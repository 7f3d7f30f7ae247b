package io.tunnelstore.cli;

import io.tunnelstore.cluster.ClusterNode;
import io.tunnelstore.server.cluster.ClusterPlacement;
import io.tunnelstore.server.cluster.NotOwnerException;
import io.tunnelstore.storage.FencedException;
import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.MutationResult;
import io.tunnelstore.storage.OwnershipFencing;
import io.tunnelstore.storage.RowBatchEntry;
import io.tunnelstore.storage.RowBatchOutcome;
import io.tunnelstore.storage.RowDecider;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's {@link ClusterPlacement} over the cluster module's {@link ClusterNode} (Curator membership, rendezvous
 * assignment, ownership epochs in the shared engine): the launcher's glue, so that the server never sees ZooKeeper,
 * Curator or HBase (architecture's LayeringTest). Resource names are passed through unchanged (the server's
 * {@code ClusterResources} and the cluster's {@code OwnedResources} name alike).
 *
 * <p>Listeners run on a thread of this adapter (never Curator's event thread), one at a time, so they may read the
 * storage (a catalog reload). Thread-safe.
 */
final class ClusterNodePlacement implements ClusterPlacement {
    private static final Logger log = LoggerFactory.getLogger(ClusterNodePlacement.class);

    private final ClusterNode node;
    private final OwnershipFencing fencing;
    private final ExecutorService listenerThread;

    ClusterNodePlacement(ClusterNode node, OwnershipFencing fencing) {
        this.node = Objects.requireNonNull(node, "node");
        this.fencing = Objects.requireNonNull(fencing, "fencing");
        this.listenerThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cluster-listeners-" + node.nodeId());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String nodeId() {
        return node.nodeId();
    }

    @Override
    public boolean clustered() {
        return true;
    }

    @Override
    public Optional<Owner> ownerOf(String resource) {
        Map<String, String> members = node.members();
        return node.ownerOf(resource).map(id -> new Owner(id, members.getOrDefault(id, ""),
                id.equals(node.nodeId()) && node.isOwner(resource)));
    }

    @Override
    public boolean isLocal(String resource) {
        return node.isOwner(resource);
    }

    @Override
    public OwnershipFencing.FencedWrites rowWrites(long tableId, Set<Long> partitions) {
        Map<Long, Long> epochs = new HashMap<>();
        for (long partition : partitions) {
            OptionalLong epoch = node.partitionEpoch(tableId, partition);
            if (epoch.isEmpty()) {
                throw NotOwnerException.of(io.tunnelstore.server.cluster.ClusterResources.partition(tableId,
                        partition));
            }
            epochs.put(partition, epoch.getAsLong());
        }
        OwnershipFencing.FencedWrites writes = fencing.writes(tableId, epochs);
        return new OwnershipFencing.FencedWrites() {
            @Override
            public <T> MutationResult<T> mutateRow(byte[] rowKey, RowDecider<T> decider) {
                return reportingFence(() -> writes.mutateRow(rowKey, decider));
            }

            @Override
            public <T> List<RowBatchOutcome<T>> mutateRows(List<RowBatchEntry<T>> entries) {
                return reportingFence(() -> writes.mutateRows(entries));
            }
        };
    }

    /** Runs a fenced write; a refusal drops the stale epoch (the next write asks the view again). */
    private <T> T reportingFence(Supplier<T> write) {
        try {
            return write.get();
        } catch (FencedException e) {
            node.fenced(e);
            throw e;
        }
    }

    @Override
    public void writeMeta(String resource, MetaBatch batch) {
        try {
            node.writeMeta(resource, batch);
        } catch (io.tunnelstore.cluster.NotOwnerException e) {
            throw new NotOwnerException(resource, e.getMessage());
        }
    }

    @Override
    public void addOwnershipListener(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        node.addListener(() -> runLater(listener));
    }

    @Override
    public void addCatalogListener(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        node.addCatalogListener(version -> runLater(listener));
    }

    private void runLater(Runnable listener) {
        if (listenerThread.isShutdown()) {
            return;
        }
        try {
            listenerThread.execute(() -> {
                try {
                    listener.run();
                } catch (RuntimeException e) {
                    log.warn("A cluster listener failed", e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: the node is leaving, nothing to tell
        }
    }

    @Override
    public void announceCatalogChange() {
        node.announceCatalogChange();
    }

    @Override
    public void leave() {
        try {
            node.leave();
        } catch (RuntimeException e) {
            log.warn("Handing over before the stop failed; the others take over when the session ends", e);
        }
    }

    @Override
    public void close() {
        listenerThread.shutdownNow();
        node.close();
    }
}
