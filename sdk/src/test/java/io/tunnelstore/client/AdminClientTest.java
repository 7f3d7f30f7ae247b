package io.tunnelstore.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.TableStoreException;
import com.alicloud.openservices.tablestore.model.ListTableResponse;
import io.tunnelstore.server.ServerConfig;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.admin.AdminModule;
import io.tunnelstore.server.auth.AccessKey;
import io.tunnelstore.server.table.TableModule;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AdminClient#mintTemporaryCredentials} against the real server with the admin module and a fake clock. */
class AdminClientTest {

    private static final String AK = "adminKey";
    private static final String SK = "adminSecret";
    private static final String INSTANCE = "tunnelstore";
    private static final Instant START = Instant.parse("2026-06-01T10:00:00Z");

    @TempDir
    Path dataDir;
    private final SettableClock clock = new SettableClock(START.toEpochMilli());
    private TunnelstoreServer server;
    private AdminClient admin;

    @BeforeEach
    void start() {
        server = TunnelstoreServer.builder(ServerConfig.builder().port(0).dataDir(dataDir).adminKey(AK, SK)
                        .clock(clock).withoutClockSkewCheck().syncWrites(false).workerThreads(2).build())
                .module(TableModule::new)
                .module(AdminModule::new)
                .console(new PrintStream(OutputStream.nullOutputStream()))
                .build();
        server.start();
        admin = AdminClient.builder().endpoint(server.endpoint()).instanceName(INSTANCE).credentials(AK, SK)
                .retryPolicy(RetryPolicy.none()).build();
    }

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private TableClient tableClient(Credentials credentials) {
        return TableClient.builder().endpoint(server.endpoint()).instanceName(INSTANCE)
                .credentialsProvider(StaticCredentialsProvider.of(credentials))
                .retryPolicy(RetryPolicy.none()).build();
    }

    private SyncClient officialClient(Credentials c) {
        // The STS-token constructor, as jobs given temporary credentials use it.
        return new SyncClient(server.endpoint(), c.accessKeyId(), c.accessKeySecret(), INSTANCE, c.securityToken());
    }

    @Test
    void mintedCredentialsWorkWithBothClientsUntilTheyExpire() {
        Credentials sts = admin.mintTemporaryCredentials(Duration.ofHours(1));

        assertThat(sts.accessKeyId()).startsWith("STS.");
        assertThat(sts.hasSecurityToken()).isTrue();
        assertThat(sts.expiration()).isEqualTo(START.plus(Duration.ofHours(1)));

        SyncClient official = officialClient(sts);
        try (TableClient ours = tableClient(sts)) {
            ours.createTable(CreateTableRequest.builder("jobs").addPrimaryKey("id", PrimaryKeyType.INTEGER).build());
            assertThat(ours.listTables()).containsExactly("jobs");
            ListTableResponse listed = official.listTable();
            assertThat(listed.getTableNames()).containsExactly("jobs");

            clock.set(START.plus(Duration.ofMinutes(59)).toEpochMilli());
            assertThat(ours.listTables()).containsExactly("jobs");

            clock.set(START.plus(Duration.ofHours(1)).toEpochMilli());
            assertThatThrownBy(ours::listTables).isInstanceOfSatisfying(TablestoreException.class, e -> {
                assertThat(e.errorCode()).isEqualTo("OTSAuthFailed");
                assertThat(e.httpStatus()).isEqualTo(403);
            });
            assertThatThrownBy(official::listTable).isInstanceOfSatisfying(TableStoreException.class,
                    e -> assertThat(e.getErrorCode()).isEqualTo("OTSAuthFailed"));
        } finally {
            official.shutdown();
        }
    }

    @Test
    void nonAdminKeysAreRefusedWithNoPermissionAccess() {
        AccessKey reader = server.context().credentialStore().createAccessKey(INSTANCE, false, clock.millis());
        try (AdminClient plain = AdminClient.builder().endpoint(server.endpoint()).instanceName(INSTANCE)
                .credentials(reader.accessKeyId(), reader.accessKeySecret()).retryPolicy(RetryPolicy.none()).build()) {
            assertThatThrownBy(() -> plain.mintTemporaryCredentials(Duration.ofMinutes(5)))
                    .isInstanceOfSatisfying(TablestoreException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo("OTSNoPermissionAccess");
                        assertThat(e.httpStatus()).isEqualTo(403);
                        assertThat(e.serverMessage()).isEqualTo("access key " + reader.accessKeyId()
                                + " is not an admin key; only admin keys may call tunnelstore/admin/mint-credentials");
                    });
        }
    }

    @Test
    void temporaryCredentialsOfAnAdminKeyMayMintAgainAndTtlIsBounded() {
        Credentials first = admin.mintTemporaryCredentials(Duration.ofMinutes(30));
        try (AdminClient viaSts = AdminClient.builder().endpoint(server.endpoint()).instanceName(INSTANCE)
                .credentialsProvider(StaticCredentialsProvider.of(first)).retryPolicy(RetryPolicy.none()).build()) {
            assertThat(viaSts.mintTemporaryCredentials(Duration.ofSeconds(90)).expiration())
                    .isEqualTo(START.plusSeconds(90));
        }
        assertThatThrownBy(() -> admin.mintTemporaryCredentials(Duration.ofHours(13)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl must be between 1 s and PT12H");
        assertThatThrownBy(() -> admin.mintTemporaryCredentials(Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** A clock tests set explicitly. Thread-safe. */
    static final class SettableClock extends Clock {
        private final AtomicLong millis;

        SettableClock(long start) {
            millis = new AtomicLong(start);
        }

        void set(long value) {
            millis.set(value);
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
