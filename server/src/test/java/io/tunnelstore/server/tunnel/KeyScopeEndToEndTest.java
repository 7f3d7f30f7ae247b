package io.tunnelstore.server.tunnel;

import static io.tunnelstore.server.tunnel.BaseAndStreamWorkerTest.pk;
import static io.tunnelstore.server.tunnel.BaseAndStreamWorkerTest.put;
import static io.tunnelstore.server.tunnel.TunnelTestServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.TableStoreException;
import com.alicloud.openservices.tablestore.TunnelClient;
import com.alicloud.openservices.tablestore.model.BatchWriteRowRequest;
import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.CreateTableRequest;
import com.alicloud.openservices.tablestore.model.DeleteTableRequest;
import com.alicloud.openservices.tablestore.model.GetRangeRequest;
import com.alicloud.openservices.tablestore.model.GetRowRequest;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.RangeRowQueryCriteria;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.SingleRowQueryCriteria;
import com.alicloud.openservices.tablestore.model.TableMeta;
import com.alicloud.openservices.tablestore.model.TableOptions;
import com.alicloud.openservices.tablestore.model.PrimaryKeyBuilder;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.tunnel.CreateTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.DescribeTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.ListTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelType;
import com.alicloud.openservices.tablestore.model.tunnel.internal.ConnectTunnelRequest;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelClientConfig;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorker;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorkerConfig;
import io.tunnelstore.server.auth.AccessKey;
import io.tunnelstore.server.auth.CredentialStore;
import io.tunnelstore.server.auth.KeyOrigin;
import io.tunnelstore.server.auth.KeyScope;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key scopes seen through the official Java SDK: a read-only key reads but cannot write, a table-limited key cannot
 * touch other tables (not through batches, stream ids or tunnel ids either), a tunnel-consume key runs a
 * {@link TunnelWorker} on its table and can do nothing else. Every refusal is the public service's
 * {@code OTSNoPermissionAccess} (403) with its message.
 */
class KeyScopeEndToEndTest {

    private static final String NO_PERMISSION =
            "You have no permission to access the requested resource, please contact the resource owner.";

    @TempDir
    Path dataDir;
    private TunnelTestServer ots;
    private final List<AutoCloseable> toClose = new java.util.ArrayList<>();

    @BeforeEach
    void start() {
        ots = new TunnelTestServer(dataDir);
        ots.createTable("mine");
        ots.createTable("other");
        put(ots, "mine", 1, "a", 10);
        put(ots, "other", 1, "b", 20);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        ots.close();
    }

    private AccessKey key(KeyScope scope, String... tables) {
        CredentialStore store = ots.server.context().credentialStore();
        return store.createAccessKey(TunnelTestServer.INSTANCE, scope, Set.of(tables), 0, KeyOrigin.CREATED,
                ots.clock.millis());
    }

    private SyncClient client(AccessKey key) {
        SyncClient c = new SyncClient(ots.endpoint(), key.accessKeyId(), key.accessKeySecret(),
                TunnelTestServer.INSTANCE);
        toClose.add(c::shutdown);
        return c;
    }

    private TunnelClient tunnelClient(AccessKey key) {
        TunnelClient c = new TunnelClient(ots.endpoint(), key.accessKeyId(), key.accessKeySecret(),
                TunnelTestServer.INSTANCE);
        toClose.add(c::shutdown);
        return c;
    }

    private static void assertNoPermission(Runnable call) {
        TableStoreException e = catchThrowableOfType(TableStoreException.class, call::run);
        assertThat(e).as("expected OTSNoPermissionAccess").isNotNull();
        assertThat(e.getErrorCode()).isEqualTo("OTSNoPermissionAccess");
        assertThat(e.getHttpStatus()).isEqualTo(403);
        assertThat(e.getMessage()).isEqualTo(NO_PERMISSION);
    }

    private static PutRowRequest putRequest(String table, long id) {
        RowPutChange change = new RowPutChange(table, pk(id));
        change.addColumn("name", ColumnValue.fromString("x"));
        return new PutRowRequest(change);
    }

    private static GetRowRequest getRequest(String table, long id) {
        SingleRowQueryCriteria criteria = new SingleRowQueryCriteria(table, pk(id));
        criteria.setMaxVersions(1);
        return new GetRowRequest(criteria);
    }

    @Test
    void readOnlyKeyReadsButCannotWrite() {
        SyncClient reader = client(key(KeyScope.READ_ONLY));

        assertNoPermission(() -> reader.putRow(putRequest("mine", 2)));
        assertNoPermission(() -> reader.deleteTable(new DeleteTableRequest("other")));
        TableMeta meta = new TableMeta("third");
        meta.addPrimaryKeyColumn("id", PrimaryKeyType.INTEGER);
        assertNoPermission(() -> reader.createTable(new CreateTableRequest(meta, new TableOptions(-1, 1))));

        assertThat(reader.getRow(getRequest("mine", 1)).getRow().getLatestColumn("name").getValue().asString())
                .isEqualTo("a");
        assertThat(reader.getRow(getRequest("other", 1)).getRow().getLatestColumn("name").getValue().asString())
                .isEqualTo("b");
        assertThat(reader.listTable().getTableNames()).containsExactlyInAnyOrder("mine", "other");
        // Nothing was written by the refused PutRow.
        assertThat(ots.client.getRow(getRequest("mine", 2)).getRow()).isNull();
    }

