package io.tunnelstore.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.model.tunnel.CreateTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.DescribeTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelType;
import com.alicloud.openservices.tablestore.tunnel.worker.IChannelProcessor;
import com.alicloud.openservices.tablestore.tunnel.worker.ProcessRecordsInput;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorker;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorkerConfig;
import io.tunnelstore.server.auth.AccessKey;
import io.tunnelstore.server.metrics.MonitoringServer;
import io.tunnelstore.server.tunnel.TunnelModule;
import com.alicloud.openservices.tablestore.model.tunnel.internal.ConnectTunnelRequest;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelClientConfig;
import io.tunnelstore.testsupport.Await;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's JSON API over HTTP: authentication, sessions, and exact contents for a known table and tunnel. */
class ConsoleApiTest {

    private static final String I = MonitoringServer.INSTANCE;

    @TempDir
    Path dataDir;

    private MonitoringServer ots;
    private final AtomicReference<ConsoleModule> console = new AtomicReference<>();
    private final AtomicReference<TunnelModule> tunnelModule = new AtomicReference<>();

    @BeforeEach
    void start() {
        ots = new MonitoringServer(dataDir, tunnelModule, ctx -> {
            // a long sample interval: the test samples explicitly with sampleNow()
            ConsoleModule m = new ConsoleModule(ctx, ConsoleSettings.defaults()
                    .withSampleInterval(Duration.ofMinutes(10)).withSessionIdleTimeout(Duration.ofMinutes(30)),
                    instance -> tunnelModule.get().tunnels(instance));
            console.set(m);
            return m;
        });
    }

    @AfterEach
    void stop() {
        if (ots != null) {
            ots.close();
        }
    }

    @Test
    void everyApiEndpointNeedsALogin() throws Exception {
        for (String path : new String[] {"session", "instances", "instances/" + I + "/tables",
                "instances/" + I + "/tunnels", "instances/" + I + "/tunnels/x", "instances/" + I + "/clients",
                "nonsense"}) {
            HttpResponse<String> r = ots.get("/console/api/" + path);
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(r.body()).as(path)
                    .isEqualTo("{\"error\":\"Log in first (session cookie or HTTP Basic access key id and secret).\"}");
        }
        assertThat(get("/console/api/session", "tunnelstore_console=forged").statusCode()).isEqualTo(401);
    }

    @Test
    void loginRefusesWrongCredentials() throws Exception {
        HttpResponse<String> wrongSecret = login(MonitoringServer.AK, "not-the-secret");
        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        assertThat(wrongSecret.headers().firstValue("set-cookie")).isEmpty();
        assertThat(login("unknown-ak", MonitoringServer.SK).statusCode()).isEqualTo(401);
        assertThat(login("", "").statusCode()).isEqualTo(401);
    }

