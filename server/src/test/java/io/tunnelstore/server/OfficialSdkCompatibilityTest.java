package io.tunnelstore.server;

import static io.tunnelstore.server.TestServers.ADMIN_AK;
import static io.tunnelstore.server.TestServers.ADMIN_SK;
import static io.tunnelstore.server.TestServers.INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.alicloud.openservices.tablestore.ClientConfiguration;
import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.TableStoreException;
import com.alicloud.openservices.tablestore.TunnelClient;
import com.alicloud.openservices.tablestore.core.auth.DefaultCredentialProvider;
import com.alicloud.openservices.tablestore.core.auth.DefaultCredentials;
import com.alicloud.openservices.tablestore.core.auth.V4Credentials;
import com.alicloud.openservices.tablestore.model.DescribeTableRequest;
import com.alicloud.openservices.tablestore.model.tunnel.ListTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelInfo;
import io.tunnelstore.server.auth.TemporaryCredentials;
import io.tunnelstore.server.http.Principal;
import io.tunnelstore.server.http.RequestContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unmodified official Java SDK (5.17.10) against the real server: its SyncClient verifies the response
 * signature (PROTOCOL.md §3.2), so a passing {@code listTable()} proves the transport's response headers.
 */
class OfficialSdkCompatibilityTest {

    @TempDir
    static Path dataDir;
    static TestServers.Running running;

    @BeforeAll
    static void startServer() {
        running = TestServers.start(dataDir);
    }

    @AfterAll
    static void stopServer() {
        running.close();
    }

    @Test
    void syncClientListsTablesAndAcceptsTheResponseSignature() {
        withClient(new SyncClient(running.endpoint(), ADMIN_AK, ADMIN_SK, INSTANCE),
                client -> assertThat(client.listTable().getTableNames()).containsExactly("alpha", "beta"));
    }

    @Test
    void wrongSecretIsRejectedWithSignatureMismatch() {
        withClient(new SyncClient(running.endpoint(), ADMIN_AK, "not-the-secret", INSTANCE), client -> {
            TableStoreException e = catchThrowableOfType(TableStoreException.class, client::listTable);
            assertThat(e.getErrorCode()).isEqualTo("OTSAuthFailed");
            assertThat(e.getHttpStatus()).isEqualTo(403);
            assertThat(e.getMessage()).isEqualTo("Signature mismatch.");
            assertThat(e.getRequestId()).isNotEmpty();
        });
    }

    @Test
    void unknownAccessKeyIsRejectedWithAuthFailed() {
        withClient(new SyncClient(running.endpoint(), "noSuchKey", ADMIN_SK, INSTANCE), client -> {
            TableStoreException e = catchThrowableOfType(TableStoreException.class, client::listTable);
            assertThat(e.getErrorCode()).isEqualTo("OTSAuthFailed");
            assertThat(e.getHttpStatus()).isEqualTo(403);
            assertThat(e.getMessage()).isEqualTo("The AccessKeyID does not exist.");
        });
    }

    @Test
    void unknownInstanceIsRejectedWithAuthFailed() {
        withClient(new SyncClient(running.endpoint(), ADMIN_AK, ADMIN_SK, "nosuch"), client -> {
            TableStoreException e = catchThrowableOfType(TableStoreException.class, client::listTable);
            assertThat(e.getErrorCode()).isEqualTo("OTSAuthFailed");
            assertThat(e.getHttpStatus()).isEqualTo(403);
            assertThat(e.getMessage()).isEqualTo("The instance is not found.");
        });
    }

    @Test
    void handlerErrorReachesTheSdkWithItsCode() {
        withClient(new SyncClient(running.endpoint(), ADMIN_AK, ADMIN_SK, INSTANCE), client -> {
            TableStoreException e = catchThrowableOfType(TableStoreException.class,
                    () -> client.describeTable(new DescribeTableRequest("orders")));
            assertThat(e.getErrorCode()).isEqualTo("OTSObjectNotExist");
            assertThat(e.getHttpStatus()).isEqualTo(404);
            assertThat(e.getMessage()).isEqualTo("Requested table orders does not exist.");
        });
    }

