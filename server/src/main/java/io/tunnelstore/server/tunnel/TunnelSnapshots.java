package io.tunnelstore.server.tunnel;

import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageSnapshot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage snapshots the Tunnel Service reads from: a tunnel's base snapshot (taken at CreateTunnel, read by its
 * base channels, its change-log positions are the stream start) and re-baseline snapshots of stream channels that
 * fell behind retention. Snapshots are durable storage objects ({@link StorageEngine#createSnapshot}); a tunnel
 * refers to them by id in its definition or in a channel's checkpoint token, so they survive a restart.
 *
 * <p>Garbage collection ({@link #dropUnreferenced}): a snapshot no tunnel refers to any more — base phase done,
 * re-baseline read and checkpointed past, tunnel expired or deleted — is dropped, so it stops retaining old
 * storage files. A snapshot being created is "pinned" until the tunnel that refers to it has saved the reference.
 *
 * <p>Thread-safe.
 */
final class TunnelSnapshots {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelSnapshots.class);

    private final StorageEngine storage;
    private final Set<String> pinned = ConcurrentHashMap.newKeySet();

    TunnelSnapshots(StorageEngine storage) {
        this.storage = storage;
    }

    /** Whether the engine can take snapshots (otherwise base channels read the live table). */
    boolean available() {
        return storage.supportsSnapshots();
    }

    /** Takes a snapshot and pins it; the caller {@link #unpin}s it once a saved tunnel state refers to it. */
    StorageSnapshot createPinned(String id) {
        pinned.add(id);
        try {
            return storage.createSnapshot(id);
        } catch (RuntimeException e) {
            pinned.remove(id);
            throw e;
        }
    }

    /** Pins an existing snapshot (a tunnel about to be created refers to it, e.g. a fork); {@link #unpin} after. */
    void pin(String id) {
        pinned.add(id);
    }

    void unpin(String id) {
        pinned.remove(id);
    }

    Optional<StorageSnapshot> find(String id) {
        return storage.snapshot(id);
    }

    /**
     * Drops every stored snapshot that is neither pinned nor referred to by a tunnel.
     *
     * @param tunnels    the live tunnels (read after the snapshot ids are listed, so a snapshot unpinned in between
     *                   belongs to a tunnel that is already registered)
     * @param references the ids a tunnel refers to, computed on its queue
     * @return the dropped ids
     */
    CompletionStage<List<String>> dropUnreferenced(
            java.util.function.Supplier<Collection<TunnelRuntime>> tunnels,
            Function<TunnelRuntime, CompletionStage<Set<String>>> references) {
        return dropUnreferenced(tunnels, references, Long.MAX_VALUE);
    }

    /**
     * As {@link #dropUnreferenced(java.util.function.Supplier, Function)}, considering only snapshots taken before
     * {@code takenBeforeMillis}: in a cluster a snapshot being created on another node is pinned only there, so the
     * collector leaves young snapshots alone. {@code tunnels} may return null: a tunnel could not be read, keep all.
     */
    CompletionStage<List<String>> dropUnreferenced(
            java.util.function.Supplier<Collection<TunnelRuntime>> tunnels,
            Function<TunnelRuntime, CompletionStage<Set<String>>> references, long takenBeforeMillis) {
        if (!available()) {
            return CompletableFuture.completedFuture(List.of());
        }
        Set<String> candidates = new HashSet<>(storage.snapshotIds());
        candidates.removeAll(pinned);
        if (takenBeforeMillis != Long.MAX_VALUE) {
            candidates.removeIf(id -> storage.snapshot(id)
                    .map(s -> s.createdAtMillis() >= takenBeforeMillis).orElse(true));
        }
        if (candidates.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        Collection<TunnelRuntime> live = tunnels.get();
        if (live == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<CompletableFuture<Set<String>>> refs = new ArrayList<>();
        for (TunnelRuntime rt : live) {
            refs.add(references.apply(rt).toCompletableFuture()
                    // a deleted tunnel refers to nothing; any other failure keeps everything (safe side)
                    .exceptionally(e -> rt.deleted() ? Set.of() : null));
        }
        return CompletableFuture.allOf(refs.toArray(CompletableFuture[]::new)).thenApply(v -> {
            for (CompletableFuture<Set<String>> r : refs) {
                Set<String> ids = r.join();
                if (ids == null) {
                    return List.<String>of();
                }
                candidates.removeAll(ids);
            }
            candidates.removeAll(pinned);
            List<String> dropped = new ArrayList<>();
            for (String id : candidates.stream().sorted().toList()) {
                try {
                    storage.dropSnapshot(id);
                    dropped.add(id);
                } catch (RuntimeException e) {
                    LOG.warn("Could not drop unused snapshot {}", id, e);
                }
            }
            if (!dropped.isEmpty()) {
                LOG.info("Dropped snapshot(s) no tunnel needs any more: {}", dropped);
            }
            return dropped;
        });
    }
}
