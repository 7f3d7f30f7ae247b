package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code table} commands, run through {@link Main#run} against a real in-process server. */
class TableCommandsTest {
    @TempDir
    static Path dataDir;
    static InProcessServer server;

    @BeforeAll
    static void start() {
        server = new InProcessServer(dataDir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void createListDescribePutGetAndScanInText() {
        CliRun.Result created = server.run("table", "create", "orders", "--pk", "id:integer,name:string",
                "--stream-hours", "24");
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).isEqualTo("table orders created (primary key id:integer,name:string, stream 24 h)\n");

        assertThat(server.run("table", "list").outLines()).contains("TABLE", "orders");

        CliRun.Result described = server.run("table", "describe", "orders");
        assertThat(described.exitCode()).isZero();
        assertThat(described.outLines()).startsWith(
                "PROPERTY      VALUE",
                "table         orders",
                "primary key   id:integer,name:string",
                "ttl           forever",
                "max versions  1",
                "stream        enabled, 24 h retention");
        assertThat(described.outLines().get(6)).matches("stream id     \\S+");

        CliRun.Result put = server.run("table", "put", "orders", "--pk", "id=7", "--pk", "name=ann",
                "--column", "price=double:9.5", "-c", "qty=int:3", "-c", "paid=bool:true", "-c", "note=tab\there",
                "-c", "blob=bin:AAEC");
        assertThat(put.exitCode()).as(put.err()).isZero();
        assertThat(put.out()).isEqualTo("row id=7, name=ann written to orders\n");
        assertThat(server.run("table", "put", "orders", "--pk", "name=bob", "--pk", "id=8", "-c", "qty=int:1")
                .exitCode()).isZero();

        CliRun.Result got = server.run("table", "get", "orders", "--pk", "id=7", "--pk", "name=ann");
        assertThat(got.exitCode()).isZero();
        assertThat(got.out()).isEqualTo(
                "id  name  blob      note       paid  price  qty\n"
                        + "7   ann   bin:AAEC  tab\\there  true  9.5    3\n");

        CliRun.Result scanned = server.run("table", "scan", "orders");
        assertThat(scanned.out()).isEqualTo(
                "id  name  blob      note       paid  price  qty\n"
                        + "7   ann   bin:AAEC  tab\\there  true  9.5    3\n"
                        + "8   bob   " + " ".repeat(34) + "1\n");
        assertThat(server.run("table", "scan", "orders", "--start", "id=8").out())
                .isEqualTo("id  name  qty\n8   bob   1\n");
        assertThat(server.run("table", "scan", "orders", "--end", "id=8").out()).startsWith("id  name  blob")
                .doesNotContain("bob");
        assertThat(server.run("table", "scan", "orders", "--backward", "--limit", "1").out())
                .isEqualTo("id  name  qty\n8   bob   1\n");

        CliRun.Result missing = server.run("table", "get", "orders", "--pk", "id=9", "--pk", "name=zed");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.cliErrLines()).containsExactly(
                "tunnelstore table get: no row with primary key id=9, name=zed in table orders");
    }

    @Test
    void jsonOutputIsOneParsableObjectPerResultOrRow() {
        assertThat(server.run("table", "create", "items", "--pk", "sku:string", "--ttl", "86400",
                "--max-versions", "2", "-o", "json").out()).isEqualTo("{\"table\":\"items\",\"status\":\"created\"}\n");
        assertThat(server.run("table", "describe", "items", "--output", "json").out()).isEqualTo(
                "{\"table\":\"items\",\"primaryKey\":[{\"name\":\"sku\",\"type\":\"string\"}],\"ttlSeconds\":86400,"
                        + "\"maxVersions\":2,\"stream\":{\"enabled\":false}}\n");
        assertThat(server.run("table", "put", "items", "--pk", "sku=a\"1", "-c", "title=line\nbreak", "-c",
                "n=int:-5", "-o", "json").out())
                .isEqualTo("{\"table\":\"items\",\"status\":\"written\",\"primaryKey\":{\"sku\":\"a\\\"1\"}}\n");
        server.run("table", "put", "items", "--pk", "sku=b", "-c", "d=double:2.0", "-c", "raw=bin:/w==");

        CliRun.Result got = server.run("table", "get", "items", "--pk", "sku=a\"1", "-o", "json");
        assertThat(got.out()).isEqualTo("{\"sku\":\"a\\\"1\",\"n\":-5,\"title\":\"line\\nbreak\"}\n");
        assertThat(Json.parse(got.out())).isEqualTo(Map.of("sku", "a\"1", "n", -5L, "title", "line\nbreak"));

        CliRun.Result scanned = server.run("table", "scan", "items", "-o", "json");
        assertThat(scanned.outLines()).containsExactly(
                "{\"sku\":\"a\\\"1\",\"n\":-5,\"title\":\"line\\nbreak\"}",
                "{\"sku\":\"b\",\"d\":2.0,\"raw\":{\"$binary\":\"/w==\"}}");
        Object tables = CliRun.object(Json.parse(server.run("table", "list", "-o", "json").out())).get("tables");
        assertThat(tables).isInstanceOfSatisfying(List.class, l -> assertThat(l.contains("items")).isTrue());
    }

    @Test
    void deleteRemovesTheTable() {
        server.run("table", "create", "doomed", "--pk", "id:int");
        CliRun.Result deleted = server.run("table", "delete", "doomed");
        assertThat(deleted.exitCode()).isZero();
        assertThat(deleted.out()).isEqualTo("table doomed deleted\n");
        assertThat(server.run("table", "list").outLines()).doesNotContain("doomed");
    }

    @Test
    void unknownTableIsAServiceErrorNamingTheTableAndTheCode() {
        CliRun.Result r = server.run("table", "describe", "no_such_table");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        List<String> err = r.cliErrLines();
        assertThat(err).hasSize(2);
        assertThat(err.get(0)).matches("tunnelstore table describe: Requested table does not exist\\."
                + " \\(code OTSObjectNotExist, request id \\S+\\)");
        assertThat(err.get(1)).isEqualTo("  remedy: create the table/tunnel first, or check its name");

        CliRun.Result get = server.run("table", "get", "no_such_table", "--pk", "id=1");
        assertThat(get.exitCode()).isEqualTo(1);
        assertThat(get.cliErrLines().get(0)).startsWith("tunnelstore table get: Requested table does not exist.")
                .contains("code OTSObjectNotExist");
    }

    @Test
    void usageErrorsExitWith2() {
        CliRun.Result badFlag = server.run("table", "list", "--no-such-flag");
        assertThat(badFlag.exitCode()).isEqualTo(2);
        assertThat(badFlag.err()).contains("Unknown option: '--no-such-flag'");

        CliRun.Result badType = server.run("table", "create", "t", "--pk", "id:float");
        assertThat(badType.exitCode()).isEqualTo(2);
        assertThat(badType.err()).contains("bad type 'float' of primary key column 'id'");

        CliRun.Result badOutput = server.run("table", "list", "-o", "yaml");
        assertThat(badOutput.exitCode()).isEqualTo(2);
        assertThat(badOutput.err()).contains("expected text or json, got 'yaml'");

        server.run("table", "create", "keyed", "--pk", "id:integer");
        CliRun.Result badKey = server.run("table", "get", "keyed", "--pk", "id=abc");
        assertThat(badKey.exitCode()).isEqualTo(2);
        assertThat(badKey.err()).contains("primary key column 'id': 'abc' is not a valid int");
        CliRun.Result unknownKey = server.run("table", "get", "keyed", "--pk", "id=1", "--pk", "other=2");
        assertThat(unknownKey.exitCode()).isEqualTo(2);
        assertThat(unknownKey.err()).contains("table 'keyed' has no primary key column other");

        assertThat(CliRun.run("table").exitCode()).isEqualTo(2);
        assertThat(CliRun.run("table", "--help").exitCode()).isZero();
        assertThat(CliRun.run("table", "--help").out()).contains("create", "load", "scan");
        assertThat(CliRun.run("tunnel", "consume", "--help").out()).contains("--max-records", "--timeout");
        assertThat(CliRun.run("tunnel", "watch", "-V").out()).startsWith("tunnelstore ");
        assertThat(CliRun.run("--help").out()).contains("table", "tunnel");
    }

    @Test
    void missingCredentialsAreAUsageError() {
        CliRun.Result r = CliRun.run("table", "list", "--endpoint", server.endpoint(), "--access-key-id", "x");
        // OTS_SK_ENV may be set in the environment of whoever runs the tests; then the key pair is just wrong.
        if (System.getenv("OTS_SK_ENV") == null) {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains("no access key: set the environment variables OTS_AK_ENV and OTS_SK_ENV");
        } else {
            assertThat(r.exitCode()).isEqualTo(1);
        }
    }

    @Test
    void unreachableServerExitsWith3NamingTheEndpoint() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free now, and nothing listens once closed
        }
        String endpoint = "http://127.0.0.1:" + port;
        CliRun.Result r = CliRun.run("table", "list", "--endpoint", endpoint, "--access-key-id", "k",
                "--access-key-secret", "s", "--retry-for", "PT0.2S");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.out()).isEmpty();
        assertThat(r.cliErrLines()).containsExactly(
                "tunnelstore table list: cannot reach the server at " + endpoint + " (connection refused)",
                "  remedy: check --endpoint; start a server with 'tunnelstore server' if none is running");
    }
}