    @Test
    void temporaryCredentialsWorkUntilTheyExpire() {
        TemporaryCredentials sts = running.server().context().credentialStore()
                .mintTemporary(INSTANCE, ADMIN_AK, Duration.ofMinutes(15), running.clock().millis());
        assertThat(sts.expiresAtMillis()).isEqualTo(running.clock().millis() + Duration.ofMinutes(15).toMillis());
        withClient(new SyncClient(running.endpoint(), sts.accessKeyId(), sts.accessKeySecret(), INSTANCE,
                sts.securityToken()), client -> {
            running.module().seen.clear();
            assertThat(client.listTable().getTableNames()).containsExactly("alpha", "beta");
            RequestContext ctx = running.module().seen.get(0);
            assertThat(ctx.principal()).isEqualTo(new Principal(ADMIN_AK, true));
            assertThat(ctx.headers()).containsEntry("x-ots-ststoken", sts.securityToken());

            running.clock().advance(Duration.ofMinutes(15).minusMillis(1));
            assertThat(client.listTable().getTableNames()).containsExactly("alpha", "beta");

            running.clock().advance(Duration.ofMillis(1));
            TableStoreException e = catchThrowableOfType(TableStoreException.class, client::listTable);
            assertThat(e.getErrorCode()).isEqualTo("OTSAuthFailed");
            assertThat(e.getMessage()).isEqualTo("The security token has expired.");
        });
    }

    @Test
    void temporaryCredentialsWithAWrongSecretAreRejected() {
        TemporaryCredentials sts = running.server().context().credentialStore()
                .mintTemporary(INSTANCE, ADMIN_AK, Duration.ofMinutes(15), running.clock().millis());
        withClient(new SyncClient(running.endpoint(), sts.accessKeyId(), ADMIN_SK, INSTANCE, sts.securityToken()),
                client -> {
                    TableStoreException e = catchThrowableOfType(TableStoreException.class, client::listTable);
                    assertThat(e.getErrorCode()).isEqualTo("OTSAuthFailed");
                    assertThat(e.getMessage()).isEqualTo("Signature mismatch.");
                });
    }

    @Test
    void v4CredentialsAreVerifiedAndTheResponseIsSignedWithTheSigningKey() {
        V4Credentials v4 = V4Credentials.createByServiceCredentials(new DefaultCredentials(ADMIN_AK, ADMIN_SK),
                "cn-hangzhou");
        withClient(new SyncClient(running.endpoint(), new DefaultCredentialProvider(v4), INSTANCE,
                new ClientConfiguration(), null), client -> {
            running.module().seen.clear();
            assertThat(client.listTable().getTableNames()).containsExactly("alpha", "beta");
            assertThat(running.module().seen.get(0).headers())
                    .containsKey("x-ots-signaturev4")
                    .containsEntry("x-ots-signregion", "cn-hangzhou")
                    .doesNotContainKey("x-ots-signature");
        });
    }

    @Test
    void v4CredentialsWithAWrongSecretAreRejected() {
        V4Credentials v4 = V4Credentials.createByServiceCredentials(new DefaultCredentials(ADMIN_AK, "wrong"),
                "cn-hangzhou");
        withClient(new SyncClient(running.endpoint(), new DefaultCredentialProvider(v4), INSTANCE,
                new ClientConfiguration(), null), client -> {
            TableStoreException e = catchThrowableOfType(TableStoreException.class, client::listTable);
            assertThat(e.getErrorCode()).isEqualTo("OTSAuthFailed");
            assertThat(e.getMessage()).isEqualTo("Signature mismatch.");
        });
    }

    @Test
    void tunnelClientListsTunnels() {
        TunnelClient client = new TunnelClient(running.endpoint(), ADMIN_AK, ADMIN_SK, INSTANCE);
        try {
            List<TunnelInfo> tunnels = client.listTunnel(new ListTunnelRequest("orders")).getTunnelInfos();
            assertThat(tunnels).hasSize(1);
            TunnelInfo info = tunnels.get(0);
            assertThat(info.getTunnelId()).isEqualTo("tunnel-1");
            assertThat(info.getTunnelName()).isEqualTo("orders");
            assertThat(info.getTableName()).isEqualTo("orders");
            assertThat(info.getInstanceName()).isEqualTo(INSTANCE);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void tunnelClientWithAWrongSecretGetsAuthFailed() {
        TunnelClient client = new TunnelClient(running.endpoint(), ADMIN_AK, "wrong", INSTANCE);
        try {
            TableStoreException e = catchThrowableOfType(TableStoreException.class,
                    () -> client.listTunnel(new ListTunnelRequest("orders")));
            assertThat(e.getErrorCode()).isEqualTo("OTSAuthFailed");
            assertThat(e.getMessage()).isEqualTo("Signature mismatch.");
        } finally {
            client.shutdown();
        }
    }

    private static void withClient(SyncClient client, Consumer<SyncClient> body) {
        try {
            body.accept(client);
        } finally {
            client.shutdown();
        }
    }
}