    @Test
    void sessionCookieGivesAccessUntilLogoutOrIdleTimeout() throws Exception {
        HttpResponse<String> ok = login(MonitoringServer.AK, MonitoringServer.SK);
        long now = ots.clock.millis();
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("{\"accessKeyId\":\"monitor-ak\",\"instances\":[\"monitored\"],\"expiresAt\":"
                + (now + Duration.ofMinutes(30).toMillis()) + "}");
        String setCookie = ok.headers().firstValue("set-cookie").orElseThrow();
        assertThat(setCookie).matches("tunnelstore_console=[A-Za-z0-9_-]{43}; Path=/console; HttpOnly; "
                + "SameSite=Strict; Max-Age=1800");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        HttpResponse<String> session = get("/console/api/session", cookie);
        assertThat(session.statusCode()).isEqualTo(200);
        assertThat(session.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(get("/console/api/instances", cookie).body())
                .isEqualTo("{\"instances\":[{\"name\":\"monitored\",\"tables\":0,\"tunnels\":0,\"clients\":0}]}");

        // idle for 29 minutes keeps the session (each use restarts the idle timer), 30 idle minutes end it
        ots.advance(Duration.ofMinutes(29));
        assertThat(get("/console/api/session", cookie).statusCode()).isEqualTo(200);
        ots.advance(Duration.ofMinutes(29));
        assertThat(get("/console/api/session", cookie).statusCode()).isEqualTo(200);
        ots.advance(Duration.ofMinutes(30));
        assertThat(get("/console/api/session", cookie).statusCode()).isEqualTo(401);

        String second = cookieOf(login(MonitoringServer.AK, MonitoringServer.SK));
        assertThat(get("/console/api/session", second).statusCode()).isEqualTo(200);
        HttpResponse<String> logout = ots.send(HttpRequest.newBuilder().header("cookie", second)
                .POST(HttpRequest.BodyPublishers.noBody()), "/console/api/logout");
        assertThat(logout.statusCode()).isEqualTo(200);
        assertThat(logout.headers().firstValue("set-cookie")).hasValue(
                "tunnelstore_console=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0");
        assertThat(get("/console/api/session", second).statusCode()).isEqualTo(401);
    }

    @Test
    void deletingTheAccessKeyEndsItsSessions() throws Exception {
        var credentials = ots.server.context().credentialStore();
        credentials.putAccessKey(I, new AccessKey("viewer", "viewer-secret", false, ots.clock.millis()));
        String cookie = cookieOf(login("viewer", "viewer-secret"));
        assertThat(get("/console/api/session", cookie).statusCode()).isEqualTo(200);

        credentials.deleteAccessKey(I, "viewer");

        assertThat(get("/console/api/session", cookie).statusCode()).isEqualTo(401);
    }

    @Test
    void aTableLimitedKeySeesOnlyItsTablesTunnels() throws Exception {
        ots.createTable("mine");
        ots.createTable("theirs");
        ots.tunnels.createTunnel(new CreateTunnelRequest("mine", "t-mine", TunnelType.Stream));
        ots.tunnels.createTunnel(new CreateTunnelRequest("theirs", "t-theirs", TunnelType.Stream));
        ots.server.context().credentialStore().putAccessKey(I, new AccessKey("limited", "limited-secret",
                io.tunnelstore.server.auth.KeyScope.READ_ONLY, java.util.Set.of("mine"), ots.clock.millis()));
        String cookie = cookieOf(login("limited", "limited-secret"));
        HttpResponse<String> tunnels = get("/console/api/instances/" + I + "/tunnels", cookie);
        assertThat(tunnels.statusCode()).isEqualTo(200);
        assertThat(tunnels.body()).contains("\"tunnelName\":\"t-mine\"").doesNotContain("t-theirs");
    }

    @Test
    void httpBasicAuthenticationWorksWithoutASession() throws Exception {
        String good = "Basic " + Base64.getEncoder().encodeToString(
                (MonitoringServer.AK + ":" + MonitoringServer.SK).getBytes(StandardCharsets.UTF_8));
        String bad = "Basic " + Base64.getEncoder().encodeToString(
                (MonitoringServer.AK + ":wrong").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> ok = ots.send(HttpRequest.newBuilder().header("authorization", good).GET(),
                "/console/api/session");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("{\"accessKeyId\":\"monitor-ak\",\"instances\":[\"monitored\"],"
                + "\"expiresAt\":null}");
        assertThat(ots.send(HttpRequest.newBuilder().header("authorization", bad).GET(), "/console/api/session")
                .statusCode()).isEqualTo(401);
        assertThat(ots.send(HttpRequest.newBuilder().header("authorization", "Basic !!!").GET(),
                "/console/api/session").statusCode()).isEqualTo(401);
    }

    @Test
    void tablesTunnelsChannelsClientsAndHistoryAreReportedExactly() throws Exception {
        String cookie = cookieOf(login(MonitoringServer.AK, MonitoringServer.SK));
        ots.createTable("orders");
        long createdAt = ots.clock.millis();
        String tunnelId = ots.tunnels.createTunnel(new CreateTunnelRequest("orders", "sync", TunnelType.Stream))
                .getTunnelId();
        String channelId = ots.tunnels.describeTunnel(new DescribeTunnelRequest("orders", "sync")).getChannelInfos()
                .get(0).getChannelId();
        console.get().sampleNow();
        for (long id = 1; id <= 7; id++) {
            ots.put("orders", id, "v" + id);
        }
        ots.advance(Duration.ofSeconds(10));
        console.get().sampleNow();
        ots.advance(Duration.ofSeconds(80));
        long now = ots.clock.millis();
        String streamId = ots.server.context().catalog().require(I, "orders").stream()
                .streamId();

        assertThat(get("/console/api/instances/" + I + "/tables", cookie).body()).isEqualTo(
                "{\"instance\":\"monitored\",\"tables\":[{\"name\":\"orders\",\"tableId\":1,"
                        + "\"primaryKey\":[{\"name\":\"id\",\"type\":\"INTEGER\",\"autoIncrement\":false}],"
                        + "\"definedColumns\":[],\"timeToLiveSeconds\":-1,\"maxVersions\":1,\"partitions\":1,"
                        + "\"stream\":{\"enabled\":true,\"streamId\":\"" + streamId + "\",\"expirationHours\":168},"
                        + "\"tunnels\":1}]}");

        String summary = "{\"tunnelId\":\"" + tunnelId + "\",\"tunnelName\":\"sync\",\"tableName\":\"orders\","
                + "\"type\":\"Stream\",\"stage\":\"ProcessStream\",\"expired\":false,\"createTime\":" + createdAt
                + ",\"rpo\":null,\"channelCount\":1,\"channelsByStatus\":{\"WAIT\":1},\"baseProgressPercent\":null,"
                + "\"consumed\":0,\"lagRecords\":7,\"lagMillis\":90000,"
                + "\"dataLossInMillis\":" + (Duration.ofHours(168).toMillis() - 90_000)
                + ",\"forecastLossInMillis\":null,\"rebaselines\":0,\"dataLosses\":0,\"clients\":0";
        assertThat(get("/console/api/instances/" + I + "/tunnels", cookie).body())
                .isEqualTo("{\"instance\":\"monitored\",\"tunnels\":[" + summary + "}]}");
        assertThat(get("/console/api/instances/" + I + "/tunnels?table=other", cookie).body())
                .isEqualTo("{\"instance\":\"monitored\",\"tunnels\":[]}");
        assertThat(get("/console/api/instances/" + I + "/tunnels/" + tunnelId, cookie).body()).isEqualTo(
                summary + ",\"history\":[],\"channels\":[{\"channelId\":\"" + channelId + "\",\"type\":\"Stream\","
                        + "\"status\":\"WAIT\",\"owner\":null,\"rpo\":null,\"consumed\":0,\"lagRecords\":7,"
                        + "\"lagMillis\":90000}],\"sampledAt\":" + now + "}");
        // two samples 10 s apart, 7 change-log records in between: 0.7 writes/s, nothing consumed
        assertThat(get("/console/api/instances/" + I + "/tunnels/" + tunnelId + "/history", cookie).body())
                .isEqualTo("{\"tunnelId\":\"" + tunnelId + "\",\"intervalMillis\":600000,\"points\":["
                        + "{\"t\":" + createdAt + ",\"consumed\":0,\"consumedPerSecond\":null,"
                        + "\"writesPerSecond\":null,\"lagRecords\":0,\"lagMillis\":0},"
                        + "{\"t\":" + (createdAt + 10_000) + ",\"consumed\":0,\"consumedPerSecond\":0.0,"
                        + "\"writesPerSecond\":0.7,\"lagRecords\":7,\"lagMillis\":10000}]}");
        assertThat(get("/console/api/instances/" + I + "/clients", cookie).body())
                .isEqualTo("{\"instance\":\"monitored\",\"clients\":[]}");
        assertThat(get("/console/api/instances", cookie).body())
                .isEqualTo("{\"instances\":[{\"name\":\"monitored\",\"tables\":1,\"tunnels\":1,\"clients\":0}]}");

        HttpResponse<String> missing = get("/console/api/instances/" + I + "/tunnels/no-such-id", cookie);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("{\"error\":\"No such tunnel: no-such-id\"}");
        assertThat(get("/console/api/instances/other/tables", cookie).statusCode()).isEqualTo(404);
    }

    @Test
    void connectedClientsIncludeThoseHoldingNoChannel() throws Exception {
        String cookie = cookieOf(login(MonitoringServer.AK, MonitoringServer.SK));
        ots.createTable("orders");
        String tunnelId = ots.tunnels.createTunnel(new CreateTunnelRequest("orders", "sync", TunnelType.Stream))
                .getTunnelId();
        String channelId = ots.tunnels.describeTunnel(new DescribeTunnelRequest("orders", "sync")).getChannelInfos()
                .get(0).getChannelId();
        long connectedAt = ots.clock.millis();
        // connected, but no heartbeat yet: neither holds a channel (DescribeTunnel alone would show no client)
        String first = ots.tunnels.connectTunnel(new ConnectTunnelRequest(tunnelId,
                new TunnelClientConfig(60, "worker-a"))).getClientId();
        String second = ots.tunnels.connectTunnel(new ConnectTunnelRequest(tunnelId,
                new TunnelClientConfig(60, "worker-b"))).getClientId();

        String a = "{\"clientId\":\"" + first + "\",\"clientTag\":\"worker-a\",\"lastHeartbeat\":" + connectedAt
                + ",\"tunnelId\":\"" + tunnelId + "\",\"tunnelName\":\"sync\",\"tableName\":\"orders\","
                + "\"channels\":[]}";
        String b = "{\"clientId\":\"" + second + "\",\"clientTag\":\"worker-b\",\"lastHeartbeat\":" + connectedAt
                + ",\"tunnelId\":\"" + tunnelId + "\",\"tunnelName\":\"sync\",\"tableName\":\"orders\","
                + "\"channels\":[]}";
        assertThat(get("/console/api/instances/" + I + "/clients", cookie).body()).isEqualTo(
                "{\"instance\":\"monitored\",\"clients\":[" + (first.compareTo(second) < 0 ? a + "," + b : b + "," + a)
                        + "]}");
        assertThat(get("/console/api/instances", cookie).body())
                .isEqualTo("{\"instances\":[{\"name\":\"monitored\",\"tables\":1,\"tunnels\":1,\"clients\":2}]}");
        assertThat(get("/console/api/instances/" + I + "/tunnels/" + tunnelId, cookie).body())
                .contains("\"channelsByStatus\":{\"WAIT\":1}", "\"clients\":2",
                        "{\"channelId\":\"" + channelId + "\",\"type\":\"Stream\",\"status\":\"WAIT\",\"owner\":null");
    }

    @Test
    void checkpointPageShowsTheChannelsAndChangesThemOnlyAfterADryRun() throws Exception {
        String cookie = cookieOf(login(MonitoringServer.AK, MonitoringServer.SK));
        ots.createTable("orders");
        String tunnelId = ots.tunnels.createTunnel(new CreateTunnelRequest("orders", "sync", TunnelType.Stream))
                .getTunnelId();
        for (long id = 1; id <= 7; id++) {
            ots.put("orders", id, "v" + id);
        }
        String page = "/console/api/instances/" + I + "/tunnels/" + tunnelId + "/checkpoints";
        long now = ots.clock.millis();
        HttpResponse<String> shown = get(page, cookie);
        assertThat(shown.statusCode()).isEqualTo(200);
        // never consumed: the channel starts at change-log sequence 1, the first of the 7 puts
        assertThat(shown.body()).startsWith("{\"tunnelId\":\"" + tunnelId + "\",\"tunnelName\":\"sync\","
                        + "\"tableName\":\"orders\",\"type\":\"Stream\",\"stage\":\"ProcessStream\",\"now\":" + now
                        + ",\"retentionStart\":" + (now - Duration.ofHours(168).toMillis()) + ",\"canManage\":true,"
                        + "\"channels\":[{\"channelId\":\"Stream_1\",\"type\":\"Stream\",\"status\":\"WAIT\","
                        + "\"owner\":null,\"version\":")
                .contains("\"sequenceNumber\":0,\"shardId\":1,\"nextSequence\":1,\"nextChangeTime\":" + now
                        + ",\"consumed\":0,\"finished\":false,\"lastCheckpointTime\":null}]")
                .endsWith(",\"history\":[]}");

        // a dry run answers what would change and changes nothing
        String reset = page + "/reset";
        HttpResponse<String> preview = post(reset, cookie, "dryRun=true");
        assertThat(preview.statusCode()).isEqualTo(200);
        assertThat(preview.body()).startsWith("{\"action\":\"reset\",\"dryRun\":true,\"tunnelId\":\"" + tunnelId + "\","
                        + "\"tunnelName\":\"sync\",\"changes\":[{\"channelId\":\"Stream_1\",\"before\":{")
                .contains("\"nextSequence\":1,", "\"nextSequence\":8,").endsWith("\"skipped\":[]}");
        assertThat(get(page, cookie).body()).isEqualTo(shown.body());

        // applied: the channel moves past the 7 changes (sequence bumped) and the audit trail names the key
        HttpResponse<String> applied = post(reset, cookie, "dryRun=false");
        assertThat(applied.statusCode()).isEqualTo(200);
        assertThat(applied.body()).startsWith("{\"action\":\"reset\",\"dryRun\":false,\"tunnelId\":\"" + tunnelId
                + "\",");
        String after = get(page, cookie).body();
        assertThat(after).contains("\"sequenceNumber\":1,\"shardId\":1,\"nextSequence\":8,\"nextChangeTime\":null,")
                .contains("\"kind\":\"CHECKPOINT_RESET\",\"channelId\":\"Stream_1\"",
                        "\"actor\":\"monitor-ak\"");

        // bad input and refusals carry the tunnel service's error code
        HttpResponse<String> future = post(page + "/rewind", cookie, "dryRun=true&timeMs=" + (now + 60_000));
        assertThat(future.statusCode()).isEqualTo(400);
        assertThat(future.body()).startsWith("{\"error\":\"").contains("is in the future")
                .endsWith("\"code\":\"OTSParameterInvalid\"}");
        assertThat(post(page + "/set", cookie, "channelId=Stream_1").body()).isEqualTo(
                "{\"error\":\"Give exactly one of token, nextSequence and timeMs.\",\"code\":\"OTSParameterInvalid\"}");
        assertThat(post(page + "/teleport", cookie, "").statusCode()).isEqualTo(404);

        // fork: a new tunnel from these checkpoints, the original untouched
        HttpResponse<String> fork = post(page + "/fork", cookie, "dryRun=false&newTunnelName=replay");
        assertThat(fork.statusCode()).isEqualTo(200);
        assertThat(fork.body()).contains("\"tunnelName\":\"replay\"", "\"nextSequence\":8,");
        assertThat(get("/console/api/instances/" + I + "/tunnels?table=orders", cookie).body())
                .contains("\"tunnelName\":\"replay\"", "\"tunnelName\":\"sync\"");
        assertThat(get(page, cookie).body()).contains("\"kind\":\"FORKED_TO\"");

        // export, then import the same JSON back: valid, nothing differs
        HttpResponse<String> export = get(page + "/export", cookie);
        assertThat(export.statusCode()).isEqualTo(200);
        String json = com.google.gson.JsonParser.parseString(export.body()).getAsJsonObject().get("json").getAsString();
        assertThat(json).contains("\"format\": \"tunnelstore.checkpoints/1\"", "\"tunnel\": \"sync\"");
        HttpResponse<String> imported = post(page + "/import", cookie, "dryRun=true&json="
                + java.net.URLEncoder.encode(json, StandardCharsets.UTF_8));
        assertThat(imported.statusCode()).isEqualTo(200);
        assertThat(imported.body()).contains("\"changes\":[]");

        // a cross-site page cannot drive it
        HttpResponse<String> crossSite = ots.send(HttpRequest.newBuilder().header("cookie", cookie)
                .header("origin", "https://evil.example").header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("dryRun=false")), reset);
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(ots.send(HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString("dryRun=false")),
                reset).statusCode()).isEqualTo(401);
    }

