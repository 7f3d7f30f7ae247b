package io.tunnelstore.cluster;

import io.tunnelstore.storage.FencedException;
import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.OwnershipFencing;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.shared.SharedCount;
import org.apache.curator.framework.recipes.shared.SharedCountListener;
import org.apache.curator.framework.recipes.shared.SharedCountReader;
import org.apache.curator.framework.recipes.shared.VersionedValue;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Tunnelstore node's membership in a cluster, and what it owns (docs/scale-out.md).
 *
 * <p>Membership: Apache Curator on the cluster's ZooKeeper. The node announces itself with an ephemeral znode
 * ({@link PersistentNode}, re-created after a session loss) under {@code /tunnelstore/<instance>/members}, whose
 * payload is its advertised address, and watches the members with a {@link CuratorCache}. The ZooKeeper session is the
 * node's lease: when it ends (clean close, or expiry after the session timeout) the znode goes and the other nodes
 * take over.
 *
 * <p>Assignment: the owner of a resource is {@link RendezvousAssignment#ownerOf} over the live members. A node claims
 * nothing while its connection is suspended or lost (self-fencing, which only shortens the time a cut-off node keeps
 * answering as owner).
 *
 * <p>Fencing: to write a partition the owner {@linkplain #partitionEpoch takes} it in the storage engine
 * ({@link OwnershipFencing#take}) once, keeps the epoch while it stays owner, and writes through
 * {@link #partitionWrites}; a write refused because another node took the partition ({@link FencedException}) must be
 * reported with {@link #fenced} so that the stale epoch is dropped. Safety never depends on this node's view being
 * current: a deposed owner's commit is refused by the engine.
 *
 * <p>Thread-safe. One instance per node; nothing is static.
 */
public final class ClusterNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);

    private final ClusterSettings settings;
    private final OwnershipFencing fencing;
    private final CuratorFramework client;
    private final PersistentNode announcement;
    private final CuratorCache membersCache;
    private final String membersPath;
    /** Partitions this node took, with the epoch it took: (table id, partition id) to epoch. */
    private final Map<PartitionKey, Long> heldEpochs = new ConcurrentHashMap<>();
    /** Named resources (tunnels, the catalog) this node took, with their epochs. */
    private final Map<String, Long> heldResources = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /** The catalog's version: bumped by whoever changed the catalog, watched by every node. */
    private final SharedCount catalogVersion;
    private final List<IntConsumer> catalogListeners = new CopyOnWriteArrayList<>();
    /** False while the ZooKeeper connection is suspended or the session lost. */
    private volatile boolean connected = true;
    private volatile boolean closed;
    /** Set by {@link #leave}: this node owns nothing any more but still watches the members (to forward). */
    private volatile boolean left;

    private record PartitionKey(long tableId, long partitionId) {}

    private ClusterNode(ClusterSettings settings, OwnershipFencing fencing) {
        this.settings = settings;
        this.fencing = fencing;
        this.membersPath = settings.membersPath();
        this.client = CuratorFrameworkFactory.builder()
                .connectString(settings.zookeeper())
                .sessionTimeoutMs(Math.toIntExact(settings.sessionTimeout().toMillis()))
                .connectionTimeoutMs(Math.toIntExact(Math.min(settings.sessionTimeout().toMillis(), 15_000)))
                .retryPolicy(new ExponentialBackoffRetry(100, 29, 1_000))
                .build();
        this.announcement = new PersistentNode(client, CreateMode.EPHEMERAL, false,
                membersPath + "/" + settings.nodeId(), settings.advertisedAddress().getBytes(StandardCharsets.UTF_8));
        this.membersCache = CuratorCache.build(client, membersPath);
        this.catalogVersion = new SharedCount(client, settings.catalogVersionPath(), 0);
    }

    /**
     * Connects to ZooKeeper, announces this node and starts watching the members; returns once this node is a member.
     *
     * @param fencing the shared engine's ownership epochs (HBase: {@code engine.fencing()})
     * @throws IllegalStateException if ZooKeeper cannot be reached, or another live node uses the same node id, within
     *                               the connect timeout
     */
    public static ClusterNode join(ClusterSettings settings, OwnershipFencing fencing) {
        ClusterNode node = new ClusterNode(Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(fencing, "fencing"));
        try {
            node.start();
            return node;
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    private void start() {
        client.getConnectionStateListenable().addListener((c, state) -> connectionChanged(state));
        client.start();
        long timeoutMs = settings.connectTimeout().toMillis();
        try {
            if (!client.blockUntilConnected(Math.toIntExact(timeoutMs), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("cannot reach ZooKeeper at " + settings.zookeeper() + " within "
                        + settings.connectTimeout());
            }
            membersCache.listenable().addListener(CuratorCacheListener.builder()
                    .forAll((type, oldData, data) -> changed()).build());
            membersCache.start();
            catalogVersion.addListener(new SharedCountListener() {
                @Override
                public void countHasChanged(SharedCountReader reader, int newCount) {
                    catalogChanged(newCount);
                }

                @Override
                public void stateChanged(CuratorFramework c, ConnectionState state) {
                    // connection states are handled by the node's own listener
                }
            });
            catalogVersion.start();
            awaitIdFree(timeoutMs);
            announcement.start();
            if (!announcement.waitForInitialCreate(timeoutMs, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("node " + settings.nodeId() + " could not announce itself under "
                        + membersPath + " within " + settings.connectTimeout());
            }

        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while joining the cluster", e);
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot join the cluster on ZooKeeper " + settings.zookeeper() + ": "
                    + e.getMessage(), e);
        }
        log.info("Node {} joined instance {} on ZooKeeper {} (session timeout {} ms)", settings.nodeId(),
                settings.instance(), settings.zookeeper(), sessionTimeoutMillis());
    }

    /**
     * Waits until no other session holds this node's member znode: PersistentNode would adopt it, and two live nodes
     * under one id would both claim the same resources. A crashed predecessor's znode goes when its session expires
     * (within the session timeout), so a restarted node waits for it; a live one makes the join fail. (Two nodes
     * starting with the same id at the same instant are not told apart.)
     */
    private void awaitIdFree(long timeoutMs) throws Exception {
        String path = membersPath + "/" + settings.nodeId();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        long session = client.getZookeeperClient().getZooKeeper().getSessionId();
        while (true) {
            org.apache.zookeeper.data.Stat stat = client.checkExists().forPath(path);
            if (stat == null || stat.getEphemeralOwner() == session) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("node id " + settings.nodeId() + " is already used by another live "
                        + "node of instance " + settings.instance());
            }
            Thread.sleep(100);
        }
    }

    private void connectionChanged(ConnectionState state) {
        switch (state) {
            case SUSPENDED -> connected = false;
            case LOST -> {
                // the session expired: other nodes may own (and have taken) anything we held
                connected = false;
                heldEpochs.clear();
                heldResources.clear();
            }
            case CONNECTED -> connected = true;
            case RECONNECTED -> {
                connected = true;
                // announcements made while we were cut off may have been missed: reload in any case
                catalogChanged(catalogVersion.getCount());
            }
            default -> { }
        }
        log.info("Node {}: ZooKeeper connection {}", settings.nodeId(), state);
        changed();
    }

    private void changed() {
        dropWhatIsNoLongerMine();
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                log.warn("A cluster listener failed", e);
            }
        }
    }

    private void dropWhatIsNoLongerMine() {
        heldEpochs.keySet().removeIf(k -> !isOwner(OwnedResources.partition(k.tableId(), k.partitionId())));
        heldResources.keySet().removeIf(r -> !isOwner(r));
    }

    private void catalogChanged(int version) {
        for (IntConsumer listener : catalogListeners) {
            try {
                listener.accept(version);
            } catch (RuntimeException e) {
                log.warn("A catalog listener failed", e);
            }
        }
    }

    /**
     * Tells every node that the catalog changed (a table was created, dropped, altered or split): bumps the shared
     * catalog version; each node's catalog listeners then reload. Returns the new version.
     */
    public int announceCatalogChange() {
        try {
            while (true) {
                VersionedValue<Integer> current = catalogVersion.getVersionedValue();
                int next = current.getValue() + 1;
                if (catalogVersion.trySetCount(current, next)) {
                    return next;
                }
                // another node announced at the same time: bump again above it
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot announce a catalog change: " + e.getMessage(), e);
        }
    }

    /** The catalog version this node last saw. */
    public int catalogVersion() {
        return catalogVersion.getCount();
    }

    /**
     * Registers a listener called with the new version (on Curator's event thread; it must not block) when another
     * node (or this one) announced a catalog change, and after a reconnection (changes may have been missed).
     */
    public void addCatalogListener(IntConsumer listener) {
        catalogListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** This node's id. */
    public String nodeId() {
        return settings.nodeId();
    }

    /** The session timeout ZooKeeper granted (it bounds the requested one to 2–20 ticks). */
    public int sessionTimeoutMillis() {
        try {
            return client.getZookeeperClient().getZooKeeper().getSessionTimeout();
        } catch (Exception e) {
            return Math.toIntExact(settings.sessionTimeout().toMillis());
        }
    }

    /** Whether the ZooKeeper connection is up (not suspended, session not lost). */
    public boolean connected() {
        return connected && !closed;
    }

    /**
     * The live members as this node sees them, with their advertised addresses, ordered by id (after {@link #leave},
     * without this node even before the deletion of its znode is seen).
     */
    public Map<String, String> members() {
        Map<String, String> members = new TreeMap<>();
        String prefix = membersPath + "/";
        membersCache.stream().filter(d -> d.getPath().startsWith(prefix)).forEach((ChildData d) -> members.put(
                d.getPath().substring(prefix.length()),
                d.getData() == null ? "" : new String(d.getData(), StandardCharsets.UTF_8)));
        if (left) {
            members.remove(settings.nodeId());
        }
        return members;
    }

    /** The advertised address of the owner of {@code resource} in this node's view (for forwarding). */
    public Optional<String> ownerAddress(String resource) {
        Map<String, String> members = members();
        return RendezvousAssignment.ownerOf(resource, members.keySet()).map(members::get);
    }

    /** The owner of {@code resource} (see {@link OwnedResources}) in this node's view; empty with no member. */
    public Optional<String> ownerOf(String resource) {
        return RendezvousAssignment.ownerOf(resource, members().keySet());
    }

    /**
     * Whether this node owns {@code resource} now: connected, a member in its own view, and chosen by the assignment.
     */
    public boolean isOwner(String resource) {
        if (!connected() || left) {
            return false;
        }
        Set<String> members = new TreeSet<>(members().keySet());
        return members.contains(settings.nodeId())
                && RendezvousAssignment.ownerOf(resource, members).orElseThrow().equals(settings.nodeId());
    }

    /**
     * The epoch under which this node may write the partition: the one it holds, or a new one taken in the engine
     * when it has just become owner; empty when it is not the owner.
     */
    public OptionalLong partitionEpoch(long tableId, long partitionId) {
        PartitionKey key = new PartitionKey(tableId, partitionId);
        if (!isOwner(OwnedResources.partition(tableId, partitionId))) {
            heldEpochs.remove(key);
            return OptionalLong.empty();
        }
        return OptionalLong.of(heldEpochs.computeIfAbsent(key,
                k -> fencing.take(k.tableId(), k.partitionId(), settings.nodeId())));
    }

    /**
     * Fenced writes of one partition under the epoch this node holds (taking it if needed).
     *
     * @throws NotOwnerException when this node does not own the partition
     */
    public OwnershipFencing.FencedWrites partitionWrites(long tableId, long partitionId) {
        OptionalLong epoch = partitionEpoch(tableId, partitionId);
        if (epoch.isEmpty()) {
            throw new NotOwnerException(OwnedResources.partition(tableId, partitionId),
                    ownerOf(OwnedResources.partition(tableId, partitionId)));
        }
        return fencing.writes(tableId, Map.of(partitionId, epoch.getAsLong()));
    }

    /**
     * The epoch under which this node may write the state of a named resource (a tunnel, the catalog; see
     * {@link OwnedResources}): the one it holds, or a new one taken in the engine; empty when it is not the owner.
     */
    public OptionalLong resourceEpoch(String resource) {
        if (!isOwner(resource)) {
            heldResources.remove(resource);
            return OptionalLong.empty();
        }
        return OptionalLong.of(heldResources.computeIfAbsent(resource,
                r -> fencing.takeResource(r, settings.nodeId())));
    }

    /**
     * Writes metadata of a resource this node owns (e.g. a tunnel coordinator's state), fenced by its epoch.
     *
     * @throws NotOwnerException when this node does not own the resource
     * @throws FencedException   when another node took it meanwhile (the stale epoch is dropped; nothing was written)
     */
    public void writeMeta(String resource, MetaBatch batch) {
        OptionalLong epoch = resourceEpoch(resource);
        if (epoch.isEmpty()) {
            throw new NotOwnerException(resource, ownerOf(resource));
        }
        try {
            fencing.writeMeta(resource, epoch.getAsLong(), batch);
        } catch (FencedException e) {
            fenced(e);
            throw e;
        }
    }

    /** Reports a write refused by the fence: the epoch this node held for the resource is stale and is dropped. */
    public void fenced(FencedException e) {
        if (e.resource() != null) {
            heldResources.remove(e.resource());
        } else {
            heldEpochs.remove(new PartitionKey(e.tableId(), e.partitionId()));
        }
    }

    /** Named resources this node holds an epoch for, with the epoch (for monitoring and tests). */
    public Map<String, Long> heldResources() {
        return new TreeMap<>(heldResources);
    }

    /** Partitions this node holds an epoch for: "table/partition" to epoch (for monitoring and tests). */
    public Map<String, Long> heldPartitions() {
        Map<String, Long> held = new TreeMap<>();
        heldEpochs.forEach((k, v) -> held.put(k.tableId() + "/" + k.partitionId(), v));
        return held;
    }

    /**
     * Registers a listener called (on Curator's event thread; it must not block) whenever the members or this node's
     * connection change, i.e. whenever ownership may have moved.
     */
    public void addListener(Runnable listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Hands everything over before a planned stop (docs/scale-out.md, "Removing a node"): deletes this node's member
     * znode, so the other nodes take its partitions and tunnels at once, and from now on owns nothing (every epoch
     * dropped, {@link #isOwner} false, listeners told) while it keeps its session and its view of the others, so that
     * requests still arriving here are forwarded to the new owners. A write of this node still in flight commits
     * before the new owner's take or is refused by the fence. Idempotent; {@link #close} ends the session.
     */
    public void leave() {
        if (left || closed) {
            return;
        }
        left = true;
        heldEpochs.clear();
        heldResources.clear();
        try {
            announcement.close();
        } catch (Exception e) {
            log.warn("Deleting the member znode of {} failed; the others take over at the session's end",
                    settings.nodeId(), e);
        }
        log.info("Node {} left the assignment of instance {}", settings.nodeId(), settings.instance());
        changed();
    }

    /** Whether {@link #leave} was called. */
    public boolean hasLeft() {
        return left;
    }

    /** Leaves the cluster: the member znode is deleted with the session, so the others take over at once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        heldEpochs.clear();
        heldResources.clear();
        try {
            announcement.close(); // a no-op after leave()
        } catch (Exception e) {
            log.warn("Closing the member znode of {} failed", settings.nodeId(), e);
        }
        membersCache.close();
        try {
            catalogVersion.close();
        } catch (Exception e) {
            log.warn("Closing the catalog version watch of {} failed", settings.nodeId(), e);
        }
        client.close();
    }
}
