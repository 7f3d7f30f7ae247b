package io.tunnelstore.server.cluster;

import static io.tunnelstore.server.cluster.OfficialClients.noRetries;
import static io.tunnelstore.server.cluster.OfficialClients.pk;
import static io.tunnelstore.server.cluster.OfficialClients.put;
import static io.tunnelstore.server.cluster.OfficialClients.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.TunnelClient;
import com.alicloud.openservices.tablestore.TableStoreException;
import com.alicloud.openservices.tablestore.model.BatchWriteRowRequest;
import com.alicloud.openservices.tablestore.model.BatchWriteRowResponse;
import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.Condition;
import com.alicloud.openservices.tablestore.model.CreateTableRequest;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.RowExistenceExpectation;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.RowUpdateChange;
import com.alicloud.openservices.tablestore.model.TableMeta;
import com.alicloud.openservices.tablestore.model.TableOptions;
import com.alicloud.openservices.tablestore.model.UpdateRowRequest;
import com.alicloud.openservices.tablestore.model.tunnel.CreateTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.DescribeTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelType;
import io.tunnelstore.server.ServerConfig;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.table.TableDescriptor;
import io.tunnelstore.server.table.TableModule;
import io.tunnelstore.server.tunnel.TunnelModule;
import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.testsupport.Await;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher's forwarding on two RocksDB servers, each with its own storage, whose placements are scripted: the
 * "front" node owns only partition 0 of the table and sends everything else to the "owner" node, which owns
 * everything. So a write that was forwarded lands in the owner's storage and nowhere else, which the test reads back.
 * The official SDK is the client; the two servers share the admin key, as cluster nodes share their keys.
 */
class ForwardingDispatcherTest {
    private static final String AK = "fwdKey";
    private static final String SK = "fwdSecret0123456789";
    private static final String TABLE = "orders";

    @TempDir
    Path dir;

    private TunnelstoreServer owner;
    private TunnelstoreServer front;
    private SyncClient ownerClient;
    private SyncClient frontClient;

    private ScriptedPlacement frontPlacement;
    private ScriptedPlacement ownerPlacement;
    private final List<TunnelClient> tunnelClients = new ArrayList<>();

