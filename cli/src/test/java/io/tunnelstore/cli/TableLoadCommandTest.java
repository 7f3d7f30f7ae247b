package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.client.Row;
import io.tunnelstore.client.ScanOptions;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code table load} of CSV and JSON lines against a real server, with every row read back through the SDK. */
class TableLoadCommandTest {
    @TempDir
    static Path dir;
    static InProcessServer server;
    static TableClient tables;

    @BeforeAll
    static void start() throws IOException {
        server = new InProcessServer(Files.createDirectory(dir.resolve("data")));
        tables = TableClient.create(server.clientConfig());
    }

    @AfterAll
    static void stop() {
        tables.close();
        server.close();
    }

    @Test
    void csvLoadWritesEveryRowInBatchesAndReadsBackExactly() throws Exception {
        assertThat(server.run("table", "create", "people", "--pk", "id:integer,team:string").exitCode()).isZero();
        int rows = 450; // three batches of at most 200
        StringBuilder csv = new StringBuilder("team,id,name,score,active,tag\r\n");
        for (int i = 0; i < rows; i++) {
            csv.append("t").append(i % 3).append(',').append(i).append(",\"Name, \"\"").append(i).append("\"\"\",")
                    .append(i).append(".5,").append(i % 2 == 0 ? "bool:true" : "bool:false").append(',')
                    .append(i % 10 == 0 ? "" : "int:" + i).append("\r\n");
        }
        Path file = dir.resolve("people.csv");
        Files.writeString(file, csv, StandardCharsets.UTF_8);

        CliRun.Result r = server.run("table", "load", "people", file.toString(), "--types", "score:double",
                "--progress", "lines");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).matches("loaded 450 rows into people in \\d+\\.\\d s \\(\\d+ rows/s\\)\n");
        List<String> progress = r.cliErrLines();
        assertThat(progress.get(progress.size() - 1)).matches("load: 100% of \\d+\\.\\d KB, 450 rows, \\d+ rows/s");

        List<Row> read = scanAll("people");
        assertThat(read).hasSize(rows);
        for (Row row : read) {
            long id = row.primaryKey().get(0).value().asLong();
            assertThat(row.primaryKey().get(1).value().asString()).isEqualTo("t" + id % 3);
            assertThat(row.latest("name")).contains(ColumnValue.ofString("Name, \"" + id + "\""));
            assertThat(row.latest("score")).contains(ColumnValue.ofDouble(id + 0.5));
            assertThat(row.latest("active")).contains(ColumnValue.ofBoolean(id % 2 == 0));
            assertThat(row.latest("tag")).isEqualTo(id % 10 == 0 ? java.util.Optional.empty()
                    : java.util.Optional.of(ColumnValue.ofLong(id)));
        }
    }

    @Test
    void jsonLinesFromScanLoadIntoAnotherTableUnchanged() throws Exception {
        server.run("table", "create", "src", "--pk", "k:string");
        server.run("table", "put", "src", "--pk", "k=a", "-c", "n=int:1", "-c", "d=double:1.0", "-c", "b=bin:AAE=");
        server.run("table", "put", "src", "--pk", "k=b", "-c", "s=x\ny\u2028");
        CliRun.Result scan = server.run("table", "scan", "src", "-o", "json");
        Path file = dir.resolve("src.jsonl");
        Files.writeString(file, scan.out());

        server.run("table", "create", "dst", "--pk", "k:string");
        CliRun.Result load = server.run("table", "load", "dst", file.toString(), "-o", "json", "--progress", "none");
        assertThat(load.exitCode()).as(load.err()).isZero();
        Object summary = Json.parse(load.out());
        assertThat(summary).isInstanceOfSatisfying(Map.class, m -> {
            assertThat(m.get("rows")).isEqualTo(2L);
            assertThat(m.get("failed")).isEqualTo(0L);
        });
        assertThat(server.run("table", "scan", "dst", "-o", "json").out()).isEqualTo(scan.out());
        assertThat(scanAll("dst").get(0).latest("b")).contains(ColumnValue.ofBinary(new byte[] {0, 1}));
    }

    @Test
    void aRepeatedKeyInTheInputWritesTheLaterRow() throws Exception {
        server.run("table", "create", "dups", "--pk", "id:integer");
        Path file = dir.resolve("dups.csv");
        Files.writeString(file, "id,v\n1,first\n2,x\n1,second\n");
        CliRun.Result r = server.run("table", "load", "dups", file.toString(), "--progress", "none");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("loaded 3 rows into dups");
        assertThat(server.run("table", "get", "dups", "--pk", "id=1").out()).isEqualTo("id  v\n1   second\n");
    }

    @Test
    void malformedInputStopsWithTheLineNumber() throws Exception {
        server.run("table", "create", "bad", "--pk", "id:integer");
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, "id,v\n1,a\n2,b,extra\n");
        CliRun.Result r = server.run("table", "load", "bad", file.toString(), "--progress", "none");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.cliErrLines()).contains("tunnelstore table load: " + file + ":3: has 3 fields, the header has 2");

        Path noKey = dir.resolve("nokey.csv");
        Files.writeString(noKey, "key,v\n1,a\n");
        CliRun.Result usage = server.run("table", "load", "bad", noKey.toString());
        assertThat(usage.exitCode()).isEqualTo(1);
        assertThat(usage.err()).contains(noKey + ":1: header has no primary key field 'id' (header: key,v)");
        assertThat(server.run("table", "load", "bad", noKey.toString(), "--pk", "key", "--progress", "none")
                .exitCode()).isZero();
        assertThat(server.run("table", "get", "bad", "--pk", "id=1").out()).isEqualTo("id  v\n1   a\n");

        CliRun.Result noFormat = server.run("table", "load", "bad", dir.resolve("rows.txt").toString());
        assertThat(noFormat.exitCode()).isEqualTo(2);
        assertThat(noFormat.err()).contains("pass --format csv or --format jsonl");
    }

    private static List<Row> scanAll(String table) {
        List<Row> out = new ArrayList<>();
        Iterator<Row> it = tables.scan(table, bound(table, ColumnValue.INF_MIN), bound(table, ColumnValue.INF_MAX),
                ScanOptions.defaults());
        it.forEachRemaining(out::add);
        return out;
    }

    private static PrimaryKey bound(String table, ColumnValue v) {
        List<PrimaryKeyColumn> cols = new ArrayList<>();
        tables.describeTable(table).primaryKey().forEach(c -> cols.add(PrimaryKeyColumn.of(c.name(), v)));
        return PrimaryKey.of(cols);
    }
}
