package io.tunnelstore.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.server.metrics.MetricsModule;
import io.tunnelstore.server.metrics.MetricsSettings;
import io.tunnelstore.server.metrics.MonitoringServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression tests for issue 14, finding 6 (login hygiene): throttled console and HTTP Basic logins with back-off
 * (on the server's movable clock, no sleeping), the Origin check on state-changing console requests, the
 * {@code Secure} cookie flag, and {@code /metrics} behind a bearer token with exact route matching.
 */
class ConsoleLoginHygieneTest {

    @TempDir
    Path dataDir;
    private MonitoringServer ots;

    private MonitoringServer start(ConsoleSettings settings, MetricsSettings metrics) {
        ots = new MonitoringServer(dataDir, ctx -> new ConsoleModule(ctx, settings),
                ctx -> new MetricsModule(ctx, metrics));
        return ots;
    }

    private MonitoringServer start() {
        return start(ConsoleSettings.defaults(), MetricsSettings.defaults());
    }

    @AfterEach
    void stop() {
        if (ots != null) {
            ots.close();
        }
    }

    private HttpResponse<String> login(String accessKeyId, String secret, String origin) throws Exception {
        String form = "accessKeyId=" + java.net.URLEncoder.encode(accessKeyId, StandardCharsets.UTF_8)
                + "&accessKeySecret=" + java.net.URLEncoder.encode(secret, StandardCharsets.UTF_8);
        HttpRequest.Builder b = HttpRequest.newBuilder().header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (origin != null) {
            b.header("origin", origin);
        }
        return ots.send(b, "/console/api/login");
    }

    private HttpResponse<String> login(String accessKeyId, String secret) throws Exception {
        return login(accessKeyId, secret, null);
    }

    private HttpResponse<String> basic(String accessKeyId, String secret) throws Exception {
        String credentials = Base64.getEncoder().encodeToString((accessKeyId + ":" + secret)
                .getBytes(StandardCharsets.UTF_8));
        return ots.send(HttpRequest.newBuilder().header("authorization", "Basic " + credentials).GET(),
                "/console/api/session");
    }

    @Test
    void failedLoginsOfAKeyAreThrottledWithADoublingBackOff() throws Exception {
        start();
        for (int i = 0; i < 5; i++) {
            assertThat(login(MonitoringServer.AK, "wrong").statusCode()).isEqualTo(401);
        }
        // Sixth attempt within the back-off: refused without checking the secret, even the right one.
        HttpResponse<String> throttled = login(MonitoringServer.AK, MonitoringServer.SK);
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("retry-after")).contains("1");
        assertThat(throttled.body()).isEqualTo("{\"error\":\"Too many failed logins; retry in 1 s.\"}");

        ots.advance(Duration.ofSeconds(1));
        assertThat(login(MonitoringServer.AK, "wrong").statusCode()).isEqualTo(401); // 6th failure: 2 s
        assertThat(login(MonitoringServer.AK, MonitoringServer.SK).headers().firstValue("retry-after"))
                .contains("2");
        ots.advance(Duration.ofMillis(1999));
        assertThat(login(MonitoringServer.AK, MonitoringServer.SK).statusCode()).isEqualTo(429);
        ots.advance(Duration.ofMillis(1));
        assertThat(login(MonitoringServer.AK, MonitoringServer.SK).statusCode()).isEqualTo(200);
        // Success clears the count: the next failure is free again.
        assertThat(login(MonitoringServer.AK, "wrong").statusCode()).isEqualTo(401);
        assertThat(login(MonitoringServer.AK, MonitoringServer.SK).statusCode()).isEqualTo(200);
    }

    @Test
    void failuresFromOneAddressAcrossManyKeysThrottleTheAddress() throws Exception {
        start();
        for (int i = 0; i < 5; i++) {
            assertThat(login("guess-" + i, "wrong").statusCode()).isEqualTo(401);
        }
        assertThat(login("guess-new", "wrong").statusCode()).isEqualTo(429);
        assertThat(login(MonitoringServer.AK, MonitoringServer.SK).statusCode()).isEqualTo(429);
        ots.advance(Duration.ofSeconds(1));
        assertThat(login(MonitoringServer.AK, MonitoringServer.SK).statusCode()).isEqualTo(200);
    }

    @Test
    void httpBasicLoginsAreThrottledToo() throws Exception {
        start();
        for (int i = 0; i < 5; i++) {
            assertThat(basic(MonitoringServer.AK, "wrong").statusCode()).isEqualTo(401);
        }
        assertThat(basic(MonitoringServer.AK, MonitoringServer.SK).statusCode()).isEqualTo(429);
        // A bogus session cookie does not bypass the throttle.
        String credentials = Base64.getEncoder().encodeToString((MonitoringServer.AK + ":wrong")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(ots.send(HttpRequest.newBuilder().header("authorization", "Basic " + credentials)
                .header("cookie", ConsoleApi.COOKIE + "=bogus").GET(), "/console/api/session").statusCode())
                .isEqualTo(429);
        ots.advance(Duration.ofSeconds(1));
        assertThat(basic(MonitoringServer.AK, MonitoringServer.SK).statusCode()).isEqualTo(200);
    }

    @Test
    void crossOriginStateChangingRequestsAreRefused() throws Exception {
        start();
        String self = "http://127.0.0.1:" + ots.server.port();
        HttpResponse<String> evil = login(MonitoringServer.AK, MonitoringServer.SK, "https://evil.example");
        assertThat(evil.statusCode()).isEqualTo(403);
        assertThat(evil.body()).isEqualTo("{\"error\":\"Cross-origin request refused.\"}");
        assertThat(evil.headers().firstValue("set-cookie")).isEmpty();
        assertThat(login(MonitoringServer.AK, MonitoringServer.SK, "null").statusCode()).isEqualTo(403);
        HttpResponse<String> crossSite = ots.send(HttpRequest.newBuilder().header("sec-fetch-site", "cross-site")
                .POST(HttpRequest.BodyPublishers.noBody()), "/console/api/logout");
        assertThat(crossSite.statusCode()).isEqualTo(403);

        assertThat(login(MonitoringServer.AK, MonitoringServer.SK, self).statusCode()).isEqualTo(200);
        assertThat(login(MonitoringServer.AK, MonitoringServer.SK).statusCode()).isEqualTo(200); // not a browser
    }

    @Test
    void sessionCookieIsSecureOnlyWhenConfigured() throws Exception {
        start(ConsoleSettings.defaults().withSecureCookies(true), MetricsSettings.defaults());
        String cookie = login(MonitoringServer.AK, MonitoringServer.SK).headers().firstValue("set-cookie")
                .orElseThrow();
        assertThat(cookie).endsWith("; HttpOnly; SameSite=Strict; Max-Age=1800; Secure");
        ots.close();
        ots = null;
        start();
        assertThat(login(MonitoringServer.AK, MonitoringServer.SK).headers().firstValue("set-cookie").orElseThrow())
                .endsWith("; HttpOnly; SameSite=Strict; Max-Age=1800");
    }

    @Test
    void metricsNeedTheBearerTokenWhenOneIsConfiguredAndMatchExactly() throws Exception {
        start(ConsoleSettings.defaults(), MetricsSettings.defaults().withBearerToken("s3cret-token"));
        HttpResponse<String> anonymous = ots.get("/metrics");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("www-authenticate")).contains("Bearer realm=\"tunnelstore-metrics\"");
        assertThat(anonymous.body()).doesNotContain("tunnelstore_");
        assertThat(ots.send(HttpRequest.newBuilder().header("authorization", "Bearer wrong").GET(), "/metrics")
                .statusCode()).isEqualTo(401);
        HttpResponse<String> scraped = ots.send(HttpRequest.newBuilder()
                .header("authorization", "Bearer s3cret-token").GET(), "/metrics");
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.body()).contains("jvm_memory_used_bytes");

        // Exact routes: these are not /metrics or /health/live.
        assertThat(ots.get("/metricsfoo").statusCode()).isEqualTo(405);
        assertThat(ots.get("/health/livexyz").statusCode()).isEqualTo(405);
        assertThat(ots.get("/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void throttleBackOffIsCappedAndEntriesAreForgotten() {
        AtomicLong now = new AtomicLong(0);
        LoginThrottle throttle = new LoginThrottle(now::get, 2, Duration.ofSeconds(1), Duration.ofSeconds(4));
        throttle.failed("k", "a");
        throttle.failed("k", "a");
        assertThat(throttle.retryAfterMillis("k", "b")).hasValue(1000);
        assertThat(throttle.retryAfterMillis("other", "a")).hasValue(1000);
        assertThat(throttle.retryAfterMillis("other", "b")).isEmpty();
        for (int i = 0; i < 10; i++) {
            throttle.failed("k", "a");
        }
        assertThat(throttle.retryAfterMillis("k", "a")).hasValue(4000); // capped at maxDelay
        now.set(3999);
        assertThat(throttle.retryAfterMillis("k", "a")).hasValue(1);
        now.set(4000);
        assertThat(throttle.retryAfterMillis("k", "a")).isEmpty();
        throttle.failed("x", "y"); // purges entries idle for maxDelay: "k" is forgotten, counts start over
        throttle.failed("k", "a");
        assertThat(throttle.retryAfterMillis("k", "c")).isEmpty();
    }
}
