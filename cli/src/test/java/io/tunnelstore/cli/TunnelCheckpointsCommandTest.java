package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.client.AdminClient;
import io.tunnelstore.client.CreateTunnelRequest;
import io.tunnelstore.client.RowPutChange;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.client.TunnelType;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.testsupport.Await;
import io.tunnelstore.tunnel.SimpleProcessorFactory;
import io.tunnelstore.tunnel.TunnelWorker;
import io.tunnelstore.tunnel.TunnelWorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tunnel checkpoints show|set|rewind|reset|fork|export|import} against a real in-process server: messages,
 * dry runs, JSON output, exit codes, and the history entries the changes leave; and a live worker following a set
 * and a rewind given on the command line. (Every operation with live workers of both SDKs:
 * {@code CheckpointControlIntegrationTest} in the sdk module, {@code OfficialWorkerCheckpointControlTest} in the
 * server module.)
 */
class TunnelCheckpointsCommandTest {
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

    private static CliRun.Result ok(String... args) {
        CliRun.Result r = server.run(args);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r;
    }

    @Test
    void showSetResetRewindExportImportAndForkFromTheCommandLine() throws Exception {
        ok("table", "create", "ck", "--pk", "id:integer", "--stream-hours", "24");
        ok("tunnel", "create", "ck", "t", "--type", "stream");
        try (TableClient tables = TableClient.create(server.clientConfig())) {
            for (long id = 0; id < 5; id++) {
                tables.putRow(RowPutChange.of("ck", PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.ofLong(id))),
                        List.of(Cell.put("v", ColumnValue.ofLong(id)))));
            }
        }

        List<String> shown = ok("tunnel", "checkpoints", "show", "ck", "t").outLines();
        assertThat(shown.get(0)).matches("tunnel t \\(Stream, stage ProcessStream, rewind possible back to \\S+Z\\)");
        assertThat(shown.get(1)).matches("CHANNEL\\s+STATUS\\s+OWNER\\s+CKPT-SEQ\\s+POSITION\\s+NEXT-CHANGE\\s+COUNT");
        assertThat(shown.get(2)).matches("(Stream_\\d+)\\s+WAIT\\s+-\\s+0\\s+seq 1\\s+\\S+Z\\s+0");
        assertThat(shown).hasSize(3);
        String channel = shown.get(2).split("\\s+")[0];

        List<String> dry = ok("tunnel", "checkpoints", "set", "ck", "t", channel, "--sequence", "3", "--dry-run")
                .outLines();
        assertThat(dry.get(0)).isEqualTo("set (dry run, nothing changed): would move 1 channel(s) of tunnel t");
        assertThat(dry.get(1)).matches("CHANNEL\\s+BEFORE\\s+AFTER\\s+NEXT-CHANGE");
        assertThat(dry.get(2)).matches(channel + "\\s+seq 1\\s+seq 3\\s+\\S+Z");
        // the retention start in the first line moves with the clock; the channels are unchanged
        assertThat(ok("tunnel", "checkpoints", "show", "ck", "t").outLines().subList(1, 3))
                .isEqualTo(shown.subList(1, 3));

        assertThat(ok("tunnel", "checkpoints", "set", "ck", "t", channel, "--sequence", "3").outLines().get(0))
                .isEqualTo("set: moved 1 channel(s) of tunnel t");
        Path export = dataDir.resolve("t.json");
        CliRun.Result exported = ok("tunnel", "checkpoints", "export", "ck", "t", "--file", export.toString());
        assertThat(exported.err()).isEqualTo("exported the checkpoints of tunnel t to " + export + "\n");
        assertThat(Files.readString(export)).contains("\"format\": \"tunnelstore.checkpoints/1\"");

        CliRun.Result reset = ok("tunnel", "checkpoints", "reset", "ck", "t", "-o", "json");
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) Json.parse(reset.out());
        assertThat(r).containsEntry("tunnel", "t").containsEntry("dryRun", false).containsEntry("skipped", List.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> change = ((List<Map<String, Object>>) r.get("changes")).get(0);
        assertThat(change).containsEntry("channel", channel);
        assertThat((Map<String, Object>) change.get("before")).containsEntry("nextSequence", 3L)
                .containsEntry("sequenceNumber", 1L);
        assertThat((Map<String, Object>) change.get("after")).containsEntry("nextSequence", 6L)
                .containsEntry("sequenceNumber", 2L).containsEntry("status", "WAIT").containsEntry("owner", null);

        List<String> imported = ok("tunnel", "checkpoints", "import", "ck", "t", "--file", export.toString())
                .outLines();
        assertThat(imported.get(0)).isEqualTo("import: moved 1 channel(s) of tunnel t");
        assertThat(imported.get(2)).matches(channel + "\\s+seq 6\\s+seq 3\\s+\\S+Z");

        List<String> forked = ok("tunnel", "checkpoints", "fork", "ck", "t", "copy").outLines();
        assertThat(forked.get(0)).matches("fork: created tunnel copy \\(id \\S+\\) with 1 channel\\(s\\)");
        assertThat(forked.get(2)).matches(channel + "\\s+-\\s+seq 3\\s+\\S+Z");
        assertThat(ok("tunnel", "list", "ck").outLines()).hasSize(3);
        assertThat(ok("tunnel", "checkpoints", "rewind", "ck", "copy", "--to",
                java.time.Instant.ofEpochMilli(System.currentTimeMillis() - 1000).toString(), "--dry-run")
                .outLines().get(0)).startsWith("rewind (dry run, nothing changed): would move ");

        List<String> history = ok("tunnel", "history", "ck", "t").outLines();
        assertThat(history.get(0)).matches("TIME\\s+KIND\\s+CHANNEL\\s+BY\\s+DETAIL");
        assertThat(history.subList(1, history.size())).hasSize(4);
        assertThat(history.get(1)).matches("\\S+Z\\s+CHECKPOINT_SET\\s+" + channel + "\\s+" + InProcessServer.AK
                + "\\s+seq 1 -> seq 3 \\(set to sequence 3\\)");
        assertThat(history.get(2)).matches("\\S+Z\\s+CHECKPOINT_RESET\\s+" + channel + "\\s+" + InProcessServer.AK
                + "\\s+seq 3 -> seq 6 \\(reset to latest\\)");
        assertThat(history.get(3)).matches("\\S+Z\\s+CHECKPOINT_IMPORT\\s+" + channel + "\\s+" + InProcessServer.AK
                + "\\s+seq 6 -> seq 3 \\(import of t exported at \\S+Z\\)");
        assertThat(history.get(4)).matches("\\S+Z\\s+FORKED_TO\\s+-\\s+" + InProcessServer.AK
                + "\\s+forked to copy \\(\\S+\\) from the checkpoints of t");
    }

    /** Rows {@code fromId..toIdExclusive-1} of table {@code table}, column v = id. */
    private static void put(TableClient tables, String table, long fromId, long toIdExclusive) {
        for (long id = fromId; id < toIdExclusive; id++) {
            tables.putRow(RowPutChange.of(table, PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.ofLong(id))),
                    List.of(Cell.put("v", ColumnValue.ofLong(id)))));
        }
    }

    /** {@code id -> n} for every id in {@code fromId..toIdExclusive-1}. */
    private static Map<Long, Integer> times(long fromId, long toIdExclusive, int n) {
        Map<Long, Integer> m = new HashMap<>();
        LongStream.range(fromId, toIdExclusive).forEach(id -> m.put(id, n));
        return m;
    }

    private static Map<Long, Integer> merged(Map<Long, Integer> a, Map<Long, Integer> b) {
        Map<Long, Integer> m = new HashMap<>(a);
        m.putAll(b);
        return m;
    }

    /** Waits until the tunnel's only channel has checkpointed up to {@code nextSequence}. */
    private static void awaitCheckpointAt(AdminClient admin, String table, String tunnel, long nextSequence) {
        Await.until("checkpoint of " + tunnel + " at sequence " + nextSequence, Duration.ofSeconds(40), () -> {
            Long next = admin.showCheckpoints(table, tunnel).channels().get(0).nextSequence();
            return next != null && next == nextSequence;
        });
    }

    @Test
    void aLiveWorkerFollowsASetAndARewindGivenOnTheCommandLine() {
        ok("table", "create", "live", "--pk", "id:integer", "--stream-hours", "24");
        Map<Long, Integer> delivered = new ConcurrentHashMap<>();
        Instant t;
        try (TableClient tables = TableClient.create(server.clientConfig());
                TunnelClient tunnels = TunnelClient.create(server.clientConfig());
                AdminClient admin = AdminClient.create(server.clientConfig())) {
            String tunnelId = tunnels.createTunnel(CreateTunnelRequest.of("live", "w", TunnelType.STREAM));
            TunnelWorkerConfig config = TunnelWorkerConfig.builder().heartbeatInterval(Duration.ofSeconds(5))
                    .heartbeatTimeout(Duration.ofSeconds(30)).checkpointInterval(Duration.ofMillis(200))
                    .closeOnJvmExit(false)
                    .processorFactory(SimpleProcessorFactory.of("cli", (ctx, records) -> records.forEach(r ->
                            delivered.merge(r.primaryKey().get(0).value().asLong(), 1, Integer::sum))))
                    .build();
            try (TunnelWorker worker = new TunnelWorker(tunnels, tunnelId, config)) {
                worker.start();
                put(tables, "live", 0, 10);
                Await.until("rows 0-9 delivered once", Duration.ofSeconds(30),
                        () -> delivered.equals(times(0, 10, 1)));
                awaitCheckpointAt(admin, "live", "w", 11);
                String channel = admin.showCheckpoints("live", "w").channels().get(0).channelId();

                // Row id is at change-log sequence id + 1: sequence 6 is row 5, so rows 5-9 come again.
                assertThat(ok("tunnel", "checkpoints", "set", "live", "w", channel, "--sequence", "6").outLines()
                        .get(0)).isEqualTo("set: moved 1 channel(s) of tunnel w");
                Await.until("rows 5-9 delivered again", Duration.ofSeconds(40),
                        () -> delivered.equals(merged(times(0, 5, 1), times(5, 10, 2))));
                awaitCheckpointAt(admin, "live", "w", 11);

                // A time after row 9 and before row 10: the rewind brings rows 10-14 again.
                long before = System.currentTimeMillis();
                Await.until("the clock moved on", Duration.ofSeconds(5), () -> System.currentTimeMillis() > before);
                t = Instant.ofEpochMilli(System.currentTimeMillis());
                put(tables, "live", 10, 15);
                Await.until("rows 10-14 delivered once", Duration.ofSeconds(30),
                        () -> delivered.equals(merged(merged(times(0, 5, 1), times(5, 10, 2)), times(10, 15, 1))));
                awaitCheckpointAt(admin, "live", "w", 16);
                assertThat(ok("tunnel", "checkpoints", "rewind", "live", "w", "--to", t.toString()).outLines()
                        .get(0)).isEqualTo("rewind: moved 1 channel(s) of tunnel w");
                Await.until("rows 10-14 delivered again", Duration.ofSeconds(40),
                        () -> delivered.equals(merged(merged(times(0, 5, 1), times(5, 10, 2)), times(10, 15, 2))));
                awaitCheckpointAt(admin, "live", "w", 16);
                assertThat(admin.showCheckpoints("live", "w").channels().get(0).ownerClientId())
                        .isEqualTo(worker.clientId());
            }
        }
        List<String> history = ok("tunnel", "history", "live", "w").outLines();
        assertThat(history).hasSize(3);
        assertThat(history.get(1)).matches("\\S+Z\\s+CHECKPOINT_SET\\s+\\S+\\s+" + InProcessServer.AK
                + "\\s+seq \\d+ -> seq 6 \\(set to sequence 6\\)");
        assertThat(history.get(2)).matches("\\S+Z\\s+CHECKPOINT_REWIND\\s+\\S+\\s+" + InProcessServer.AK
                + "\\s+seq \\d+ -> seq 11 \\(rewind to " + java.util.regex.Pattern.quote(t.toString()) + "\\)");
    }

    @Test
    void badInputGetsAClearMessageAndTheUsualExitCodes() {
        ok("table", "create", "bad", "--pk", "id:integer", "--stream-hours", "24");
        ok("tunnel", "create", "bad", "s", "--type", "stream");

        CliRun.Result future = server.run("tunnel", "checkpoints", "rewind", "bad", "s", "--to",
                "2999-01-01T00:00:00Z");
        assertThat(future.exitCode()).isEqualTo(CliErrors.FAILED);
        assertThat(future.err()).startsWith("tunnelstore tunnel checkpoints rewind: time 2999-01-01T00:00:00Z is in "
                + "the future (now ");
        assertThat(future.err()).contains("(code OTSParameterInvalid");

        CliRun.Result missing = server.run("tunnel", "checkpoints", "show", "bad", "nope");
        assertThat(missing.exitCode()).isEqualTo(CliErrors.FAILED);
        assertThat(missing.err()).startsWith("tunnelstore tunnel checkpoints show: tunnel not exist: nope (code "
                + "OTSParameterInvalid");

        CliRun.Result noFile = server.run("tunnel", "checkpoints", "import", "bad", "s", "--file",
                dataDir.resolve("absent.json").toString());
        assertThat(noFile.exitCode()).isEqualTo(CliErrors.FAILED);
        assertThat(noFile.err()).isEqualTo("tunnelstore tunnel checkpoints import: no such file: "
                + dataDir.resolve("absent.json") + "\n");

        CliRun.Result two = server.run("tunnel", "checkpoints", "set", "bad", "s", "Stream_0", "--sequence", "2",
                "--time", "2026-01-01T00:00:00Z");
        assertThat(two.exitCode()).isEqualTo(2);
        assertThat(two.err()).contains("mutually exclusive");

        CliRun.Result badTime = server.run("tunnel", "checkpoints", "rewind", "bad", "s", "--to", "yesterday");
        assertThat(badTime.exitCode()).isEqualTo(2);
        assertThat(badTime.err()).contains("expected an ISO-8601 instant");
    }
}