    /** A set from the console moves a channel that a live official worker consumes: the worker follows it. */
    @Test
    void aCheckpointSetFromTheConsoleMovesALiveOfficialWorker() throws Exception {
        String cookie = cookieOf(login(MonitoringServer.AK, MonitoringServer.SK));
        ots.createTable("orders");
        String tunnelId = ots.tunnels.createTunnel(new CreateTunnelRequest("orders", "sync", TunnelType.Stream))
                .getTunnelId();
        String page = "/console/api/instances/" + I + "/tunnels/" + tunnelId + "/checkpoints";
        List<Long> ids = new CopyOnWriteArrayList<>();
        TunnelWorkerConfig config = new TunnelWorkerConfig(new IChannelProcessor() {
            @Override
            public void process(ProcessRecordsInput input) {
                input.getRecords().forEach(r -> ids.add(r.getPrimaryKey().getPrimaryKeyColumn(0).getValue().asLong()));
            }

            @Override
            public void shutdown() {}
        });
        config.setHeartbeatIntervalInSec(5);
        config.setCheckpointIntervalInMillis(0); // checkpoint after every batch
        config.setMaxRetryIntervalInMillis(200);
        TunnelWorker worker = new TunnelWorker(tunnelId, ots.tunnels, config);
        try {
            worker.connectAndWorking();
            for (long id = 1; id <= 5; id++) {
                ots.put("orders", id, "v" + id);
            }
            Await.until("rows 1-5 delivered", Duration.ofSeconds(60), () -> ids.size() == 5);
            Await.until("the worker's checkpoint after row 5", Duration.ofSeconds(60),
                    () -> body(page, cookie).contains("\"nextSequence\":6,"));

            // row id is at change-log sequence id: from sequence 3 on, rows 3-5 come again
            HttpResponse<String> set = post(page + "/set", cookie, "dryRun=false&channelId=Stream_1&nextSequence=3");
            assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
            Await.until("rows 3-5 delivered again", Duration.ofSeconds(60), () -> ids.size() == 8);
            assertThat(ids).containsExactly(1L, 2L, 3L, 4L, 5L, 3L, 4L, 5L);
            Await.until("the worker's checkpoint after row 5 again", Duration.ofSeconds(60),
                    () -> body(page, cookie).contains("\"nextSequence\":6,"));
            assertThat(body(page, cookie)).contains("\"kind\":\"CHECKPOINT_SET\",\"channelId\":\"Stream_1\"",
                    "\"actor\":\"monitor-ak\"");
        } finally {
            worker.shutdown();
            config.shutdown();
        }
    }

