package io.tunnelstore.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alicloud.openservices.tablestore.TableStoreException;
import com.alicloud.openservices.tablestore.model.GetRowRequest;
import com.alicloud.openservices.tablestore.model.PrimaryKeyBuilder;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.SingleRowQueryCriteria;
import com.alicloud.openservices.tablestore.model.tunnel.ChannelInfo;
import com.alicloud.openservices.tablestore.model.tunnel.CreateTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.DescribeTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelType;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} after real requests of the official SDK against a server with the metrics module. */
class MetricsModuleTest {

    @TempDir
    Path dataDir;

    @Test
    void countsRequestsErrorsChangeLogAndReportsTunnelLag() throws Exception {
        try (MonitoringServer ots = new MonitoringServer(dataDir, MetricsModule::new)) {
            ots.createTable("orders");
            // a Stream tunnel from "latest": every row written after it is change-log lag until a worker consumes it
            String tunnelId = ots.tunnels.createTunnel(new CreateTunnelRequest("orders", "sync", TunnelType.Stream))
                    .getTunnelId();
            long writtenAt = ots.clock.millis();
            for (long id = 1; id <= 7; id++) {
                ots.put("orders", id, "v" + id);
            }
            assertThatThrownBy(() -> ots.client.getRow(new GetRowRequest(new SingleRowQueryCriteria("missing",
                    PrimaryKeyBuilder.createPrimaryKeyBuilder().addPrimaryKeyColumn("id", PrimaryKeyValue.fromLong(1))
                            .build()))))
                    .isInstanceOfSatisfying(TableStoreException.class,
                            e -> assertThat(e.getErrorCode()).isEqualTo("OTSObjectNotExist"));
            List<ChannelInfo> channels = ots.tunnels.describeTunnel(new DescribeTunnelRequest("orders", "sync"))
                    .getChannelInfos();
            assertThat(channels).hasSize(1);
            String channelId = channels.get(0).getChannelId();
            ots.advance(Duration.ofSeconds(90));

            HttpResponse<String> response = ots.get("/metrics");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValue(MetricsModule.CONTENT_TYPE);
            PrometheusText m = new PrometheusText(response.body());
            assertThat(m.value("tunnelstore_requests_seconds_count", "action", "PutRow", "code", "OK")).hasValue(7);
            assertThat(m.value("tunnelstore_requests_seconds_count", "action", "CreateTable", "code", "OK"))
                    .hasValue(1);
            assertThat(m.value("tunnelstore_requests_seconds_count", "action", "GetRow", "code",
                    "OTSObjectNotExist")).hasValue(1);
            assertThat(m.value("tunnelstore_requests_seconds_count", "action", "tunnel/describe", "code", "OK"))
                    .hasValue(1);
            assertThat(m.value("tunnelstore_requests_seconds_sum", "action", "PutRow", "code", "OK").getAsDouble())
                    .isGreaterThan(0);
            // every request that reached a worker thread is timed once in its lane's queue
            assertThat(m.value("tunnelstore_request_queue_seconds_count", "action", "PutRow")).hasValue(7);
            assertThat(m.value("tunnelstore_request_queue_seconds_count", "action", "GetRow")).hasValue(1);
            assertThat(m.all("tunnelstore_request_errors_total"))
                    .isEqualTo(Map.of(Map.of("code", "OTSObjectNotExist"), 1.0));
            assertThat(m.value("tunnelstore_row_writes_total", "action", "PutRow")).hasValue(7);
            assertThat(m.value("tunnelstore_changelog_records_total", "instance", MonitoringServer.INSTANCE,
                    "table", "orders")).hasValue(7);
            // histograms are off by default
            assertThat(m.all("tunnelstore_requests_seconds_bucket")).isEmpty();

            String[] tunnel = {"instance", MonitoringServer.INSTANCE, "table", "orders", "tunnel", "sync"};
            assertThat(m.value("tunnelstore_tunnel_info", "instance", MonitoringServer.INSTANCE, "table", "orders",
                    "tunnel", "sync", "tunnel_id", tunnelId, "type", "Stream", "stage", "ProcessStream")).hasValue(1);
            assertThat(m.value("tunnelstore_tunnels", "instance", MonitoringServer.INSTANCE, "stage",
                    "ProcessStream")).hasValue(1);
            assertThat(m.value("tunnelstore_tunnel_lag_records", tunnel)).hasValue(7);
            assertThat(m.value("tunnelstore_tunnel_lag_seconds", tunnel)).hasValue(90);
            assertThat(m.value("tunnelstore_tunnel_consumed_records", tunnel)).hasValue(0);
            assertThat(m.value("tunnelstore_tunnel_clients", tunnel)).hasValue(0);
            // 7 days of stream retention minus the 90 s the oldest pending change has waited
            assertThat(m.value("tunnelstore_tunnel_data_loss_in_seconds", tunnel)).hasValue(7 * 86_400 - 90);
            assertThat(m.value("tunnelstore_tunnel_expired", tunnel)).hasValue(0);
            assertThat(m.value("tunnelstore_tunnel_channels", with(tunnel, "status", "WAIT"))).hasValue(1);
            assertThat(m.all("tunnelstore_tunnel_base_progress_ratio")).isEmpty(); // a Stream tunnel has no base data
            String[] channel = with(tunnel, "channel", channelId);
            assertThat(m.value("tunnelstore_channel_lag_records", channel)).hasValue(7);
            assertThat(m.value("tunnelstore_channel_lag_seconds", channel)).hasValue(90);
            assertThat(m.value("tunnelstore_channel_consumed_records", channel)).hasValue(0);
            assertThat(m.value("tunnelstore_connected_clients", "instance", MonitoringServer.INSTANCE)).hasValue(0);
            assertThat(m.all("jvm_memory_used_bytes")).isNotEmpty();

            // the scrape itself is not an API request, and the series follow further traffic exactly
            ots.put("orders", 8, "v8");
            PrometheusText again = new PrometheusText(ots.get("/metrics").body());
            assertThat(again.value("tunnelstore_requests_seconds_count", "action", "PutRow", "code", "OK"))
                    .hasValue(8);
            assertThat(again.value("tunnelstore_tunnel_lag_records", tunnel)).hasValue(8);
            assertThat(again.value("tunnelstore_changelog_records_total", "instance", MonitoringServer.INSTANCE,
                    "table", "orders")).hasValue(8);
        }
    }

