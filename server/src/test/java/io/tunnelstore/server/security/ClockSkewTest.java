package io.tunnelstore.server.security;

import static io.tunnelstore.server.TestServers.ADMIN_AK;
import static io.tunnelstore.server.TestServers.ADMIN_SK;
import static io.tunnelstore.server.TestServers.INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.ClientConfiguration;
import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.TunnelClient;
import com.alicloud.openservices.tablestore.core.auth.DefaultCredentialProvider;
import com.alicloud.openservices.tablestore.core.auth.DefaultCredentials;
import com.alicloud.openservices.tablestore.core.auth.V4Credentials;
import com.alicloud.openservices.tablestore.model.tunnel.ListTunnelRequest;
import io.tunnelstore.protocol.auth.ContentMd5;
import io.tunnelstore.protocol.auth.Signatures;
import io.tunnelstore.protocol.pb.TableProtos;
import io.tunnelstore.server.RawHttpClient;
import io.tunnelstore.server.RawHttpClient.Response;
import io.tunnelstore.server.SignedRequests;
import io.tunnelstore.server.TestServers;
import io.tunnelstore.testsupport.ManualClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 finding 5 (replay for ever): {@code x-ots-date} and the V4 sign date must lie within the clock-skew window
 * of the server clock (15 minutes by default), answered as the public service does; the clock is injected.
 */
class ClockSkewTest {

    private static final byte[] BODY = TableProtos.ListTableRequest.getDefaultInstance().toByteArray();

    @TempDir
    Path dataDir;

    /** A server whose clock stands at {@link TestServers#START} (03:04:05.678 UTC) with the default window. */
    private TestServers.Running startChecking() {
        return TestServers.start(TestServers.config(dataDir).maxClockSkew(Duration.ofMinutes(15)));
    }

    @Test
    void theWindowIsFifteenMinutesInBothDirections() throws IOException {
        try (TestServers.Running running = startChecking();
             RawHttpClient client = new RawHttpClient(running.port())) {
            // 14:59.678 early / 14:59.322 late: accepted
            assertThat(listTable(client, "2026-01-02T02:49:06.000Z").status()).isEqualTo(200);
            assertThat(listTable(client, "2026-01-02T03:19:05.000Z").status()).isEqualTo(200);
            // 15:00.678 early / 15:00.322 late: refused with the public service's code and message
            assertAuthFailed(listTable(client, "2026-01-02T02:49:05.000Z"),
                    "Mismatch between system time and x-ots-date: 2026-01-02T02:49:05.000Z.");
            assertAuthFailed(listTable(client, "2026-01-02T03:19:06.000Z"),
                    "Mismatch between system time and x-ots-date: 2026-01-02T03:19:06.000Z.");
        }
    }

    @Test
    void aCapturedRequestCannotBeReplayedOnceTheWindowHasPassed() throws IOException {
        try (TestServers.Running running = startChecking();
             RawHttpClient client = new RawHttpClient(running.port())) {
            Map<String, String> captured = SignedRequests.v2At("ListTable", INSTANCE, ADMIN_AK, ADMIN_SK, BODY,
                    "2026-01-02T03:04:05.678Z");
            assertThat(client.exchange("POST", "/ListTable", captured, BODY).status()).isEqualTo(200);
            // the date is read to the second (03:04:05): exactly 15 minutes later is the last accepted instant
            running.clock().advance(Duration.ofMinutes(15).minusMillis(678));
            assertThat(client.exchange("POST", "/ListTable", captured, BODY).status()).isEqualTo(200);
            running.clock().advance(Duration.ofMillis(1));
            assertAuthFailed(client.exchange("POST", "/ListTable", captured, BODY),
                    "Mismatch between system time and x-ots-date: 2026-01-02T03:04:05.678Z.");
        }
    }

    @Test
    void goAndRfc1123DateFormsAreReadAndAnUnreadableDateIsAParameterError() throws IOException {
        try (TestServers.Running running = startChecking();
             RawHttpClient client = new RawHttpClient(running.port())) {
            assertThat(listTable(client, "2026-01-02T03:04:05.1231Z").status()).isEqualTo(200); // Go's odd suffix
            assertThat(listTable(client, "Fri, 02 Jan 2026 03:04:05 GMT").status()).isEqualTo(200);
            Response bad = listTable(client, "blahblah");
            assertThat(bad.status()).isEqualTo(400);
            TableProtos.Error error = TableProtos.Error.parseFrom(bad.body());
            assertThat(error.getCode()).isEqualTo("OTSParameterInvalid");
            assertThat(error.getMessage()).isEqualTo("Invalid date format: blahblah.");
        }
    }