    private String body(String path, String cookie) {
        try {
            return get(path, cookie).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aReadOnlyKeySeesCheckpointsButCannotChangeThem() throws Exception {
        ots.createTable("orders");
        String tunnelId = ots.tunnels.createTunnel(new CreateTunnelRequest("orders", "sync", TunnelType.Stream))
                .getTunnelId();
        ots.server.context().credentialStore().putAccessKey(I, new AccessKey("reader", "reader-secret",
                io.tunnelstore.server.auth.KeyScope.READ_ONLY, java.util.Set.of(), ots.clock.millis()));
        String cookie = cookieOf(login("reader", "reader-secret"));
        String page = "/console/api/instances/" + I + "/tunnels/" + tunnelId + "/checkpoints";
        HttpResponse<String> shown = get(page, cookie);
        assertThat(shown.statusCode()).isEqualTo(200);
        assertThat(shown.body()).contains("\"canManage\":false", "\"channelId\":\"Stream_1\"");
        assertThat(get(page + "/export", cookie).statusCode()).isEqualTo(200);
        java.util.Map<String, String> forms = java.util.Map.of("reset", "", "rewind", "timeMs=" + ots.clock.millis(),
                "set", "channelId=Stream_1&nextSequence=1", "fork", "newTunnelName=x", "import", "json=%7B%7D");
        for (var action : forms.entrySet()) {
            HttpResponse<String> refused = post(page + "/" + action.getKey(), cookie,
                    "dryRun=true&" + action.getValue());
            assertThat(refused.statusCode()).as(action.getKey()).isEqualTo(403);
            assertThat(refused.body()).as(action.getKey()).contains("\"code\":\"OTSNoPermissionAccess\"");
        }
        assertThat(get(page, cookie).body()).isEqualTo(shown.body()); // nothing changed (same clock reading)
    }

    @Test
    void servesThePageAndItsAssetsOnly() throws Exception {
        HttpResponse<String> redirect = ots.get("/console");
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("location")).hasValue("/console/");
        HttpResponse<String> page = ots.get("/console/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("content-security-policy")).hasValue(ConsoleAssets.CSP);
        assertThat(page.body()).contains("<title>Tunnelstore Console</title>", "assets/app.js");
        assertThat(ots.get("/console/assets/app.js").headers().firstValue("content-type"))
                .hasValue("text/javascript; charset=utf-8");
        assertThat(ots.get("/console/assets/app.css").statusCode()).isEqualTo(200);
        assertThat(ots.get("/console/assets/../../metrics").statusCode()).isEqualTo(404);
        assertThat(ots.get("/console/assets/ConsoleModule.class").statusCode()).isEqualTo(404);
        assertThat(ots.get("/consoleX").statusCode()).isEqualTo(405); // no route: not the console (exact match)
    }

    private HttpResponse<String> login(String accessKeyId, String secret) throws Exception {
        String form = "accessKeyId=" + java.net.URLEncoder.encode(accessKeyId, StandardCharsets.UTF_8)
                + "&accessKeySecret=" + java.net.URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return ots.send(HttpRequest.newBuilder().header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)), "/console/api/login");
    }

    private static String cookieOf(HttpResponse<String> loginResponse) {
        assertThat(loginResponse.statusCode()).isEqualTo(200);
        String setCookie = loginResponse.headers().firstValue("set-cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private HttpResponse<String> post(String path, String cookie, String form) throws Exception {
        return ots.send(HttpRequest.newBuilder().header("cookie", cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)), path);
    }

        private HttpResponse<String> get(String path, String cookie) throws Exception {
        return ots.send(HttpRequest.newBuilder().header("cookie", cookie).GET(), path);
    }
}
