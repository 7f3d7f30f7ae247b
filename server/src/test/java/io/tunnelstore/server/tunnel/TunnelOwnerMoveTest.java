package io.tunnelstore.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.protocol.pb.TunnelProtos.TunnelType;
import io.tunnelstore.server.ServerConfig;
import io.tunnelstore.server.ServerContext;
import io.tunnelstore.server.auth.CredentialStore;
import io.tunnelstore.server.cluster.NotOwnerException;
import io.tunnelstore.server.table.TableDescriptor;
import io.tunnelstore.storage.FencedException;
import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.StorageEngine;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two tunnel modules over one engine play two nodes of a cluster (docs/scale-out.md, "Tunnel coordinators on their
 * owner"): a tunnel's coordinator runs only on the node that owns it, its state moves with the ownership through
 * storage (sessions and checkpoints kept), and a deposed node that still runs it can no longer write anything.
 * The ownership and the epochs are a small in-memory model of the cluster's ({@link Cluster}); the HBase cluster runs
 * the same module with the real fence (cli {@code TunnelOwnerClusterTest}).
 */
class TunnelOwnerMoveTest {

    /** Who owns each tunnel, and the fencing epochs, for every node of the test. Thread-safe. */
    static final class Cluster {
        private final StorageEngine storage;
        private final Map<String, String> owners = new HashMap<>();
        private final Map<String, Long> epochs = new HashMap<>();
        private final Map<String, Map<String, Long>> held = new HashMap<>();
        private String defaultOwner;
        int announcements;
        volatile String catalogOwner = "A";

        Cluster(StorageEngine storage, String defaultOwner) {
            this.storage = storage;
            this.defaultOwner = defaultOwner;
        }

        synchronized void moveAll(String node) {
            owners.clear();
            defaultOwner = node;
        }

        synchronized String ownerOf(String tunnelId) {
            return owners.getOrDefault(tunnelId, defaultOwner);
        }

        synchronized long epoch(String tunnelId) {
            return epochs.getOrDefault(tunnelId, 0L);
        }

        TunnelOwnership node(String nodeId) {
            return new TunnelOwnership() {
                @Override
                public boolean owns(String tunnelId) {
                    return ownerOf(tunnelId).equals(nodeId);
                }

                @Override
                public void claim(String tunnelId) {
                    synchronized (Cluster.this) {
                        if (!owns(tunnelId)) {
                            throw new IllegalStateException(nodeId + " does not own " + tunnelId);
                        }
                        long e = epochs.merge(tunnelId, 1L, Long::sum);
                        held.computeIfAbsent(nodeId, n -> new HashMap<>()).put(tunnelId, e);
                    }
                }

                @Override
                public void writeMeta(String tunnelId, MetaBatch batch) {
                    synchronized (Cluster.this) {
                        Long mine = held.getOrDefault(nodeId, Map.of()).get(tunnelId);
                        if (mine == null || mine != epoch(tunnelId)) {
                            throw new FencedException("tunnel/" + tunnelId, "epoch " + mine + " is no longer current");
                        }
                        storage.writeMeta(batch);
                    }
                }

                @Override
                public void writeNewTunnel(String tunnelId, MetaBatch batch) {
                    storage.writeMeta(batch);
                }

                @Override
                public void announceChange() {
                    synchronized (Cluster.this) {
                        announcements++;
                    }
                }

                @Override
                public boolean clustered() {
                    return true;
                }

                @Override
                public boolean ownsCatalog() {
                    return catalogOwner.equals(nodeId);
                }
            };
        }
    }

    @TempDir
    Path dir;

    private InProcessTunnels t;
    private Cluster cluster;
    private TunnelModule a;
    private TunnelModule b;
    private TableDescriptor table;

    @BeforeEach
    void start() {
        t = new InProcessTunnels(dir, TunnelServiceConfig.builder().longPollWait(Duration.ZERO).build());
        table = t.createTable("orders", 24); // before the nodes start: they load the catalog
        cluster = new Cluster(t.storage, "A");
        a = node("A");
        b = node("B");
    }

    private TunnelModule node(String id) {
        ServerContext ctx = new ServerContext(t.storage, t.clock, t.scheduler,
                CredentialStore.open(t.storage, new SecureRandom()),
                ServerConfig.builder().dataDir(dir.resolve("data")).clock(t.clock).build());
        return new TunnelModule(ctx, t.config, cluster.node(id));
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        t.close();
    }

    private String create(TunnelModule node, String table, String name) {
        return node.admin().create(InProcessTunnels.INSTANCE, TunnelProtos.CreateTunnelRequest.newBuilder()
                .setTunnel(TunnelProtos.Tunnel.newBuilder().setTableName(table).setTunnelName(name)
                        .setTunnelType(TunnelType.Stream)).build()).getTunnelId();
    }

    private static String connect(TunnelModule node, String tunnelId) {
        return InProcessTunnels.join(node.sessions().connect(InProcessTunnels.INSTANCE,
                TunnelProtos.ConnectRequest.newBuilder().setTunnelId(tunnelId)
                        .setClientConfig(TunnelProtos.ClientConfig.newBuilder().setTimeout(60).setClientTag("w"))
                        .build())).getClientId();
    }

    private static List<TunnelProtos.Channel> heartbeat(TunnelModule node, String tunnelId, String clientId) {
        return InProcessTunnels.join(node.sessions().heartbeat(InProcessTunnels.INSTANCE,
                TunnelProtos.HeartbeatRequest.newBuilder().setTunnelId(tunnelId).setClientId(clientId).build()))
                .getChannelsList();
    }

    private static String checkpointOf(TunnelModule node, String tunnelId, String clientId) {
        return InProcessTunnels.join(node.sessions().getCheckpoint(InProcessTunnels.INSTANCE,
                TunnelProtos.GetCheckpointRequest.newBuilder().setTunnelId(tunnelId).setClientId(clientId)
                        .setChannelId("Stream_1").build())).getCheckpoint();
    }

    private static void checkpoint(TunnelModule node, String tunnelId, String clientId, String token, long seq) {
        InProcessTunnels.join(node.sessions().checkpoint(InProcessTunnels.INSTANCE,
                TunnelProtos.CheckpointRequest.newBuilder().setTunnelId(tunnelId).setClientId(clientId)
                        .setChannelId("Stream_1").setCheckpoint(token).setSequenceNumber(seq).build()));
    }

    private static TunnelProtos.ReadRecordsResponse read(TunnelModule node, String tunnelId, String clientId,
                                                         String token) {
        return InProcessTunnels.join(node.reader().read(InProcessTunnels.INSTANCE,
                TunnelProtos.ReadRecordsRequest.newBuilder().setTunnelId(tunnelId).setClientId(clientId)
                        .setChannelId("Stream_1").setToken(token).build()));
    }

    private static void assertMoved(Runnable call, String tunnelId) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(NotOwnerException.class, e -> {
            assertThat(e.resource()).isEqualTo("tunnel/" + tunnelId);
            assertThat(e.getMessage()).isEqualTo("tunnel " + tunnelId + " is moving to another node; retry");
        });
    }

    @Test
    void theCoordinatorRunsOnlyOnTheOwnerAndMovesWithItsSessionsAndCheckpoints() {
        String tunnel = create(a, "orders", "sync");
        assertThat(cluster.announcements).isEqualTo(1);
        assertThat(a.registry().all()).extracting(TunnelRuntime::tunnelId).containsExactly(tunnel);

        // B learns the tunnel from the announcement: it can resolve it, but does not run it
        InProcessTunnels.join(b.tunnelsChanged());
        assertThat(b.registry().all()).isEmpty();
        assertThat(b.registry().definition(InProcessTunnels.INSTANCE, tunnel).orElseThrow().tunnelName())
                .isEqualTo("sync");
        assertMoved(() -> connect(b, tunnel), tunnel);

        String client = connect(a, tunnel);
        assertThat(heartbeat(a, tunnel, client)).extracting(TunnelProtos.Channel::getChannelId)
                .containsExactly("Stream_1");
        for (long id = 1; id <= 3; id++) {
            t.put(table, id, id);
        }
        TunnelProtos.ReadRecordsResponse batch = read(a, tunnel, client, checkpointOf(a, tunnel, client));
        assertThat(batch.getRecordsCount()).isEqualTo(3);
        checkpoint(a, tunnel, client, batch.getNextToken(), 1);

        // ownership moves to B: A stops, B loads the stored state; the worker's session and checkpoint survive
        cluster.moveAll("B");
        InProcessTunnels.join(a.ownershipChanged());
        InProcessTunnels.join(b.ownershipChanged());
        assertThat(a.registry().all()).isEmpty();
        assertThat(b.registry().all()).extracting(TunnelRuntime::tunnelId).containsExactly(tunnel);
        assertThat(cluster.epoch(tunnel)).isEqualTo(2);
        assertMoved(() -> heartbeat(a, tunnel, client), tunnel);
        assertThat(heartbeat(b, tunnel, client)).extracting(TunnelProtos.Channel::getChannelId)
                .containsExactly("Stream_1");
        assertThat(checkpointOf(b, tunnel, client)).isEqualTo(batch.getNextToken());

        t.put(table, 4, 4);
        TunnelProtos.ReadRecordsResponse next = read(b, tunnel, client, batch.getNextToken());
        assertThat(next.getRecordsCount()).isEqualTo(1);
        checkpoint(b, tunnel, client, next.getNextToken(), 2);
        assertThat(t.storage.getMeta(TunnelStore.stateKeyPrefix(tunnel) + "c/Stream_1")).isPresent();
        assertThat(b.registry().store().storedSnapshot(b.registry().require(InProcessTunnels.INSTANCE, tunnel)
                .definition()).channels().get(0).state().checkpointToken()).isEqualTo(next.getNextToken());
    }

    @Test
    void aDeposedNodeThatStillRunsTheTunnelStoresNothingAndStopsRunningIt() {
        String tunnel = create(a, "orders", "sync");
        String client = connect(a, tunnel);
        heartbeat(a, tunnel, client);
        t.put(table, 1, 1);
        String start = checkpointOf(a, tunnel, client);
        TunnelProtos.ReadRecordsResponse batch = read(a, tunnel, client, start);

        // B takes the tunnel while A has not noticed yet (a paused node, a late ownership event)
        cluster.moveAll("B");
        InProcessTunnels.join(b.ownershipChanged());
        assertThat(a.registry().all()).extracting(TunnelRuntime::tunnelId).containsExactly(tunnel);
        io.tunnelstore.coordinator.TunnelSnapshot before = b.registry().store()
                .storedSnapshot(b.registry().require(InProcessTunnels.INSTANCE, tunnel).definition());

        // A's checkpoint is refused by the fence as a whole: nothing stored, A stops running the tunnel
        assertMoved(() -> checkpoint(a, tunnel, client, batch.getNextToken(), 1), tunnel);
        assertThat(b.registry().store().storedSnapshot(b.registry().require(InProcessTunnels.INSTANCE, tunnel)
                .definition())).isEqualTo(before);
        assertThat(a.registry().all()).isEmpty();
        assertMoved(() -> heartbeat(a, tunnel, client), tunnel);

        // B goes on from the stored state: the checkpoint A tried is not there, the worker retries it on B
        assertThat(checkpointOf(b, tunnel, client)).isEqualTo(start);
        checkpoint(b, tunnel, client, batch.getNextToken(), 1);
        assertThat(checkpointOf(b, tunnel, client)).isEqualTo(batch.getNextToken());
    }

    @Test
    void aTunnelCreatedElsewhereIsServedByItsOwnerBeforeTheAnnouncementAndDeletedEverywhere() {
        cluster.moveAll("B");
        String tunnel = create(a, "orders", "sync"); // A is the catalog owner: it writes the tunnel, B runs it
        assertThat(a.registry().all()).isEmpty();
        assertThat(b.registry().definition(InProcessTunnels.INSTANCE, tunnel)).isEmpty();

        // a worker reaches B before B saw the announcement: B finds the tunnel in storage and runs it
        String client = connect(b, tunnel);
        assertThat(b.registry().all()).extracting(TunnelRuntime::tunnelId).containsExactly(tunnel);
        assertThat(heartbeat(b, tunnel, client)).hasSize(1);

        // names are unique across nodes: A reads the stored definitions before creating
        assertThatThrownBy(() -> create(a, "orders", "sync")).isInstanceOfSatisfying(OtsException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TUNNEL_EXIST));

        // listing on A (which does not run it) reads the stored state
        TunnelProtos.ListTunnelResponse list = InProcessTunnels.join(a.admin().list(InProcessTunnels.INSTANCE,
                TunnelProtos.ListTunnelRequest.newBuilder().setTableName("orders").build()));
        assertThat(list.getTunnelsList()).extracting(TunnelProtos.TunnelInfo::getTunnelId).containsExactly(tunnel);

        // the owner deletes it; the other node drops the definition on the announcement
        InProcessTunnels.join(b.admin().delete(InProcessTunnels.INSTANCE, TunnelProtos.DeleteTunnelRequest
                .newBuilder().setTableName("orders").setTunnelName("sync").build()));
        assertThat(cluster.announcements).isEqualTo(2);
        InProcessTunnels.join(a.tunnelsChanged());
        assertThat(a.registry().definition(InProcessTunnels.INSTANCE, tunnel)).isEmpty();
        assertThatThrownBy(() -> connect(b, tunnel)).isInstanceOfSatisfying(OtsException.class,
                e -> assertThat(e.getMessage()).isEqualTo("tunnel not exist: " + tunnel));
    }

    /**
     * Snapshot clean-up in a cluster (docs/scale-out.md): only the catalog owner collects; it reads every tunnel's
     * stored state (the tunnel runs on B, A collects), keeps a snapshot a tunnel another node runs still reads, and
     * never touches a snapshot younger than the grace period (it may be being created elsewhere, pinned only there).
     */
    @Test
    void onlyTheCatalogOwnerCollectsSnapshotsFromEveryTunnelsStoredStateAfterTheGracePeriod() {
        cluster.moveAll("B"); // B runs the tunnels, A owns the catalog
        String tunnel = a.admin().create(InProcessTunnels.INSTANCE, TunnelProtos.CreateTunnelRequest.newBuilder()
                .setTunnel(TunnelProtos.Tunnel.newBuilder().setTableName("orders").setTunnelName("full")
                        .setTunnelType(TunnelType.BaseAndStream)).build()).getTunnelId();
        String base = "base-" + tunnel;
        t.storage.createSnapshot("orphan"); // e.g. left by a create that failed after its snapshot
        assertThat(t.storage.snapshotIds()).containsExactlyInAnyOrder(base, "orphan");
        assertThat(a.registry().all()).isEmpty();

        // young snapshots are never collected, and a node that does not own the catalog never collects
        assertThat(InProcessTunnels.join(a.dropUnusedSnapshots())).isEmpty();
        t.clock.advance(TunnelModule.CLUSTER_SNAPSHOT_GRACE.plusSeconds(1));
        assertThat(InProcessTunnels.join(b.dropUnusedSnapshots())).isEmpty();
        assertThat(t.storage.snapshotIds()).containsExactlyInAnyOrder(base, "orphan");

        // the catalog owner drops the orphan only: the tunnel B runs is still in its base phase
        assertThat(InProcessTunnels.join(a.dropUnusedSnapshots())).containsExactly("orphan");
        assertThat(t.storage.snapshotIds()).containsExactly(base);

        // once the tunnel is deleted (on its owner), the catalog owner drops its base snapshot too
        InProcessTunnels.join(b.admin().delete(InProcessTunnels.INSTANCE, TunnelProtos.DeleteTunnelRequest
                .newBuilder().setTableName("orders").setTunnelName("full").build()));
        assertThat(InProcessTunnels.join(b.dropUnusedSnapshots())).isEmpty();
        assertThat(InProcessTunnels.join(a.dropUnusedSnapshots())).containsExactly(base);
        assertThat(t.storage.snapshotIds()).isEmpty();

        // the catalog moves to B: B collects from now on, A no longer does
        cluster.catalogOwner = "B";
        t.storage.createSnapshot("orphan2");
        t.clock.advance(TunnelModule.CLUSTER_SNAPSHOT_GRACE.plusSeconds(1));
        assertThat(InProcessTunnels.join(a.dropUnusedSnapshots())).isEmpty();
        assertThat(InProcessTunnels.join(b.dropUnusedSnapshots())).containsExactly("orphan2");
    }
}
