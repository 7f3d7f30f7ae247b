package io.tunnelstore.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.TableStoreException;
import com.alicloud.openservices.tablestore.model.ListTableResponse;
import io.tunnelstore.server.InProcessServer;
import io.tunnelstore.server.admin.AdminModule;
import io.tunnelstore.server.table.TableModule;
import io.tunnelstore.testsupport.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
    private final ManualClock clock = ManualClock.startingAt(START);
    private InProcessServer server;
    private AdminClient admin;

    @BeforeEach
    void start() {
        server = InProcessServer.builder(dataDir).adminKey(AK, SK).clock(clock).workerThreads(2)
                .module(TableModule::new)
                .module(AdminModule::new)
                .start();
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

            clock.advance(Duration.ofMinutes(59)); // START + 59 min
            assertThat(ours.listTables()).containsExactly("jobs");

            clock.advance(Duration.ofMinutes(1)); // START + 1 h
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

    private static final String NO_PERMISSION =
            "You have no permission to access the requested resource, please contact the resource owner.";

    private static void assertNoPermission(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TablestoreException.class, e -> {
            assertThat(e.errorCode()).isEqualTo("OTSNoPermissionAccess");
            assertThat(e.httpStatus()).isEqualTo(403);
            assertThat(e.serverMessage()).isEqualTo(NO_PERMISSION);
        });
    }

    private static void assertAuthFailed(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TablestoreException.class, e -> {
            assertThat(e.errorCode()).isEqualTo("OTSAuthFailed");
            assertThat(e.serverMessage()).isEqualTo(message);
        });
    }

    private AdminClient adminWith(Credentials credentials) {
        return AdminClient.builder().endpoint(server.endpoint()).instanceName(INSTANCE)
                .credentialsProvider(StaticCredentialsProvider.of(credentials)).retryPolicy(RetryPolicy.none())
                .build();
    }

    @Test
    void keysThatMayNotMintAndNonAdminKeysAreRefusedWithNoPermissionAccess() {
        AccessKeySecret writer = admin.createAccessKey("read-write", java.util.List.of(), null);
        assertThat(writer.key().maxTemporaryTtl()).isEqualTo(Duration.ZERO);
        try (AdminClient plain = adminWith(writer.credentials())) {
            assertNoPermission(() -> plain.mintTemporaryCredentials(Duration.ofMinutes(5)));
            assertNoPermission(plain::listAccessKeys);
            assertNoPermission(() -> plain.createAccessKey("admin", java.util.List.of(), null));
            assertNoPermission(() -> plain.deleteAccessKey(AK));
        }
    }

    /**
     * Regression (issue 14, finding 1): a 5-second credential minted another valid for 12 hours, which kept working
     * after its parent expired, wrote rows and minted a grandchild. Now temporary credentials cannot mint at all,
     * and nothing outlives its own expiry.
     */
    @Test
    void aShortLivedCredentialCannotMintALongerOneOrAnyOther() {
        Credentials fiveSeconds = admin.mintTemporaryCredentials(Duration.ofSeconds(5));
        try (AdminClient viaSts = adminWith(fiveSeconds); TableClient tables = tableClient(fiveSeconds)) {
            assertNoPermission(() -> viaSts.mintTemporaryCredentials(Duration.ofHours(12)));
            assertNoPermission(() -> viaSts.mintTemporaryCredentials(Duration.ofSeconds(1)));
            assertNoPermission(() -> viaSts.createAccessKey("admin", java.util.List.of(), null));
            tables.createTable(CreateTableRequest.builder("t").addPrimaryKey("id", PrimaryKeyType.INTEGER).build());

            clock.advance(Duration.ofSeconds(5)); // START + 5 s
            assertAuthFailed(tables::listTables, "The security token has expired.");
            assertAuthFailed(() -> viaSts.mintTemporaryCredentials(Duration.ofSeconds(1)),
                    "The security token has expired.");
        }
        assertThatThrownBy(() -> admin.mintTemporaryCredentials(Duration.ofHours(13)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl must be between 1 s and PT12H");
        assertThatThrownBy(() -> admin.mintTemporaryCredentials(Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mintedCredentialsNarrowToTheRequestedScopeAndDieWithTheirParent() {
        try (TableClient tables = TableClient.builder().endpoint(server.endpoint()).instanceName(INSTANCE)
                .credentials(AK, SK).retryPolicy(RetryPolicy.none()).build()) {
            tables.createTable(CreateTableRequest.builder("a").addPrimaryKey("id", PrimaryKeyType.INTEGER).build());
            tables.createTable(CreateTableRequest.builder("b").addPrimaryKey("id", PrimaryKeyType.INTEGER).build());
        }
        AccessKeySecret writer = admin.createAccessKey("read-write", java.util.List.of("a", "b"),
                Duration.ofMinutes(10));
        try (AdminClient viaWriter = adminWith(writer.credentials())) {
            assertThatThrownBy(() -> viaWriter.mintTemporaryCredentials(Duration.ofMinutes(11)))
                    .isInstanceOfSatisfying(TablestoreException.class, e -> assertThat(e.serverMessage())
                            .isEqualTo("ttl_seconds must be between 1 and 600, got 660"));
            assertNoPermission(() -> viaWriter.mintTemporaryCredentials(Duration.ofMinutes(1), "admin",
                    java.util.List.of()));
            assertNoPermission(() -> viaWriter.mintTemporaryCredentials(Duration.ofMinutes(1), null,
                    java.util.List.of("c")));
            Credentials readA = viaWriter.mintTemporaryCredentials(Duration.ofMinutes(10), "read-only",
                    java.util.List.of("a"));
            SyncClient official = officialClient(readA);
            try {
                assertThat(official.describeTable(new com.alicloud.openservices.tablestore.model.DescribeTableRequest(
                        "a")).getTableMeta().getTableName()).isEqualTo("a");
                assertThatThrownBy(() -> official.describeTable(
                        new com.alicloud.openservices.tablestore.model.DescribeTableRequest("b")))
                        .isInstanceOfSatisfying(TableStoreException.class, e -> {
                            assertThat(e.getErrorCode()).isEqualTo("OTSNoPermissionAccess");
                            assertThat(e.getMessage()).isEqualTo(NO_PERMISSION);
                        });
                admin.disableAccessKey(writer.key().accessKeyId());
                assertThatThrownBy(() -> official.describeTable(
                        new com.alicloud.openservices.tablestore.model.DescribeTableRequest("a")))
                        .isInstanceOfSatisfying(TableStoreException.class, e -> assertThat(e.getMessage())
                                .isEqualTo("The security token is invalid: its access key is disabled."));
                admin.enableAccessKey(writer.key().accessKeyId());
                assertThat(official.describeTable(new com.alicloud.openservices.tablestore.model.DescribeTableRequest(
                        "a")).getTableMeta().getTableName()).isEqualTo("a");
                admin.deleteAccessKey(writer.key().accessKeyId());
                assertThatThrownBy(() -> official.describeTable(
                        new com.alicloud.openservices.tablestore.model.DescribeTableRequest("a")))
                        .isInstanceOfSatisfying(TableStoreException.class, e -> assertThat(e.getMessage())
                                .isEqualTo("The security token is invalid: its access key no longer exists."));
            } finally {
                official.shutdown();
            }
        }
    }

    @Test
    void keysAreCreatedListedDisabledRotatedAndDeletedWithImmediateEffect() {
        AccessKeySecret created = admin.createAccessKey("read-only", java.util.List.of("x"), null);
        String id = created.key().accessKeyId();
        assertThat(created.key()).isEqualTo(new AccessKeyInfo(id, "read-only", java.util.List.of("x"), true,
                "created", Duration.ZERO, START));
        assertThat(admin.listAccessKeys()).extracting(AccessKeyInfo::accessKeyId, AccessKeyInfo::scope,
                AccessKeyInfo::origin).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(AK, "admin", "environment"),
                org.assertj.core.groups.Tuple.tuple(id, "read-only", "created"));

        try (TableClient reader = tableClient(created.credentials())) {
            assertThat(reader.listTables()).isEmpty();
            assertThat(admin.disableAccessKey(id).enabled()).isFalse();
            assertAuthFailed(reader::listTables, "The AccessKeyID is disabled.");
            admin.enableAccessKey(id);
            assertThat(reader.listTables()).isEmpty();

            clock.advance(Duration.ofSeconds(60)); // START + 60 s
            AccessKeySecret rotated = admin.rotateAccessKey(id);
            assertThat(rotated.secret()).isNotEqualTo(created.secret());
            assertThat(rotated.key().createdAt()).isEqualTo(START.plusSeconds(60));
            assertThatThrownBy(reader::listTables).isInstanceOfSatisfying(TablestoreException.class,
                    e -> assertThat(e.errorCode()).isEqualTo("OTSAuthFailed"));
            try (TableClient rotatedReader = tableClient(rotated.credentials())) {
                assertThat(rotatedReader.listTables()).isEmpty();
                admin.deleteAccessKey(id);
                assertAuthFailed(rotatedReader::listTables,
                        "The AccessKeyID does not exist.");
            }
        }
        assertThatThrownBy(() -> admin.deleteAccessKey(id)).isInstanceOfSatisfying(TablestoreException.class, e -> {
            assertThat(e.errorCode()).isEqualTo("OTSObjectNotExist");
            assertThat(e.serverMessage()).isEqualTo("Access key " + id + " does not exist.");
        });
    }

    @Test
    void theEnvironmentKeyAndTheLastAdminKeyAreProtected() {
        String envMessage = "Access key " + AK + " is the environment key (OTS_AK_ENV); change the environment and "
                + "restart the server instead.";
        for (org.assertj.core.api.ThrowableAssert.ThrowingCallable call : java.util.List.<
                org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(() -> admin.deleteAccessKey(AK),
                () -> admin.disableAccessKey(AK), () -> admin.rotateAccessKey(AK))) {
            assertThatThrownBy(call).isInstanceOfSatisfying(TablestoreException.class, e -> {
                assertThat(e.errorCode()).isEqualTo("OTSParameterInvalid");
                assertThat(e.serverMessage()).isEqualTo(envMessage);
            });
        }
        assertThatThrownBy(() -> admin.createAccessKey("admin", java.util.List.of("t"), null))
                .isInstanceOfSatisfying(TablestoreException.class, e -> assertThat(e.serverMessage())
                        .isEqualTo("An admin key covers the whole instance; it cannot be limited to tables."));
        assertThatThrownBy(() -> admin.createAccessKey("owner", java.util.List.of(), null))
                .isInstanceOfSatisfying(TablestoreException.class, e -> assertThat(e.serverMessage()).isEqualTo(
                        "Invalid scope 'owner': expected admin, read-write, read-only or tunnel-consume."));
    }
}
