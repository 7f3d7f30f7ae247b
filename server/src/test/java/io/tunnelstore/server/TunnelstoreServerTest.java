package io.tunnelstore.server;

import static io.tunnelstore.server.TestServers.INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tunnelstore.protocol.pb.TableProtos;
import io.tunnelstore.server.auth.AccessKey;
import io.tunnelstore.testsupport.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Server lifecycle: start, ready line, admin keys, data-directory lock, clean and idempotent close. */
class TunnelstoreServerTest {

    private static final Pattern GENERATED = Pattern.compile(
            "Generated admin access key for instance tunnelstore \\(stored in the data directory; shown only once\\):"
                    + " accessKeyId=(\\S+) accessKeySecret=(\\S+)\n");

    @TempDir
    Path dataDir;

    @Test
    void startPrintsTheReadyLineWithTheBoundPort() {
        try (TestServers.Running running = TestServers.start(dataDir)) {
            assertThat(running.port()).isPositive();
            assertThat(running.endpoint()).isEqualTo("http://127.0.0.1:" + running.port());
            assertThat(running.consoleText())
                    .isEqualTo("endpoint=http://127.0.0.1:" + running.port() + " instance=tunnelstore\n");
            assertThat(running.server().isRunning()).isTrue();
        }
    }

    @Test
    void secondServerOnTheSameDataDirFailsWithAClearMessageAndTheFirstKeepsServing() throws IOException {
        try (TestServers.Running first = TestServers.start(dataDir)) {
            TunnelstoreServer second = TunnelstoreServer.builder(TestServers.config(dataDir).build()).build();
            ServerStartException e = catchThrowableOfType(ServerStartException.class, second::start);
            assertThat(e).hasMessage("Cannot start Tunnelstore: data directory " + dataDir
                    + " is in use by another Tunnelstore process (or by another engine in this process)");
            assertThat(second.isRunning()).isFalse();
            second.close();

            assertThat(listTable(first.port(), TestServers.ADMIN_AK, TestServers.ADMIN_SK).status()).isEqualTo(200);
        }
    }