    @Test
    void tableLimitedKeyCannotTouchOtherTables() {
        SyncClient limited = client(key(KeyScope.READ_WRITE, "mine"));

        limited.putRow(putRequest("mine", 2));
        assertThat(limited.getRow(getRequest("mine", 2)).getRow()).isNotNull();
        assertNoPermission(() -> limited.putRow(putRequest("other", 2)));
        assertNoPermission(() -> limited.getRow(getRequest("other", 1)));
        RangeRowQueryCriteria range = new RangeRowQueryCriteria("other");
        range.setInclusiveStartPrimaryKey(PrimaryKeyBuilder.createPrimaryKeyBuilder()
                .addPrimaryKeyColumn("id", PrimaryKeyValue.INF_MIN).build());
        range.setExclusiveEndPrimaryKey(PrimaryKeyBuilder.createPrimaryKeyBuilder()
                .addPrimaryKeyColumn("id", PrimaryKeyValue.INF_MAX).build());
        range.setMaxVersions(1);
        assertNoPermission(() -> limited.getRange(new GetRangeRequest(range)));
        // A batch naming both tables is refused as a whole: nothing of it is written.
        BatchWriteRowRequest batch = new BatchWriteRowRequest();
        batch.addRowChange(putRequest("mine", 3).getRowChange());
        batch.addRowChange(putRequest("other", 3).getRowChange());
        assertNoPermission(() -> limited.batchWriteRow(batch));
        assertThat(ots.client.getRow(getRequest("mine", 3)).getRow()).isNull();
        // ListTable lists only the tables the key covers (the admin key sees both).
        assertThat(limited.listTable().getTableNames()).containsExactly("mine");
        assertThat(ots.client.listTable().getTableNames()).containsExactlyInAnyOrder("mine", "other");

        // Tunnels: its own table's tunnels work; another table's are refused by name and by id.
        TunnelClient tunnels = tunnelClient(key(KeyScope.READ_WRITE, "mine"));
        tunnels.createTunnel(new CreateTunnelRequest("mine", "t", TunnelType.Stream));
        String otherId = ots.tunnels.createTunnel(new CreateTunnelRequest("other", "t", TunnelType.Stream))
                .getTunnelId();
        assertThat(tunnels.listTunnel(new ListTunnelRequest("mine")).getTunnelInfos()).hasSize(1);
        assertNoPermission(() -> tunnels.describeTunnel(new DescribeTunnelRequest("other", "t")));
        assertNoPermission(() -> tunnels.listTunnel(new ListTunnelRequest("other")));
        // The official worker retries a refused connect for ever; the call it makes is refused like this:
        assertNoPermission(() -> tunnels.connectTunnel(new ConnectTunnelRequest(otherId, new TunnelClientConfig())));
    }

    @Test
    void tunnelConsumeKeyRunsAWorkerOnItsTableAndNothingElse() throws Exception {
        String id = ots.tunnels.createTunnel(new CreateTunnelRequest("mine", "feed", TunnelType.Stream))
                .getTunnelId();
        ots.tunnels.createTunnel(new CreateTunnelRequest("other", "feed", TunnelType.Stream));
        AccessKey consumer = key(KeyScope.TUNNEL_CONSUME, "mine");
        TunnelClient tunnels = tunnelClient(consumer);
        SyncClient tables = client(consumer);

        RecordCollector collector = new RecordCollector();
        TunnelWorkerConfig config = new TunnelWorkerConfig(collector);
        config.setHeartbeatIntervalInSec(5);
        TunnelWorker worker = new TunnelWorker(id, tunnels, config);
        try {
            worker.connectAndWorking();
            put(ots, "mine", 7, "seven", 7);
            put(ots, "mine", 8, "eight", 8);
            await("two changes delivered", Duration.ofSeconds(30), () -> collector.size() == 2);
            assertThat(collector.all()).extracting(RecordCollector.Received::id).containsExactly(7L, 8L);
        } finally {
            worker.shutdown();
            config.shutdown();
        }

        assertThat(tunnels.describeTunnel(new DescribeTunnelRequest("mine", "feed")).getTunnelInfo().getTunnelId())
                .isEqualTo(id);
        assertNoPermission(() -> tunnels.describeTunnel(new DescribeTunnelRequest("other", "feed")));
        assertNoPermission(() -> tunnels.createTunnel(new CreateTunnelRequest("mine", "mine2", TunnelType.Stream)));
        assertNoPermission(() -> tables.getRow(getRequest("mine", 1)));
        assertNoPermission(() -> tables.putRow(putRequest("mine", 9)));
        assertNoPermission(() -> tables.listTable());
    }
}
