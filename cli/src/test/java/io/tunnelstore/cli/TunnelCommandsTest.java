package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code tunnel} commands against a real in-process server, consuming with the real SDK worker. */
class TunnelCommandsTest {
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
    void createListDescribeAndDelete() {
        server.run("table", "create", "events", "--pk", "id:integer", "--stream-hours", "24");
        CliRun.Result created = server.run("tunnel", "create", "events", "sync", "--type", "base-and-stream",
                "-o", "json");
        assertThat(created.exitCode()).as(created.err()).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> c = (Map<String, Object>) Json.parse(created.out());
        String id = (String) c.get("tunnelId");
        assertThat(c).containsEntry("tunnelName", "sync").containsEntry("tableName", "events")
                .containsEntry("type", "BaseAndStream");
        assertThat(id).isNotBlank();

        CliRun.Result text = server.run("tunnel", "create", "events", "changes", "--type", "stream", "--from",
                "earliest");
        assertThat(text.out()).matches("tunnel changes created on table events \\(type Stream, id \\S+\\)\n");

        List<String> listed = server.run("tunnel", "list", "events").outLines();
        assertThat(listed).hasSize(3);
        assertThat(listed.get(0)).matches("TABLE\\s+TUNNEL\\s+ID\\s+TYPE\\s+STAGE\\s+EXPIRED\\s+CREATED");
        assertThat(listed.get(2)).matches("events\\s+sync\\s+" + id + "\\s+BaseAndStream\\s+\\S+\\s+false\\s+\\S+Z");

        CliRun.Result described = server.run("tunnel", "describe", "events", "sync");
        assertThat(described.exitCode()).isZero();
        List<String> lines = described.outLines();
        assertThat(lines.subList(0, 5)).containsExactly(
                "PROPERTY  VALUE",
                "tunnel    sync",
                "id        " + id,
                "table     events",
                "type      BaseAndStream");
        int channelHeader = lines.indexOf("");
        assertThat(lines.get(channelHeader + 1)).matches("CHANNEL\\s+TYPE\\s+STATUS\\s+OWNER\\s+RPO\\s+COUNT");

        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(
                server.run("tunnel", "describe", "events", "sync", "-o", "json").out());
        assertThat(json).containsKeys("tunnel", "tunnelRpo", "channels");
        assertThat(CliRun.object(json.get("tunnel"))).containsEntry("tunnelId", id);

        assertThat(server.run("tunnel", "delete", "events", "changes").out())
                .isEqualTo("tunnel changes of table events deleted\n");
        CliRun.Result gone = server.run("tunnel", "describe", "events", "changes");
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.cliErrLines().get(0)).startsWith("tunnelstore tunnel describe: tunnel not exist")
                .contains("(code OTSParameterInvalid, request id ");
    }

    @Test
    void consumeOfABaseDataTunnelPrintsEveryRowExactlyOnceAndEnds() {
        server.run("table", "create", "stock", "--pk", "sku:integer");
        int rows = 120;
        StringBuilder csv = new StringBuilder("sku,qty\n");
        for (int i = 0; i < rows; i++) {
            csv.append(i).append(",int:").append(i * 10).append('\n');
        }
        Path file = dataDir.resolveSibling(dataDir.getFileName() + "-stock.csv");
        try {
            java.nio.file.Files.writeString(file, csv);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(server.run("table", "load", "stock", file.toString(), "--progress", "none").exitCode()).isZero();
        assertThat(server.run("tunnel", "create", "stock", "snapshot", "--type", "base").exitCode()).isZero();

        CliRun.Result consumed = server.run("tunnel", "consume", "stock", "snapshot", "-o", "json",
                "--timeout", "PT60S");
        assertThat(consumed.exitCode()).as(consumed.err()).isZero();
        Set<Long> seen = new HashSet<>();
        for (String line : consumed.outLines()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> record = (Map<String, Object>) Json.parse(line);
            assertThat(record).containsEntry("base", true).containsEntry("type", "PUT")
                    .containsEntry("sequence", null);
            long sku = (Long) ((Map<?, ?>) record.get("primaryKey")).get("sku");
            assertThat(seen.add(sku)).as("sku %d printed once", sku).isTrue();
            List<?> columns = (List<?>) record.get("columns");
            assertThat(columns).hasSize(1);
            assertThat(CliRun.object(columns.get(0))).containsEntry("name", "qty").containsEntry("op", "PUT")
                    .containsEntry("value", sku * 10);
        }
        assertThat(seen).hasSize(rows);
        assertThat(consumed.cliErrLines()).contains(
                "tunnelstore tunnel consume: 120 records (every channel of the base tunnel delivered)");

        // The worker reported its channel finished before it stopped: watch shows the base phase complete.
        CliRun.Result watched = server.run("tunnel", "watch", "stock", "snapshot", "--iterations", "1");
        assertThat(watched.exitCode()).isZero();
        List<String> view = watched.outLines();
        assertThat(view.get(0)).matches("tunnel snapshot on stock \\(BaseData, id \\S+\\) at \\S+Z");
        assertThat(view.get(1)).matches("stage (ProcessBaseData|ProcessStream), rpo -");
        assertThat(view.get(2)).isEqualTo("base: 1/1 channels done (100%), 120 rows, - rows/s");
        assertThat(view.get(3)).matches("CHANNEL\\s+TYPE\\s+STATUS\\s+OWNER\\s+RPO\\s+COUNT\\s+RATE/S");
        assertThat(view.get(4)).matches("\\S+\\s+BaseData\\s+TERMINATED\\s+\\S+\\s+-\\s+120\\s+-");
        assertThat(view).hasSize(5);
    }

    @Test
    void consumeStopsAfterMaxRecordsAndTheRestIsDeliveredToTheNextConsumer() {
        server.run("table", "create", "queue", "--pk", "n:integer");
        for (int i = 0; i < 5; i++) {
            server.run("table", "put", "queue", "--pk", "n=" + i, "-c", "v=str:" + i);
        }
        server.run("tunnel", "create", "queue", "drain", "--type", "base");
        CliRun.Result first = server.run("tunnel", "consume", "queue", "drain", "--max-records", "2");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.outLines()).containsExactly("[base] PUT n=0: v=0", "[base] PUT n=1: v=1");
        assertThat(first.cliErrLines()).contains("tunnelstore tunnel consume: 2 records (--max-records reached)");

        // The batch was cut short, so it was not acknowledged: the next consumer gets every row.
        CliRun.Result second = server.run("tunnel", "consume", "queue", "drain", "--timeout", "PT60S");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.outLines()).containsExactly("[base] PUT n=0: v=0", "[base] PUT n=1: v=1",
                "[base] PUT n=2: v=2", "[base] PUT n=3: v=3", "[base] PUT n=4: v=4");
    }

    @Test
    void watchRedrawsInPlaceWithAnsiAndPrintsJsonSnapshots() {
        server.run("table", "create", "w", "--pk", "id:integer", "--stream-hours", "1");
        server.run("tunnel", "create", "w", "live", "--type", "stream");
        CliRun.Result ansi = server.run("tunnel", "watch", "w", "live", "--iterations", "2", "--interval",
                "PT0.05S", "--redraw", "always");
        assertThat(ansi.exitCode()).isZero();
        String[] views = ansi.out().split("\u001b\\[", -1);
        assertThat(ansi.out()).startsWith("tunnel live on w (Stream, id ");
        // The second view moves the cursor up over the first one and clears the screen below.
        int firstViewLines = (int) ansi.out().substring(0, ansi.out().indexOf('\u001b')).chars()
                .filter(ch -> ch == '\n').count();
        assertThat(ansi.out()).contains("\u001b[" + firstViewLines + "A\r\u001b[J");
        assertThat(views).hasSize(3);

        CliRun.Result plain = server.run("tunnel", "watch", "w", "live", "--iterations", "2", "--interval",
                "PT0.05S", "--redraw", "never");
        assertThat(plain.out()).doesNotContain("\u001b");
        assertThat(plain.outLines().stream().filter(l -> l.startsWith("tunnel live on w"))).hasSize(2);

        CliRun.Result json = server.run("tunnel", "watch", "w", "live", "--iterations", "1", "-o", "json");
        @SuppressWarnings("unchecked")
        Map<String, Object> snapshot = (Map<String, Object>) Json.parse(json.out());
        assertThat(snapshot).containsKeys("time", "tunnel", "channels", "progress");
        assertThat(CliRun.object(snapshot.get("progress"))).containsEntry("baseChannels", 0L)
                .containsEntry("basePercent", null);
    }

    @Test
    void consumeOfAnUnknownTunnelIsAServiceError() {
        server.run("table", "create", "lonely", "--pk", "id:integer");
        CliRun.Result r = server.run("tunnel", "consume", "lonely", "nobody");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.cliErrLines().get(0)).startsWith("tunnelstore tunnel consume: tunnel not exist")
                .contains("code OTSParameterInvalid");
    }

    @Test
    void createWithoutRebaselineAndAnEmptyHistory() {
        server.run("table", "create", "plain", "--pk", "id:integer", "--stream-hours", "24");
        CliRun.Result created = server.run("tunnel", "create", "plain", "old-style", "--type", "stream",
                "--no-rebaseline");
        assertThat(created.exitCode()).as(created.err()).isZero();
        CliRun.Result history = server.run("tunnel", "history", "plain", "old-style");
        assertThat(history.exitCode()).as(history.err()).isZero();
        assertThat(history.outLines()).containsExactly("TIME  KIND  CHANNEL  BY  DETAIL");
        CliRun.Result json = server.run("tunnel", "history", "plain", "old-style", "-o", "json");
        assertThat(json.out().trim()).isEqualTo("[]");
    }
}