    @Test
    void aRequestWithoutDateIsRefused() throws IOException {
        try (TestServers.Running running = startChecking();
             RawHttpClient client = new RawHttpClient(running.port())) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("x-ots-apiversion", "2015-12-31");
            headers.put("x-ots-accesskeyid", ADMIN_AK);
            headers.put("x-ots-instancename", INSTANCE);
            headers.put("x-ots-contentmd5", ContentMd5.base64(BODY));
            headers.put("x-ots-signature",
                    Signatures.signV2(ADMIN_SK, Signatures.v2StringToSign("ListTable", headers)));
            Response response = client.exchange("POST", "/ListTable", headers, BODY);
            assertThat(response.status()).isEqualTo(400);
            TableProtos.Error error = TableProtos.Error.parseFrom(response.body());
            assertThat(error.getCode()).isEqualTo("OTSParameterInvalid");
            assertThat(error.getMessage()).isEqualTo("Missing header: x-ots-date.");
        }
    }

    @Test
    void theV4SignDateMustBeADayInsideTheWindow() throws IOException {
        try (TestServers.Running running = startChecking();
             RawHttpClient client = new RawHttpClient(running.port())) {
            String now = "2026-01-02T03:04:05.678Z";
            assertThat(listTableV4(client, now, "20260102").status()).isEqualTo(200);
            // the finding: a 1970 sign date was accepted
            assertAuthFailed(listTableV4(client, now, "19700101"),
                    "Mismatch between system time and x-ots-signdate: 19700101.");
            assertAuthFailed(listTableV4(client, now, "20260101"),
                    "Mismatch between system time and x-ots-signdate: 20260101.");
            assertAuthFailed(listTableV4(client, now, "20260103"),
                    "Mismatch between system time and x-ots-signdate: 20260103.");
            Response malformed = listTableV4(client, now, "2026-01-02");
            assertThat(malformed.status()).isEqualTo(400);
            assertThat(TableProtos.Error.parseFrom(malformed.body()).getMessage())
                    .isEqualTo("Invalid date format: 2026-01-02.");
        }
    }

    @Test
    void nearMidnightTheNeighbouringDayInsideTheWindowIsAccepted() throws IOException {
        try (TestServers.Running running = startChecking();
             RawHttpClient client = new RawHttpClient(running.port())) {
            ManualClock clock = running.clock();
            clock.rewind(Duration.between(Instant.parse("2026-01-02T00:10:00Z"), TestServers.START));
            String date = "2026-01-02T00:10:00.000Z";
            assertThat(listTableV4(client, date, "20260101").status()).isEqualTo(200); // 23:55 is in the window
            clock.advance(Duration.ofMinutes(6)); // 00:16: the window starts at 00:01
            assertAuthFailed(listTableV4(client, "2026-01-02T00:16:00.000Z", "20260101"),
                    "Mismatch between system time and x-ots-signdate: 20260101.");
            clock.advance(Duration.between(Instant.parse("2026-01-02T00:16:00Z"),
                    Instant.parse("2026-01-02T23:50:00Z")));
            assertThat(listTableV4(client, "2026-01-02T23:50:00.000Z", "20260103").status()).isEqualTo(200);
        }
    }

    @Test
    void withoutTheCheckOldDatesAreAcceptedAsBefore() throws IOException {
        try (TestServers.Running running = TestServers.start(TestServers.config(dataDir));
             RawHttpClient client = new RawHttpClient(running.port())) {
            assertThat(running.server().config().maxClockSkew()).isEmpty();
            assertThat(listTableV4(client, "1970-01-01T00:00:00.000Z", "19700101").status()).isEqualTo(200);
        }
    }

    /** The official SDKs send the current time: they pass the default window (V2, V4, tunnel client). */
    @Test
    void officialSdkRequestsPassTheDefaultWindow() {
        try (TestServers.Running running = TestServers.start(TestServers.config(dataDir)
                .clock(ManualClock.startingNow()).maxClockSkew(Duration.ofMinutes(15)))) {
            SyncClient v2 = new SyncClient(running.endpoint(), ADMIN_AK, ADMIN_SK, INSTANCE);
            V4Credentials v4Credentials = V4Credentials.createByServiceCredentials(
                    new DefaultCredentials(ADMIN_AK, ADMIN_SK), "cn-hangzhou");
            SyncClient v4 = new SyncClient(running.endpoint(), new DefaultCredentialProvider(v4Credentials),
                    INSTANCE, new ClientConfiguration(), null);
            TunnelClient tunnels = new TunnelClient(running.endpoint(), ADMIN_AK, ADMIN_SK, INSTANCE);
            try {
                assertThat(v2.listTable().getTableNames()).containsExactly("alpha", "beta");
                assertThat(v4.listTable().getTableNames()).containsExactly("alpha", "beta");
                assertThat(tunnels.listTunnel(new ListTunnelRequest("orders")).getTunnelInfos()).hasSize(1);
            } finally {
                v2.shutdown();
                v4.shutdown();
                tunnels.shutdown();
            }
        }
    }

    private static Response listTable(RawHttpClient client, String date) throws IOException {
        return client.exchange("POST", "/ListTable",
                SignedRequests.v2At("ListTable", INSTANCE, ADMIN_AK, ADMIN_SK, BODY, date), BODY);
    }

    private static Response listTableV4(RawHttpClient client, String date, String signDate) throws IOException {
        return client.exchange("POST", "/ListTable",
                SignedRequests.v4At("ListTable", INSTANCE, ADMIN_AK, ADMIN_SK, BODY, date, signDate, "cn-hangzhou"),
                BODY);
    }

    static void assertAuthFailed(Response response, String message) throws IOException {
        assertThat(response.status()).isEqualTo(403);
        TableProtos.Error error = TableProtos.Error.parseFrom(response.body());
        assertThat(error.getCode()).isEqualTo("OTSAuthFailed");
        assertThat(error.getMessage()).isEqualTo(message);
    }
}
