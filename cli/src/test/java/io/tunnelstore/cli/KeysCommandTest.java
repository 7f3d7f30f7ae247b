package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tunnelstore keys create|list|disable|enable|rotate|delete} against a real in-process server. */
class KeysCommandTest {
    private static final String AK = "cliKeysAdmin";
    private static final String SK = "cliKeysAdminSecret01234";

    @TempDir
    static Path dataDir;
    static AdminCliServer server;

    @BeforeAll
    static void start() {
        server = new AdminCliServer(dataDir, AK, SK);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static CliRun.Result run(String ak, String sk, String... args) {
        return server.run(ak, sk, args);
    }

    private static CliRun.Result admin(String... args) {
        return run(AK, SK, args);
    }

    @Test
    void createdKeyWorksWithinItsScopeUntilDisabledRotatedOrDeleted() {
        CliRun.Result created = admin("keys", "create", "--scope", "read-only", "--table", "orders", "-o", "json");
        assertThat(created.exitCode()).as(created.err()).isZero();
        Map<String, Object> key = CliRun.object(Json.parse(created.out()));
        String id = (String) key.get("accessKeyId");
        String secret = (String) key.get("accessKeySecret");
        assertThat(key).containsEntry("scope", "read-only").containsEntry("tables", List.of("orders"))
                .containsEntry("enabled", true).containsEntry("origin", "created")
                .containsEntry("maxTemporaryTtl", "PT0S");

        // Read-only: listing tables works, creating one is refused with the public service's error.
        assertThat(run(id, secret, "table", "list").exitCode()).isZero();
        CliRun.Result refused = run(id, secret, "table", "create", "orders", "--pk", "id:INTEGER");
        assertThat(refused.exitCode()).isEqualTo(CliErrors.FAILED);
        assertThat(refused.cliErrLines().get(0)).contains("You have no permission to access the requested "
                + "resource, please contact the resource owner. (code OTSNoPermissionAccess");

        CliRun.Result listed = admin("keys", "list");
        assertThat(listed.exitCode()).isZero();
        assertThat(listed.outLines().get(0))
                .matches("ACCESS KEY ID\\s+SCOPE\\s+TABLES\\s+STATE\\s+ORIGIN\\s+MAX STS TTL\\s+CREATED");
        assertThat(listed.outLines()).anyMatch(l -> l.matches(AK + "\\s+admin\\s+\\*\\s+enabled\\s+environment\\s+"
                + "PT12H\\s+\\S+"));
        assertThat(listed.outLines()).anyMatch(l -> l.matches(java.util.regex.Pattern.quote(id)
                + "\\s+read-only\\s+orders\\s+enabled\\s+created\\s+-\\s+\\S+"));

        assertThat(admin("keys", "disable", id).exitCode()).isZero();
        CliRun.Result disabled = run(id, secret, "table", "list");
        assertThat(disabled.exitCode()).isEqualTo(CliErrors.FAILED);
        assertThat(disabled.cliErrLines().get(0)).contains("The AccessKeyID is disabled.");
        assertThat(admin("keys", "enable", id).exitCode()).isZero();
        assertThat(run(id, secret, "table", "list").exitCode()).isZero();

        CliRun.Result rotated = admin("keys", "rotate", id, "-o", "json");
        assertThat(rotated.exitCode()).as(rotated.err()).isZero();
        String newSecret = (String) CliRun.object(Json.parse(rotated.out())).get("accessKeySecret");
        assertThat(newSecret).isNotEqualTo(secret);
        assertThat(run(id, secret, "table", "list").exitCode()).isEqualTo(CliErrors.FAILED);
        assertThat(run(id, newSecret, "table", "list").exitCode()).isZero();

        CliRun.Result deleted = admin("keys", "delete", id);
        assertThat(deleted.exitCode()).isZero();
        assertThat(deleted.out()).isEqualTo("Deleted access key " + id + System.lineSeparator());
        assertThat(run(id, newSecret, "table", "list").exitCode()).isEqualTo(CliErrors.FAILED);
        CliRun.Result again = admin("keys", "delete", id);
        assertThat(again.exitCode()).isEqualTo(CliErrors.FAILED);
        assertThat(again.cliErrLines().get(0)).startsWith("tunnelstore keys delete: Access key " + id
                + " does not exist. (code OTSObjectNotExist");
    }

    @Test
    void badScopeAndAdminWithTablesAreUsageErrors() {
        assertThat(admin("keys", "create", "--scope", "owner").exitCode()).isEqualTo(2);
        assertThat(admin("keys", "create", "--scope", "admin", "--table", "t").exitCode()).isEqualTo(2);
        assertThat(admin("keys", "create", "--scope", "read-only", "--max-temporary-ttl", "PT13H").exitCode())
                .isEqualTo(2);
        assertThat(admin("keys").exitCode()).isEqualTo(2);
    }

    @Test
    void mintedCredentialsCanBeNarrowed() {
        CliRun.Result minted = admin("credentials", "mint", "--ttl", "PT5M", "--scope", "read-only", "-o", "json");
        assertThat(minted.exitCode()).as(minted.err()).isZero();
        Map<String, Object> sts = CliRun.object(Json.parse(minted.out()));
        io.tunnelstore.client.Credentials credentials = io.tunnelstore.client.Credentials.of(
                (String) sts.get("accessKeyId"), (String) sts.get("accessKeySecret"),
                (String) sts.get("securityToken"));
        try (io.tunnelstore.client.TableClient tables = io.tunnelstore.client.TableClient.create(
                io.tunnelstore.client.ClientConfig.builder().endpoint(server.endpoint()).instanceName("tunnelstore")
                        .credentialsProvider(io.tunnelstore.client.StaticCredentialsProvider.of(credentials))
                        .retryPolicy(io.tunnelstore.client.RetryPolicy.none()).build())) {
            assertThat(tables.listTables()).doesNotContain("narrowed");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> tables.createTable(
                            io.tunnelstore.client.CreateTableRequest.builder("narrowed")
                                    .addPrimaryKey("id", io.tunnelstore.client.PrimaryKeyType.INTEGER).build()))
                    .isInstanceOfSatisfying(io.tunnelstore.client.TablestoreException.class,
                            e -> assertThat(e.errorCode()).isEqualTo("OTSNoPermissionAccess"));
        }
    }
}
