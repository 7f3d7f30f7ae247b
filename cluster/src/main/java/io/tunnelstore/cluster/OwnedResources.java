package io.tunnelstore.cluster;

/** Names of the resources nodes own (docs/scale-out.md, "Who owns what"); the names are the assignment's input. */
public final class OwnedResources {

    private OwnedResources() {}

    /** A table partition, named by its table id and its change-log shard id. */
    public static String partition(long tableId, long partitionId) {
        return "partition/" + tableId + "/" + partitionId;
    }

    /** A tunnel: its coordinator runs on the owner. */
    public static String tunnel(String tunnelId) {
        return "tunnel/" + tunnelId;
    }

    /** The catalog of the instance (table creation, drop, split). */
    public static String catalog() {
        return "catalog";
    }
}
