package io.tunnelstore.server.cluster;

/**
 * Names of the resources nodes own (docs/scale-out.md, "Who owns what"). Identical to the cluster module's
 * {@code OwnedResources}, whose assignment takes them as input, so an adapter passes them through unchanged.
 */
public final class ClusterResources {

    private ClusterResources() {}

    /** A table partition, named by its table id and its change-log shard id. */
    public static String partition(long tableId, long shardId) {
        return "partition/" + tableId + "/" + shardId;
    }

    /** A tunnel: its coordinator runs on the owner. */
    public static String tunnel(String tunnelId) {
        return "tunnel/" + tunnelId;
    }

    /** The catalog of the instance (table creation, drop, alteration, split). */
    public static String catalog() {
        return "catalog";
    }
}