    @AfterEach
    void stop() {
        tunnelClients.forEach(TunnelClient::shutdown);
        for (SyncClient c : new SyncClient[] {frontClient, ownerClient}) {
            if (c != null) {
                c.shutdown();
            }
        }
        for (TunnelstoreServer s : new TunnelstoreServer[] {front, owner}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private TunnelstoreServer start(String name, java.util.function.Function<StorageEngine, ClusterPlacement> joiner,
            Duration forwardAttemptTimeout) {
        TunnelstoreServer server = TunnelstoreServer.builder(ServerConfig.builder().port(0)
                        .dataDir(dir.resolve(name)).adminKey(AK, SK).build())
                .module(TableModule::new)
                .module(TunnelModule::new)
                .cluster(joiner)
                .forwarding(forwardAttemptTimeout, Duration.ofSeconds(10))
                .console(new PrintStream(OutputStream.nullOutputStream()))
                .build();
        server.start();
        return server;
    }

    private void startBoth() {
        startBoth(Duration.ofSeconds(5)); // the production attempt timeout
    }

    private void startBoth(Duration forwardAttemptTimeout) {
        owner = start("owner", storage -> ownerPlacement = new ScriptedPlacement("owner", storage),
                forwardAttemptTimeout);
        front = start("front", storage -> frontPlacement = new ScriptedPlacement("front", storage),
                forwardAttemptTimeout);
        ownerClient = new SyncClient(owner.endpoint(), AK, SK, "tunnelstore");
        frontClient = new SyncClient(front.endpoint(), AK, SK, "tunnelstore");
        // the same table, split alike, on both servers (each has its own storage)
        for (TunnelstoreServer s : List.of(owner, front)) {
            SyncClient c = s == owner ? ownerClient : frontClient;
            TableMeta meta = new TableMeta(TABLE);
            meta.addPrimaryKeyColumn("id", PrimaryKeyType.INTEGER);
            c.createTable(new CreateTableRequest(meta, new TableOptions(-1, 1)));
            s.module(TableModule.class).orElseThrow().splitPartition("tunnelstore", TABLE, 0,
                    Optional.of(io.tunnelstore.protocol.model.ColumnValue.ofLong(100)));
        }
        TableDescriptor table = front.context().catalog().find("tunnelstore", TABLE).orElseThrow();
        String firstPartition = ClusterResources.partition(table.tableId(), table.partitions().get(0).shardId());
        String ownerAddress = "127.0.0.1:" + owner.port();
        frontPlacement.remote = () -> ownerAddress;
        // the front node owns ids below 100 (partition 0), the owner node everything else (and the catalog)
        frontPlacement.local = r -> r.equals(firstPartition);
    }

    @Test
    void aRowWriteRunsOnItsPartitionsOwner() {
        startBoth();
        put(frontClient, TABLE, 150, "forwarded");
        put(frontClient, TABLE, 50, "local");
        assertThat(value(ownerClient, TABLE, 150)).isEqualTo("forwarded");
        assertThat(value(frontClient, TABLE, 150)).isNull(); // not in the front node's own storage
        assertThat(value(frontClient, TABLE, 50)).isEqualTo("local");
        assertThat(value(ownerClient, TABLE, 50)).isNull();
    }

    @Test
    void aConditionFailureOnTheOwnerReachesTheClientUnchanged() {
        startBoth();
        put(ownerClient, TABLE, 150, "v");
        RowUpdateChange change = new RowUpdateChange(TABLE, pk(150));
        change.put("v", ColumnValue.fromString("w"));
        change.setCondition(new Condition(RowExistenceExpectation.EXPECT_NOT_EXIST));
        assertThatThrownBy(() -> frontClient.updateRow(new UpdateRowRequest(change)))
                .isInstanceOfSatisfying(TableStoreException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo("OTSConditionCheckFail");
                    assertThat(e.getMessage()).isEqualTo("Condition check failed.");
                    assertThat(e.getHttpStatus()).isEqualTo(403);
                });
        assertThat(value(ownerClient, TABLE, 150)).isEqualTo("v");
    }

    @Test
    void aBatchSpanningOwnersIsSplitAndItsResultsComeBackInRequestOrder() {
        startBoth();
        put(ownerClient, TABLE, 300, "exists");
        BatchWriteRowRequest batch = new BatchWriteRowRequest();
        long[] ids = {10, 200, 20, 210};
        for (long id : ids) {
            RowPutChange put = new RowPutChange(TABLE, pk(id));
            put.addColumn("v", ColumnValue.fromString("b" + id));
            batch.addRowChange(put);
        }
        RowUpdateChange remoteFails = new RowUpdateChange(TABLE, pk(300));
        remoteFails.put("v", ColumnValue.fromString("never"));
        remoteFails.setCondition(new Condition(RowExistenceExpectation.EXPECT_NOT_EXIST));
        batch.addRowChange(remoteFails);
        RowUpdateChange localFails = new RowUpdateChange(TABLE, pk(30));
        localFails.put("v", ColumnValue.fromString("never"));
        localFails.setCondition(new Condition(RowExistenceExpectation.EXPECT_EXIST));
        batch.addRowChange(localFails);

        BatchWriteRowResponse answer = frontClient.batchWriteRow(batch);

        List<BatchWriteRowResponse.RowResult> rows = answer.getRowStatus(TABLE);
        assertThat(rows).extracting(BatchWriteRowResponse.RowResult::getIndex).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(rows).extracting(BatchWriteRowResponse.RowResult::isSucceed)
                .containsExactly(true, true, true, true, false, false);
        assertThat(rows.get(4).getError().getCode()).isEqualTo("OTSConditionCheckFail");
        assertThat(rows.get(5).getError().getCode()).isEqualTo("OTSConditionCheckFail");
        // the re-signed part was accepted by the owner: its rows are in the owner's storage, the others here
        assertThat(value(ownerClient, TABLE, 200)).isEqualTo("b200");
        assertThat(value(ownerClient, TABLE, 210)).isEqualTo("b210");
        assertThat(value(frontClient, TABLE, 10)).isEqualTo("b10");
        assertThat(value(frontClient, TABLE, 20)).isEqualTo("b20");
        assertThat(value(frontClient, TABLE, 200)).isNull();
        assertThat(value(ownerClient, TABLE, 10)).isNull();
        assertThat(value(ownerClient, TABLE, 300)).isEqualTo("exists");
    }

    @Test
    void anUnreachableOwnerIsAnsweredPartitionUnavailableAndNothingIsWritten() throws Exception {
        startBoth();
        int deadPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        int port = deadPort;
        frontPlacement.remote = () -> "127.0.0.1:" + port; // nobody listens there: connection refused, retried
        SyncClient noRetry = new SyncClient(front.endpoint(), AK, SK, "tunnelstore",
                noRetries());
        try {
            RowPutChange put = new RowPutChange(TABLE, pk(150));
            put.addColumn("v", ColumnValue.fromString("lost"));
            long start = System.nanoTime();
            assertThatThrownBy(() -> noRetry.putRow(new PutRowRequest(put)))
                    .isInstanceOfSatisfying(TableStoreException.class, e -> {
                        assertThat(e.getErrorCode()).isEqualTo("OTSPartitionUnavailable");
                        assertThat(e.getHttpStatus()).isEqualTo(503);
                    });
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            // the forwarder kept trying for its budget (10 s), no longer than budget + one attempt (15 s)
            assertThat(tookMillis).isBetween(9_000L, 16_000L);
        } finally {
            noRetry.shutdown();
        }
        assertThat(value(frontClient, TABLE, 150)).isNull();
        assertThat(value(ownerClient, TABLE, 150)).isNull();
    }

    @Test
    void aForwardedCatalogActionWaitsForItsSlowOwnerWhileARowWriteAttemptTimesOut() {
        startBoth(Duration.ofMillis(300));
        ownerPlacement.writeDelay = Duration.ofMillis(1_500); // five times the forwarding attempt timeout
        TunnelClient frontTunnels = tunnels(front);

        // CreateTunnel runs on the catalog owner; its forwarding attempt waits up to the handler timeout (+1 s)
        long start = System.nanoTime();
        String tunnelId = frontTunnels.createTunnel(new CreateTunnelRequest(TABLE, "slow", TunnelType.BaseAndStream))
                .getTunnelId();
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(1_500L);
        assertThat(tunnels(owner).describeTunnel(new DescribeTunnelRequest(TABLE, "slow")).getTunnelInfo()
                .getTunnelId()).isEqualTo(tunnelId);

        // a row write keeps the short attempt timeout: the client gets OTSTimeout, and the write, already sent,
        // is applied by the owner afterwards (the documented at-least-once caveat)
        SyncClient noRetry = new SyncClient(front.endpoint(), AK, SK, "tunnelstore", noRetries());
        try {
            RowPutChange put = new RowPutChange(TABLE, pk(150));
            put.addColumn("v", ColumnValue.fromString("late"));
            assertThatThrownBy(() -> noRetry.putRow(new PutRowRequest(put)))
                    .isInstanceOfSatisfying(TableStoreException.class, e -> {
                        assertThat(e.getErrorCode()).isEqualTo("OTSTimeout");
                        assertThat(e.getHttpStatus()).isEqualTo(503);
                    });
        } finally {
            noRetry.shutdown();
        }
        Await.until("the owner applies the timed-out write", Duration.ofSeconds(10),
                () -> "late".equals(value(ownerClient, TABLE, 150)));
    }

    private TunnelClient tunnels(TunnelstoreServer server) {
        TunnelClient client = new TunnelClient(server.endpoint(), AK, SK, "tunnelstore");
        tunnelClients.add(client);
        return client;
    }
}
