package io.tunnelstore.server.cluster;

import io.tunnelstore.storage.FencedException;
import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.OwnershipFencing;
import java.util.Optional;
import java.util.Set;

/**
 * Where things run when several nodes share one storage engine (docs/scale-out.md): which node owns a partition, a
 * tunnel or the catalog, and the fenced writes an owner must use. The server sees the cluster only through this
 * interface (no ZooKeeper, Curator or HBase type: {@code LayeringTest}); the launcher hands it an adapter over the
 * cluster module's {@code ClusterNode}, or leaves the {@link SingleNodePlacement} default (everything local, plain
 * engine writes), with which a RocksDB server behaves exactly as a server without a cluster.
 *
 * <p>Resources are named by {@link ClusterResources} ({@code partition/<table>/<shard>}, {@code tunnel/<id>},
 * {@code catalog}); the names are the same as the cluster module's, so an adapter passes them through.
 *
 * <p>Safety never rests on this node's view being current: an owner's writes go through {@link #rowWrites} and
 * {@link #writeMeta}, which the engine refuses as a whole ({@link FencedException}) once another node took the
 * resource. The view only decides where a request is sent.
 *
 * <p>Thread-safe. Owned by the server ({@link #close} at server shutdown, after the modules).
 */
public interface ClusterPlacement extends AutoCloseable {

    /**
     * The owner of a resource in this node's current view.
     *
     * @param nodeId  the owner's node id
     * @param address where the owner answers forwarded requests ({@code host:port}, the owner's client port)
     * @param local   whether this node is the owner and may write the resource now (connected, a member, chosen)
     */
    record Owner(String nodeId, String address, boolean local) {}

    /** This node's id (sent in {@code x-tunnelstore-forwarded-by}). */
    String nodeId();

    /** Whether several nodes may share the storage (false: the single-node default, where everything is local). */
    boolean clustered();

    /**
     * The owner of {@code resource} (see {@link ClusterResources}) in this node's view; empty when there is none
     * (no live member, e.g. this node is cut off from the cluster).
     */
    Optional<Owner> ownerOf(String resource);

    /** Whether this node owns {@code resource} now (shorthand for {@code ownerOf(resource)} being local). */
    default boolean isLocal(String resource) {
        return ownerOf(resource).map(Owner::local).orElse(false);
    }

    /** The owner of partition {@code shardId} of table {@code tableId}. */
    default Optional<Owner> partitionOwner(long tableId, long shardId) {
        return ownerOf(ClusterResources.partition(tableId, shardId));
    }

    /** The owner of a tunnel (where its coordinator runs). */
    default Optional<Owner> tunnelOwner(String tunnelId) {
        return ownerOf(ClusterResources.tunnel(tunnelId));
    }

    /** The owner of the catalog (where tables are created, dropped, altered and split). */
    default Optional<Owner> catalogOwner() {
        return ownerOf(ClusterResources.catalog());
    }

    /**
     * Row writes of table {@code tableId} that commit only while this node still owns every partition (change-log
     * shard id) of {@code partitions}: same contract as the engine's {@code mutateRow}/{@code mutateRows}, plus
     * {@link FencedException} (nothing written) when another node took one meanwhile; the stale epoch is then dropped
     * by the implementation, so the next call reflects the new owner. Every change record the deciders produce must
     * belong to one of {@code partitions}. Single node: the engine's plain writes.
     *
     * @throws NotOwnerException when this node does not own one of the partitions (nothing written)
     */
    OwnershipFencing.FencedWrites rowWrites(long tableId, Set<Long> partitions);

    /**
     * Writes metadata of a resource this node owns (a tunnel's state, the catalog) in one atomic write conditioned on
     * its ownership epoch. Single node: the engine's plain {@code writeMeta}.
     *
     * @throws NotOwnerException when this node does not own {@code resource} (nothing written)
     * @throws FencedException   when another node took it meanwhile (nothing written; the stale epoch is dropped)
     */
    void writeMeta(String resource, MetaBatch batch);

    /**
     * Registers a listener called whenever ownership may have moved: members joined or left, this node's connection
     * changed. Listeners run one at a time on a thread of the placement's own (never ZooKeeper's event thread): they
     * may read the storage, but a long wait delays the other listeners. Single node: never called.
     */
    void addOwnershipListener(Runnable listener);

    /**
     * Registers a listener called when some node {@linkplain #announceCatalogChange announced} a catalog change (this
     * one included) and after a reconnection (announcements may have been missed): reload the catalog. Same thread
     * rules as {@link #addOwnershipListener}. Single node: called by {@link #announceCatalogChange} only, on the
     * announcing thread.
     */
    void addCatalogListener(Runnable listener);

    /** Tells every node that the catalog changed (after the change is stored), so that each reloads its cache. */
    void announceCatalogChange();

    /**
     * Tells every node that access keys changed (after the change is stored), so that each reloads its credentials.
     * Default: shares the catalog's announcement ({@link #announceCatalogChange}); key changes are rare, and a catalog
     * reload is one metadata scan. Single node: never called (its credential store is the only writer).
     */
    default void announceCredentialChange() {
        announceCatalogChange();
    }

    /**
     * Registers a listener called when some node {@linkplain #announceCredentialChange announced} a key change and
     * after a reconnection: reload the credentials. Same thread rules as {@link #addCatalogListener}, whose
     * announcements it shares by default.
     */
    default void addCredentialListener(Runnable listener) {
        addCatalogListener(listener);
    }

    /**
     * First step of a planned stop: hands every partition, tunnel and the catalog over to the other nodes now, and
     * owns nothing from here on, while still answering (requests that arrive are forwarded to the new owners) until
     * {@link #close}. Never throws. Default (single node): nothing.
     */
    default void leave() {
    }

    /** Leaves the cluster (the others take over at once). Never throws. Single node: nothing. */
    @Override
    void close();
}
