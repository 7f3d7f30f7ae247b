package io.tunnelstore.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alicloud.openservices.tablestore.TableStoreException;
import com.alicloud.openservices.tablestore.model.tunnel.CreateTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.DeleteTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.DescribeTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.ListTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelInfo;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelType;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression (issue 14): tunnel names were not validated — HTML, line breaks (forged log lines), NUL and 64 KB names
 * were accepted, and a name of 64 KiB or more failed with a 500 when the tunnel was stored. Tunnel names now follow
 * the table naming rule ({@code [A-Za-z_][A-Za-z0-9_]*}, 1-255 characters), plus hyphens after the first character.
 * Driven with the official Java SDK.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TunnelNameValidationTest {

    @TempDir
    static Path dataDir;

    private TunnelTestServer ots;

    @BeforeAll
    void start() {
        ots = new TunnelTestServer(dataDir);
        ots.createTable("names");
    }

    @AfterAll
    void stop() {
        ots.close();
    }

    private static void assertInvalid(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TableStoreException.class, e -> {
            assertThat(e.getErrorCode()).isEqualTo("OTSParameterInvalid");
            assertThat(e.getHttpStatus()).isEqualTo(400);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    private void create(String table, String name) {
        ots.tunnels.createTunnel(new CreateTunnelRequest(table, name, TunnelType.BaseData));
    }

    @Test
    void hostileNamesAreRefusedWithTheInvalidNameError() {
        String[] hostile = {"<script>alert(1)</script>", "t\nINFO forged log line", "t\u0000nul", "tun nel", "1st",
                "t".repeat(256), "x".repeat(64 * 1024), "y".repeat(64 * 1024 + 10)};
        for (String name : hostile) {
            assertInvalid(() -> create("names", name), "Invalid tunnel name: '" + name + "'.");
        }
        assertThat(ots.tunnels.listTunnel(new ListTunnelRequest("names")).getTunnelInfos()).isEmpty();
    }

    @Test
    void describeAndDeleteOfAnInvalidNameAnswerTheSameError() {
        assertInvalid(() -> ots.tunnels.describeTunnel(new DescribeTunnelRequest("names", "a b")),
                "Invalid tunnel name: 'a b'.");
        assertInvalid(() -> ots.tunnels.deleteTunnel(new DeleteTunnelRequest("names", "a b")),
                "Invalid tunnel name: 'a b'.");
    }

    @Test
    void tableNamesOfTunnelRequestsAreChecked() {
        assertInvalid(() -> create("na-mes", "t"), "Invalid table name: 'na-mes'.");
        assertInvalid(() -> ots.tunnels.listTunnel(new ListTunnelRequest("na-mes")), "Invalid table name: 'na-mes'.");
    }

    @Test
    void theLongestValidNameIsStoredAndSurvivesARestart() {
        String longest = "T" + "-0".repeat(127); // 255 characters, hyphens allowed
        create("names", longest);
        ots.restart();
        TunnelInfo info = ots.describe("names", longest).getTunnelInfo();
        assertThat(info.getTunnelName()).isEqualTo(longest);
        ots.tunnels.deleteTunnel(new DeleteTunnelRequest("names", longest));
    }
}
