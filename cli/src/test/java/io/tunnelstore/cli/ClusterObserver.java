package io.tunnelstore.cli;

import io.tunnelstore.cluster.RendezvousAssignment;
import io.tunnelstore.server.cluster.ClusterResources;
import io.tunnelstore.server.table.TableCatalog;
import io.tunnelstore.server.table.TableDescriptor;
import io.tunnelstore.storage.OwnershipFencing;
import io.tunnelstore.storage.OwnershipFencing.OwnerEpoch;
import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.hbase.HBaseEngines;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;

/**
 * What a process-level test sees of a running cluster's state, from outside its nodes: the live members (the
 * ephemeral znodes under {@code /tunnelstore/<instance>/members} on HBase's ZooKeeper — a node's lease), the owner
 * the rendezvous assignment gives a resource over them, and the ownership epochs stored in HBase (who took a
 * partition or a tunnel last, and under which epoch). Read-only: it never joins, takes or writes anything.
 */
final class ClusterObserver implements AutoCloseable {
    /** The HBase table of the harness's nodes (the default), which is also their cluster instance name. */
    private static final String HBASE_TABLE = HBaseEngines.DEFAULT_TABLE;

    private final CuratorFramework zookeeper;
    private final StorageEngine engine;
    private final OwnershipFencing fencing;

    ClusterObserver(String quorum) throws InterruptedException {
        zookeeper = CuratorFrameworkFactory.newClient(quorum, new ExponentialBackoffRetry(200, 5));
        zookeeper.start();
        zookeeper.blockUntilConnected();
        engine = HBaseEngines.open(quorum, HBASE_TABLE, StorageOptions.defaults(), Map.of());
        fencing = engine.fencing().orElseThrow();
    }

    /** The node ids whose member znode exists now: the nodes holding a lease. */
    Set<String> members() {
        try {
            return new TreeSet<>(zookeeper.getChildren().forPath("/tunnelstore/" + HBASE_TABLE + "/members"));
        } catch (KeeperException.NoNodeException e) {
            return Set.of();
        } catch (Exception e) {
            throw new IllegalStateException("cannot list the cluster's members", e);
        }
    }

    /** The node the assignment gives {@code resource} to over the current members. */
    Optional<String> assignedOwner(String resource) {
        return RendezvousAssignment.ownerOf(resource, members());
    }

    /** The resource's stored epoch and the node that took it (a tunnel: {@link ClusterResources#tunnel}). */
    Optional<OwnerEpoch> holder(String resource) {
        return fencing.currentResource(resource);
    }

    /** The stored epoch of a partition and the node that took it. */
    Optional<OwnerEpoch> holder(PartitionRef partition) {
        return fencing.current(partition.tableId(), partition.shardId());
    }

    /** The open partitions of table {@code table} of instance {@code instance}, as stored in the catalog now. */
    List<PartitionRef> partitions(String instance, String table) {
        TableDescriptor descriptor = new TableCatalog(engine).find(instance, table)
                .orElseThrow(() -> new IllegalStateException("no table " + table));
        return descriptor.partitions().stream().map(p -> new PartitionRef(descriptor.tableId(), p.shardId())).toList();
    }

    /** A table partition, named as the cluster names it. */
    record PartitionRef(long tableId, long shardId) {
        String resource() {
            return ClusterResources.partition(tableId, shardId);
        }
    }

    @Override
    public void close() {
        engine.close();
        zookeeper.close();
    }
}