    @Test
    void adminKeyIsGeneratedAndPrintedOnlyAtFirstStartAndSurvivesRestart() throws IOException {
        ServerConfig.Builder config = ServerConfig.builder().port(0).dataDir(dataDir)
                .clock(ManualClock.startingAt(TestServers.START)).withoutClockSkewCheck()
                .syncWrites(false).workerThreads(2);
        String accessKeyId;
        String secret;
        try (TestServers.Running running = TestServers.start(config)) {
            Matcher m = GENERATED.matcher(running.consoleText());
            assertThat(m.find()).as(running.consoleText()).isTrue();
            accessKeyId = m.group(1);
            secret = m.group(2);
            assertThat(listTable(running.port(), accessKeyId, secret).status()).isEqualTo(200);
        }
        try (TestServers.Running restarted = TestServers.start(config)) {
            assertThat(restarted.consoleText()).doesNotContain("Generated admin access key");
            assertThat(restarted.server().context().credentialStore().listAccessKeys(INSTANCE))
                    .extracting(AccessKey::accessKeyId, AccessKey::admin)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(accessKeyId, true));
            assertThat(listTable(restarted.port(), accessKeyId, secret).status()).isEqualTo(200);
        }
    }

    @Test
    void adminKeyFromTheEnvironmentIsInstalledAndNothingIsGenerated() throws IOException {
        ServerConfig.Builder config = ServerConfig.builder().port(0).dataDir(dataDir)
                .clock(ManualClock.startingAt(TestServers.START)).withoutClockSkewCheck().syncWrites(false).workerThreads(2)
                .adminKeyFromEnvironment(Map.of("OTS_AK_ENV", "envKey", "OTS_SK_ENV", "envSecret"));
        try (TestServers.Running running = TestServers.start(config)) {
            assertThat(running.consoleText()).doesNotContain("Generated");
            assertThat(listTable(running.port(), "envKey", "envSecret").status()).isEqualTo(200);
            assertThat(listTable(running.port(), "envKey", "otherSecret").status()).isEqualTo(403);
        }
    }

    @Test
    void changedConfiguredSecretReplacesTheStoredOne() throws IOException {
        try (TestServers.Running running = TestServers.start(TestServers.config(dataDir).adminKey("k1", "old"))) {
            assertThat(listTable(running.port(), "k1", "old").status()).isEqualTo(200);
        }
        try (TestServers.Running running = TestServers.start(TestServers.config(dataDir).adminKey("k1", "new"))) {
            assertThat(listTable(running.port(), "k1", "new").status()).isEqualTo(200);
            assertThat(listTable(running.port(), "k1", "old").status()).isEqualTo(403);
        }
    }

    /** Regression (issue 14, finding 2): restarting with another OTS_AK_ENV left the previous key fully working. */
    @Test
    void restartWithAnotherEnvironmentKeyRemovesThePreviousOne() throws IOException {
        try (TestServers.Running running = TestServers.start(TestServers.config(dataDir).adminKey("k1", "s1"))) {
            assertThat(listTable(running.port(), "k1", "s1").status()).isEqualTo(200);
        }
        try (TestServers.Running running = TestServers.start(TestServers.config(dataDir).adminKey("k2", "s2"))) {
            assertThat(listTable(running.port(), "k2", "s2").status()).isEqualTo(200);
            assertThat(listTable(running.port(), "k1", "s1").status()).isEqualTo(403);
            assertThat(running.consoleText()).doesNotContain("Generated");
        }
        // No environment key at all: the previous one stops working too, and an admin key is generated instead.
        ServerConfig.Builder none = ServerConfig.builder().port(0).dataDir(dataDir)
                .clock(ManualClock.startingAt(TestServers.START)).withoutClockSkewCheck().syncWrites(false).workerThreads(2);
        try (TestServers.Running running = TestServers.start(none)) {
            assertThat(listTable(running.port(), "k2", "s2").status()).isEqualTo(403);
            Matcher m = GENERATED.matcher(running.consoleText());
            assertThat(m.find()).as(running.consoleText()).isTrue();
            assertThat(listTable(running.port(), m.group(1), m.group(2)).status()).isEqualTo(200);
        }
    }

    @Test
    void closeIsIdempotentClosesModulesAndReleasesTheDataDir() {
        TestServers.Running running = TestServers.start(dataDir);
        running.close();
        running.close();
        assertThat(running.module().closed).isTrue();
        assertThat(running.server().isRunning()).isFalse();
        assertThatThrownBy(running.server()::port).isInstanceOf(IllegalStateException.class)
                .hasMessage("server is closed");
        assertThatThrownBy(running.server()::start).isInstanceOf(IllegalStateException.class)
                .hasMessage("server already closed");
        try (TestServers.Running again = TestServers.start(dataDir)) {
            assertThat(again.server().isRunning()).isTrue();
        }
    }

    @Test
    void failingModuleAbortsTheStartAndReleasesEverything() {
        TunnelstoreServer server = TunnelstoreServer.builder(TestServers.config(dataDir).build())
                .module(ctx -> {
                    throw new IllegalStateException("module cannot start");
                })
                .console(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .build();
        assertThatThrownBy(server::start).isInstanceOf(ServerStartException.class)
                .hasMessage("Cannot start Tunnelstore: module cannot start");
        assertThat(server.isRunning()).isFalse();
        try (TestServers.Running again = TestServers.start(dataDir)) {
            assertThat(again.server().isRunning()).isTrue();
        }
    }

    @Test
    void portAlreadyInUseFailsTheStartWithTheAddress(@TempDir Path otherDir) {
        try (TestServers.Running first = TestServers.start(dataDir)) {
            TunnelstoreServer second = TunnelstoreServer.builder(
                            TestServers.config(otherDir).port(first.port()).build())
                    .console(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                    .build();
            assertThatThrownBy(second::start).isInstanceOf(ServerStartException.class)
                    .hasMessageStartingWith("Cannot start Tunnelstore: cannot listen on 127.0.0.1:" + first.port());
            try (TestServers.Running third = TestServers.start(otherDir)) {
                assertThat(third.server().isRunning()).isTrue(); // the failed start released otherDir's lock
            }
        }
    }

    private static RawHttpClient.Response listTable(int port, String accessKeyId, String secret) throws IOException {
        try (RawHttpClient client = new RawHttpClient(port)) {
            RawHttpClient.Response response = client.exchange("POST", "/ListTable",
                    SignedRequests.v2("ListTable", INSTANCE, accessKeyId, secret, new byte[0]), new byte[0]);
            if (response.status() == 200) {
                assertThat(TableProtos.ListTableResponse.parseFrom(response.body()).getTableNamesList())
                        .containsExactly("alpha", "beta");
            }
            return response;
        }
    }
}
