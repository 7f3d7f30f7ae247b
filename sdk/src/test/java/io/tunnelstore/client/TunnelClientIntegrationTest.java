package io.tunnelstore.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.client.internal.InternalAccess;
import io.tunnelstore.client.internal.TunnelRpcClient;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.server.InProcessServer;
import io.tunnelstore.server.table.TableModule;
import io.tunnelstore.server.tunnel.TunnelModule;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TunnelClient management calls and the internal session RPCs against the real in-process server. */
class TunnelClientIntegrationTest {

    private static final String AK = "itAdminKey";
    private static final String SK = "itAdminSecret";

    @TempDir
    Path dataDir;
    private InProcessServer server;
    private TableClient tables;
    private TunnelClient tunnels;

    @BeforeEach
    void start() {
        server = InProcessServer.builder(dataDir).adminKey(AK, SK).workerThreads(2)
                .module(TableModule::new)
                .module(TunnelModule::new)
                .start();
        ClientConfig config = ClientConfig.builder().endpoint(server.endpoint()).instanceName("tunnelstore")
                .credentials(AK, SK).callTimeout(Duration.ofSeconds(20)).build();
        tables = TableClient.create(config);
        tunnels = TunnelClient.create(config);
    }

    @AfterEach
    void stop() {
        if (tunnels != null) {
            tunnels.close();
        }
        if (tables != null) {
            tables.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void createListDescribeConnectAndDeleteATunnel() throws Exception {
        tables.createTable(CreateTableRequest.builder("events").addPrimaryKey("id", PrimaryKeyType.INTEGER)
                .streamEnabled(24).build());
        for (long id = 1; id <= 3; id++) {
            tables.putRow(RowPutChange.of("events", PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.ofLong(id))),
                    List.of(Cell.put("v", ColumnValue.ofLong(id)))));
        }
        Instant before = Instant.now().minusSeconds(60);

        String tunnelId = tunnels.createTunnel(CreateTunnelRequest.of("events", "sync", TunnelType.BASE_AND_STREAM));
        assertThat(tunnelId).isNotBlank();

        assertThatThrownBy(() -> tunnels.createTunnel(CreateTunnelRequest.of("events", "sync", TunnelType.STREAM)))
                .isInstanceOfSatisfying(TablestoreException.class,
                        e -> assertThat(e.errorCode()).isEqualTo("OTSTunnelExist"));

        List<TunnelInfo> listed = tunnels.listTunnels("events");
        assertThat(listed).hasSize(1);
        TunnelInfo info = listed.get(0);
        assertThat(info.tunnelId()).isEqualTo(tunnelId);
        assertThat(info.tunnelName()).isEqualTo("sync");
        assertThat(info.tableName()).isEqualTo("events");
        assertThat(info.instanceName()).isEqualTo("tunnelstore");
        assertThat(info.type()).isEqualTo(TunnelType.BASE_AND_STREAM);
        assertThat(info.expired()).isFalse();
        assertThat(info.createTime()).isAfter(before).isBefore(Instant.now().plusSeconds(60));
        assertThat(tunnels.listTunnels()).extracting(TunnelInfo::tunnelId).containsExactly(tunnelId);

        TunnelDescription described = tunnels.describeTunnel("events", "sync");
        assertThat(described.tunnel().tunnelId()).isEqualTo(tunnelId);
        assertThat(described.channels()).isNotEmpty();

        // the worker-facing session calls through the internal bridge
        TunnelRpcClient rpc = InternalAccess.tunnelRpc(tunnels);
        String clientId = rpc.connect(TunnelProtos.ConnectRequest.newBuilder().setTunnelId(tunnelId)
                        .setClientConfig(TunnelProtos.ClientConfig.newBuilder().setTimeout(300).setClientTag("it"))
                        .build())
                .get(20, TimeUnit.SECONDS).getClientId();
        assertThat(clientId).isNotBlank();
        TunnelProtos.HeartbeatResponse hb = rpc.heartbeat(TunnelProtos.HeartbeatRequest.newBuilder()
                .setTunnelId(tunnelId).setClientId(clientId).build()).get(20, TimeUnit.SECONDS);
        assertThat(hb).isNotNull();
        rpc.shutdown(TunnelProtos.ShutdownRequest.newBuilder().setTunnelId(tunnelId).setClientId(clientId).build())
                .get(20, TimeUnit.SECONDS);

        tunnels.deleteTunnel("events", "sync");
        assertThat(tunnels.listTunnels("events")).isEmpty();
        // the tunnel service answers unknown tunnels like the public service: ParameterInvalid "tunnel not exist"
        assertThatThrownBy(() -> tunnels.describeTunnel("events", "sync"))
                .isInstanceOfSatisfying(TablestoreException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("OTSParameterInvalid");
                    assertThat(e.isNotFound()).isTrue();
                    assertThat(e.isRetryable()).isFalse();
                });
    }
}