    @Test
    void deletedTunnelsDisappearFromTheSeries() throws Exception {
        try (MonitoringServer ots = new MonitoringServer(dataDir, MetricsModule::new)) {
            ots.createTable("items");
            ots.tunnels.createTunnel(new CreateTunnelRequest("items", "gone", TunnelType.BaseAndStream));
            String[] tunnel = {"instance", MonitoringServer.INSTANCE, "table", "items", "tunnel", "gone"};
            PrometheusText before = new PrometheusText(ots.get("/metrics").body());
            assertThat(before.value("tunnelstore_tunnel_expired", tunnel)).hasValue(0);
            assertThat(before.value("tunnelstore_tunnel_base_progress_ratio", tunnel)).hasValue(0);

            ots.tunnels.deleteTunnel(new com.alicloud.openservices.tablestore.model.tunnel.DeleteTunnelRequest(
                    "items", "gone"));

            PrometheusText after = new PrometheusText(ots.get("/metrics").body());
            assertThat(after.all("tunnelstore_tunnel_expired")).isEmpty();
            assertThat(after.all("tunnelstore_tunnel_info")).isEmpty();
            assertThat(after.value("tunnelstore_requests_seconds_count", "action", "tunnel/delete", "code", "OK"))
                    .hasValue(1);
        }
    }

    @Test
    void percentileHistogramsCanBeSwitchedOn() throws Exception {
        try (MonitoringServer ots = new MonitoringServer(dataDir,
                ctx -> new MetricsModule(ctx, MetricsSettings.defaults().withPercentileHistograms(true)))) {
            ots.createTable("t");
            PrometheusText m = new PrometheusText(ots.get("/metrics").body());
            assertThat(m.value("tunnelstore_requests_seconds_bucket", "action", "CreateTable", "code", "OK", "le",
                    "+Inf")).hasValue(1);
        }
    }

    private static String[] with(String[] base, String... more) {
        String[] out = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, out, base.length, more.length);
        return out;
    }
}
