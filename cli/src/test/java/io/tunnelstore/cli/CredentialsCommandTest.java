package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.client.ClientConfig;
import io.tunnelstore.client.Credentials;
import io.tunnelstore.client.StaticCredentialsProvider;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.server.auth.AccessKey;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tunnelstore credentials mint} against a real in-process server with the admin module. */
class CredentialsCommandTest {
    private static final String AK = "cliAdminKey";
    private static final String SK = "cliAdminSecret0123456789";

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

    @Test
    void mintPrintsJsonCredentialsThatWorkUntilTheirExpiry() {
        Instant before = Instant.now();
        CliRun.Result r = run(AK, SK, "credentials", "mint", "--ttl", "PT30M", "--output", "json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        Map<String, Object> json = CliRun.object(Json.parse(r.out()));
        assertThat(json).containsOnlyKeys("accessKeyId", "accessKeySecret", "securityToken", "expiration");
        assertThat((String) json.get("accessKeyId")).startsWith("STS.");
        Instant expiry = Instant.parse((String) json.get("expiration"));
        assertThat(expiry).isBetween(before.plus(Duration.ofMinutes(30)).minusMillis(1),
                Instant.now().plus(Duration.ofMinutes(30)));

        Credentials minted = Credentials.temporary((String) json.get("accessKeyId"),
                (String) json.get("accessKeySecret"), (String) json.get("securityToken"), expiry);
        try (TableClient tables = TableClient.create(ClientConfig.builder().endpoint(server.endpoint())
                .instanceName("tunnelstore").credentialsProvider(StaticCredentialsProvider.of(minted)).build())) {
            assertThat(tables.listTables()).isEmpty();
        }
    }

    @Test
    void mintPrintsATextTableByDefault() {
        CliRun.Result r = run(AK, SK, "credentials", "mint");

        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> lines = r.outLines();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).matches("PROPERTY\\s+VALUE");
        assertThat(lines.get(1)).matches("access key id\\s+STS\\.\\S+");
        assertThat(lines.get(2)).matches("access key secret\\s+\\S+");
        assertThat(lines.get(3)).matches("security token\\s+\\S+");
        assertThat(lines.get(4)).matches("expires\\s+\\d{4}-\\d\\d-\\d\\dT\\S+Z");
    }

    @Test
    void nonAdminKeyIsRefusedAndBadTtlIsAUsageError() {
        AccessKey plain = server.inProcess().server().context().credentialStore().createAccessKey("tunnelstore", false,
                System.currentTimeMillis());

        CliRun.Result refused = run(plain.accessKeyId(), plain.accessKeySecret(), "credentials", "mint");
        assertThat(refused.exitCode()).isEqualTo(CliErrors.FAILED);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.cliErrLines().get(0)).startsWith("tunnelstore credentials mint: You have no permission to "
                + "access the requested resource, please contact the resource owner. (code OTSNoPermissionAccess");

        assertThat(run(AK, SK, "credentials", "mint", "--ttl", "PT13H").exitCode()).isEqualTo(2);
        assertThat(run(AK, SK, "credentials", "mint", "--ttl", "an hour").exitCode()).isEqualTo(2);
    }
}
