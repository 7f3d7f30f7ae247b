package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.TunnelClient;
import com.alicloud.openservices.tablestore.model.Column;
import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.CreateTableRequest;
import com.alicloud.openservices.tablestore.model.GetRowRequest;
import com.alicloud.openservices.tablestore.model.PrimaryKey;
import com.alicloud.openservices.tablestore.model.PrimaryKeyBuilder;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.Row;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.SingleRowQueryCriteria;
import com.alicloud.openservices.tablestore.model.TableMeta;
import com.alicloud.openservices.tablestore.model.TableOptions;
import com.alicloud.openservices.tablestore.model.tunnel.CreateTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.DescribeTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.ListTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelInfo;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelType;
import io.tunnelstore.server.ServerConfig;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.metrics.MetricsModule;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two complete servers (the launcher's {@link StandardModules}) on different data directories in one JVM: each
 * serves the official SDK's table and tunnel calls on its own data, and each one's metrics and console see only
 * its own tables, tunnels and requests. Possible because a {@link TunnelstoreServer} owns everything of its node
 * (no static registries; docs/architecture.md "Wiring").
 */
class TwoServersInOneJvmTest {
    private static final String INSTANCE = "tunnelstore";
    private static final String AK = "twoServersKey";
    private static final String SK = "twoServersSecret0123456789";

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;

    private TunnelstoreServer a;
    private TunnelstoreServer b;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private static TunnelstoreServer start(Path dir) {
        TunnelstoreServer server = StandardModules.server(ServerConfig.builder().port(0).dataDir(dir)
                        .adminKey(AK, SK).syncWrites(false).build())
                .console(new PrintStream(OutputStream.nullOutputStream()))
                .build();
        server.start();
        return server;
    }

    @Test
    void serversSideBySideShareNothing() throws Exception {
        a = start(dirA);
        b = start(dirB);
        SyncClient tablesA = new SyncClient(a.endpoint(), AK, SK, INSTANCE);
        SyncClient tablesB = new SyncClient(b.endpoint(), AK, SK, INSTANCE);
        TunnelClient tunnelsA = new TunnelClient(a.endpoint(), AK, SK, INSTANCE);
        TunnelClient tunnelsB = new TunnelClient(b.endpoint(), AK, SK, INSTANCE);
        try {
            createTable(tablesA, "orders");
            createTable(tablesB, "users");
            String tunnelA = tunnelsA.createTunnel(new CreateTunnelRequest("orders", "orders-sync", TunnelType.Stream))
                    .getTunnelId();
            String tunnelB = tunnelsB.createTunnel(new CreateTunnelRequest("users", "users-sync", TunnelType.Stream))
                    .getTunnelId();
            for (long id = 1; id <= 3; id++) {
                put(tablesA, "orders", id, "order-" + id);
            }
            put(tablesB, "users", 1, "user-1");

            // Table API: each server has only its own table and rows.
            assertThat(tablesA.listTable().getTableNames()).containsExactly("orders");
            assertThat(tablesB.listTable().getTableNames()).containsExactly("users");
            assertThat(get(tablesA, "orders", 3).getLatestColumn("v").getValue().asString()).isEqualTo("order-3");
            assertThat(get(tablesB, "users", 3)).isNull();

            // Tunnel API: each server has only its own tunnel.
            assertThat(tunnelsA.listTunnel(new ListTunnelRequest("orders")).getTunnelInfos())
                    .extracting(TunnelInfo::getTunnelName).containsExactly("orders-sync");
            assertThat(tunnelsB.listTunnel(new ListTunnelRequest("users")).getTunnelInfos())
                    .extracting(TunnelInfo::getTunnelName).containsExactly("users-sync");
            assertThat(tunnelsA.describeTunnel(new DescribeTunnelRequest("orders", "orders-sync")).getTunnelInfo()
                    .getTunnelId()).isEqualTo(tunnelA);
            assertThat(tunnelsB.describeTunnel(new DescribeTunnelRequest("users", "users-sync")).getTunnelInfo()
                    .getTunnelId()).isEqualTo(tunnelB);

            // Metrics: requests and tunnels of the own server only; each tunnel's lag is its own table's writes.
            String metricsA = a.module(MetricsModule.class).orElseThrow().scrape();
            String metricsB = b.module(MetricsModule.class).orElseThrow().scrape();
            assertThat(value(metricsA, "tunnelstore_row_writes_total", "action=\"PutRow\"")).isEqualTo(3.0);
            assertThat(value(metricsB, "tunnelstore_row_writes_total", "action=\"PutRow\"")).isEqualTo(1.0);
            assertThat(value(metricsA, "tunnelstore_tunnel_lag_records", "tunnel=\"orders-sync\"")).isEqualTo(3.0);
            assertThat(value(metricsB, "tunnelstore_tunnel_lag_records", "tunnel=\"users-sync\"")).isEqualTo(1.0);
            assertThat(metricsA).doesNotContain("users-sync");
            assertThat(metricsB).doesNotContain("orders-sync");

            // Console: the tunnels page of each server lists its own tunnel only.
            String consoleA = console(a, "/console/api/instances/" + INSTANCE + "/tunnels");
            String consoleB = console(b, "/console/api/instances/" + INSTANCE + "/tunnels");
            assertThat(consoleA).contains("\"tunnelName\":\"orders-sync\"").doesNotContain("users-sync");
            assertThat(consoleB).contains("\"tunnelName\":\"users-sync\"").doesNotContain("orders-sync");

            // The wiring: each server's modules share that server's catalog, never the other's.
            assertThat(a.context().catalog()).isNotSameAs(b.context().catalog());
            assertThat(a.context().catalog().list(INSTANCE)).extracting(t -> t.tableName()).containsExactly("orders");
            assertThat(b.context().catalog().list(INSTANCE)).extracting(t -> t.tableName()).containsExactly("users");
        } finally {
            tunnelsA.shutdown();
            tunnelsB.shutdown();
            tablesA.shutdown();
            tablesB.shutdown();
        }
    }

    private static void createTable(SyncClient client, String name) {
        TableMeta meta = new TableMeta(name);
        meta.addPrimaryKeyColumn("id", PrimaryKeyType.INTEGER);
        client.createTable(new CreateTableRequest(meta, new TableOptions(-1, 1)));
    }

    private static PrimaryKey key(long id) {
        return PrimaryKeyBuilder.createPrimaryKeyBuilder().addPrimaryKeyColumn("id", PrimaryKeyValue.fromLong(id))
                .build();
    }

    private static void put(SyncClient client, String table, long id, String value) {
        RowPutChange change = new RowPutChange(table, key(id));
        change.addColumn(new Column("v", ColumnValue.fromString(value)));
        client.putRow(new PutRowRequest(change));
    }

    private static Row get(SyncClient client, String table, long id) {
        SingleRowQueryCriteria criteria = new SingleRowQueryCriteria(table, key(id));
        criteria.setMaxVersions(1);
        return client.getRow(new GetRowRequest(criteria)).getRow();
    }

    /** The value of the one sample of {@code metric} whose labels contain {@code label}. */
    private static double value(String scrape, String metric, String label) {
        List<Double> values = scrape.lines().filter(l -> l.startsWith(metric + "{") && l.contains(label))
                .map(l -> {
                    Matcher m = Pattern.compile("} (\\S+)$").matcher(l);
                    assertThat(m.find()).as(l).isTrue();
                    return Double.parseDouble(m.group(1));
                }).toList();
        assertThat(values).as(metric + " " + label).hasSize(1);
        return values.get(0);
    }

    private String console(TunnelstoreServer server, String path) throws Exception {
        String basic = Base64.getEncoder().encodeToString((AK + ":" + SK).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + path))
                .header("authorization", "Basic " + basic).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }
}
