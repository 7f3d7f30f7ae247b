/**
 * The server's view of a cluster of nodes sharing one storage engine (docs/scale-out.md): {@link
 * io.tunnelstore.server.cluster.ClusterPlacement} (who owns a partition, a tunnel, the catalog; fenced writes;
 * ownership and catalog listeners), its single-node default, and the resource names. No ZooKeeper, Curator or HBase
 * type appears here: the launcher adapts the cluster module's {@code ClusterNode} to this interface.
 */
package io.tunnelstore.server.cluster;
