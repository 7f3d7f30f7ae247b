package io.tunnelstore.server.tunnel;

import io.tunnelstore.server.cluster.ClusterPlacement;
import io.tunnelstore.server.cluster.ClusterResources;
import io.tunnelstore.storage.FencedException;
import io.tunnelstore.storage.MetaBatch;
import java.util.Objects;

/**
 * {@link TunnelOwnership} over the server's {@link ClusterPlacement}: a tunnel runs on the owner of
 * {@code tunnel/<id>} and its state is written with the placement's fenced meta write of that resource; a new tunnel
 * is written by the catalog owner under the catalog's fence. Thread-safe.
 */
final class PlacementOwnership implements TunnelOwnership {
    private final ClusterPlacement placement;

    PlacementOwnership(ClusterPlacement placement) {
        this.placement = Objects.requireNonNull(placement, "placement");
    }

    @Override
    public boolean owns(String tunnelId) {
        return placement.isLocal(ClusterResources.tunnel(tunnelId));
    }

    /**
     * An empty fenced write: the placement takes the tunnel's epoch when this node holds none (the cluster's node
     * drops what it held once ownership moved away, so a node that acquires a tunnel always takes a new epoch, which
     * fences every earlier owner before the state is read). An engine may skip an empty write without checking a
     * held epoch; a stale one is then found by the first real write, which is refused and unloads the tunnel.
     */
    @Override
    public void claim(String tunnelId) {
        String resource = ClusterResources.tunnel(tunnelId);
        try {
            placement.writeMeta(resource, new MetaBatch());
        } catch (FencedException stale) {
            placement.writeMeta(resource, new MetaBatch()); // the stale epoch was dropped: this takes a new one
        }
    }

    @Override
    public void writeMeta(String tunnelId, MetaBatch batch) {
        placement.writeMeta(ClusterResources.tunnel(tunnelId), batch);
    }

    @Override
    public void writeNewTunnel(String tunnelId, MetaBatch batch) {
        placement.writeMeta(ClusterResources.catalog(), batch);
    }

    @Override
    public void announceChange() {
        placement.announceCatalogChange();
    }

    @Override
    public boolean clustered() {
        return placement.clustered();
    }

    @Override
    public boolean ownsCatalog() {
        return placement.isLocal(ClusterResources.catalog());
    }
}
