package io.tunnelstore.server.tunnel;

import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.StorageEngine;

/**
 * Which tunnels this node runs, and how their state is written (docs/scale-out.md, "Who owns what"). On one node
 * ({@link #single}) it runs every tunnel and writes straight to the engine. In a cluster, a tunnel's coordinator runs
 * only on the owner of its resource {@code tunnel/<id>}, and every write of its state is fenced by the epoch the
 * owner took: a deposed owner's write stores nothing and fails with {@link io.tunnelstore.storage.FencedException}.
 *
 * <p>Implementations are thread-safe.
 */
interface TunnelOwnership {

    /** Whether this node should run the tunnel's coordinator now (its view; the fence decides in the end). */
    boolean owns(String tunnelId);

    /**
     * Takes the tunnel's fence for this node before its state is read (so every earlier owner's later write is
     * refused and the state read is final).
     *
     * @throws RuntimeException when this node cannot take it (not the owner any more, storage unavailable)
     */
    void claim(String tunnelId);

    /** Writes the tunnel's metadata atomically, fenced by this node's epoch of the tunnel in a cluster. */
    void writeMeta(String tunnelId, MetaBatch batch);

    /**
     * Writes a new tunnel (its definition and initial state). In a cluster this runs on the catalog owner, which
     * serializes name uniqueness: the write is fenced by its catalog epoch.
     */
    void writeNewTunnel(String tunnelId, MetaBatch batch);

    /** Tells every node that tunnels were created or deleted (they re-read the definitions); nothing on one node. */
    void announceChange();

    /** Whether several nodes share the storage (then tunnels move between nodes). */
    boolean clustered();

    /**
     * Whether this node owns the catalog now (in a cluster, the one node that collects unused snapshots; a single
     * node always does).
     */
    default boolean ownsCatalog() {
        return !clustered();
    }

    /** One node: every tunnel is ours and writes go straight to the engine (single-node behaviour, unchanged). */
    static TunnelOwnership single(StorageEngine storage) {
        return new TunnelOwnership() {
            @Override
            public boolean owns(String tunnelId) {
                return true;
            }

            @Override
            public void claim(String tunnelId) {
                // a single writer holds the engine's directory lock: nothing to fence
            }

            @Override
            public void writeMeta(String tunnelId, MetaBatch batch) {
                storage.writeMeta(batch);
            }

            @Override
            public void writeNewTunnel(String tunnelId, MetaBatch batch) {
                storage.writeMeta(batch);
            }

            @Override
            public void announceChange() {
                // one node: its registry is the only one
            }

            @Override
            public boolean clustered() {
                return false;
            }
        };
    }
}
