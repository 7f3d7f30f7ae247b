package io.tunnelstore.it;

import static io.tunnelstore.it.ItServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.client.AdminClient;
import io.tunnelstore.client.ChannelCheckpoint;
import io.tunnelstore.client.CheckpointChangeResult;
import io.tunnelstore.client.CheckpointTarget;
import io.tunnelstore.client.CreateTunnelRequest;
import io.tunnelstore.client.TablestoreException;
import io.tunnelstore.client.TunnelCheckpoints;
import io.tunnelstore.client.TunnelHistoryEvent;
import io.tunnelstore.client.TunnelType;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.tunnel.SimpleProcessorFactory;
import io.tunnelstore.tunnel.TunnelWorker;
import io.tunnelstore.tunnel.TunnelWorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint control through our SDK's {@link AdminClient} with our {@link TunnelWorker} attached: after a rewind,
 * a set or an import the worker delivers from the new position, its stale checkpoint is fenced
 * ({@code OTSSequenceNumberNotMatch}), a dry run changes nothing, a fork leaves its source untouched and delivers
 * from the chosen point, and every change is in the tunnel's history with who did it.
 *
 * <p>One table with one partition (one stream channel, {@code Stream_…}); the rows' change-log sequences are 1, 2, …
 * in write order, so row {@code id} is at sequence {@code id + 1}.
 */
class CheckpointControlIntegrationTest {
    private static final String TABLE = "ckpt";
    private static final String TUNNEL = "live";

    @TempDir
    Path dataDir;

    private static TunnelWorkerConfig config(String name, Deliveries got) {
        return TunnelWorkerConfig.builder().heartbeatInterval(Duration.ofSeconds(5))
                .heartbeatTimeout(Duration.ofSeconds(30)).checkpointInterval(Duration.ofMillis(200))
                .clientTag(name).closeOnJvmExit(false)
                .processorFactory(SimpleProcessorFactory.of(name, (ctx, records) -> got.add(name, ctx, records)))
                .build();
    }

    private static void write(ItServer ots, long fromId, long toIdExclusive) {
        for (long id = fromId; id < toIdExclusive; id++) {
            ots.put(TABLE, id, Cell.put("v", ColumnValue.ofLong(id)));
        }
    }

    /** How often each row id was delivered to {@code consumer}. */
    private static Map<Long, Long> counts(Deliveries got, String consumer) {
        return got.all().stream().filter(d -> d.consumer().equals(consumer))
                .collect(Collectors.groupingBy(Deliveries.Delivery::id, Collectors.counting()));
    }

    private static Map<Long, Long> times(long fromId, long toIdExclusive, long n) {
        return LongStream.range(fromId, toIdExclusive).boxed().collect(Collectors.toMap(Function.identity(), i -> n));
    }

    private static Map<Long, Long> merged(Map<Long, Long> a, Map<Long, Long> b) {
        Map<Long, Long> out = new java.util.HashMap<>(a);
        out.putAll(b);
        return out;
    }

    private static ChannelCheckpoint only(TunnelCheckpoints c) {
        assertThat(c.channels()).hasSize(1);
        return c.channels().get(0);
    }

    /** Waits until the worker has checkpointed everything written (next sequence = written + 1, caught up). */
    private static ChannelCheckpoint awaitCheckpointAt(AdminClient admin, String tunnel, long nextSequence) {
        await("checkpoint of " + tunnel + " at sequence " + nextSequence, Duration.ofSeconds(30), () -> {
            ChannelCheckpoint c = only(admin.showCheckpoints(TABLE, tunnel));
            return c.nextSequence() != null && c.nextSequence() == nextSequence;
        });
        return only(admin.showCheckpoints(TABLE, tunnel));
    }

    /** A time strictly after every change written so far and at or before every later one. */
    private static Instant nextMillisecond() {
        long now = System.currentTimeMillis();
        await("the clock moved on", Duration.ofSeconds(5), () -> System.currentTimeMillis() > now);
        return Instant.ofEpochMilli(System.currentTimeMillis());
    }

    private static String errorCode(Runnable call) {
        try {
            call.run();
        } catch (TablestoreException e) {
            return e.errorCode() + ": " + e.serverMessage();
        } catch (CompletionException e) {
            TablestoreException t = (TablestoreException) e.getCause();
            return t.errorCode() + ": " + t.serverMessage();
        }
        throw new AssertionError("no error");
    }

    @Test
    void rewindSetImportAndForkWithALiveWorker() {
        try (ItServer ots = new ItServer(dataDir);
                AdminClient admin = AdminClient.create(ots.clientConfig())) {
            ots.createPartitionedTable(TABLE);
            String tunnelId = ots.tunnels.createTunnel(CreateTunnelRequest.of(TABLE, TUNNEL, TunnelType.STREAM));
            Deliveries got = new Deliveries();
            try (TunnelWorker a = new TunnelWorker(ots.tunnels, tunnelId, config("a", got))) {
                a.start();
                write(ots, 0, 10);
                await("rows 0-9 delivered", Duration.ofSeconds(30), () -> counts(got, "a").equals(times(0, 10, 1)));
                ChannelCheckpoint afterA = awaitCheckpointAt(admin, TUNNEL, 11);
                String exported = admin.exportCheckpoints(TABLE, TUNNEL);
                Instant t = nextMillisecond();
                write(ots, 10, 20);
                await("rows 10-19 delivered", Duration.ofSeconds(30), () -> counts(got, "a").equals(times(0, 20, 1)));
                ChannelCheckpoint caughtUp = awaitCheckpointAt(admin, TUNNEL, 21);
                String channel = caughtUp.channelId();
                assertThat(caughtUp.status()).isEqualTo("OPEN");
                assertThat(caughtUp.ownerClientId()).isEqualTo(a.clientId());
                assertThat(caughtUp.nextChangeTime()).isNull();
                assertThat(afterA.nextChangeTime()).isNull();

                // Dry run: the exact answer, nothing changed.
                CheckpointChangeResult dry = admin.rewindCheckpoints(TABLE, TUNNEL, t, true);
                assertThat(dry.dryRun()).isTrue();
                assertThat(dry.changes()).hasSize(1);
                assertThat(dry.changes().get(0).before()).isEqualTo(caughtUp);
                assertThat(dry.changes().get(0).after().nextSequence()).isEqualTo(11L);
                assertThat(dry.changes().get(0).after().nextChangeTime()).isAfterOrEqualTo(t);
                assertThat(dry.changes().get(0).after().status()).isEqualTo("WAIT");
                assertThat(dry.changes().get(0).after().sequenceNumber()).isEqualTo(caughtUp.sequenceNumber() + 1);
                assertThat(dry.changes().get(0).after().version()).isEqualTo(caughtUp.version() + 1);
                assertThat(only(admin.showCheckpoints(TABLE, TUNNEL))).isEqualTo(caughtUp);

                // Rewind to t: the owner loses the channel, its stale checkpoint is fenced, rows 10-19 come again.
                CheckpointChangeResult rewound = admin.rewindCheckpoints(TABLE, TUNNEL, t, false);
                assertThat(rewound.dryRun()).isFalse();
                assertThat(rewound.changes().get(0).after()).usingRecursiveComparison()
                        .ignoringFields("lastCheckpointTime").isEqualTo(dry.changes().get(0).after());
                assertThat(errorCode(() -> ots.tunnels.internalTunnelRpc().checkpoint(
                        TunnelProtos.CheckpointRequest.newBuilder().setTunnelId(tunnelId).setClientId(a.clientId())
                                .setChannelId(channel).setCheckpoint(caughtUp.token())
                                .setSequenceNumber(caughtUp.sequenceNumber() + 1).build()).join()))
                        .startsWith("OTSSequenceNumberNotMatch");
                await("rows 10-19 delivered again", Duration.ofSeconds(40),
                        () -> counts(got, "a").equals(merged(times(0, 10, 1), times(10, 20, 2))));
                awaitCheckpointAt(admin, TUNNEL, 21);

                // Set to sequence 16 (row 15): rows 15-19 come a third time.
                CheckpointChangeResult set = admin.setCheckpoint(TABLE, TUNNEL, channel,
                        CheckpointTarget.sequence(16), false);
                assertThat(set.changes().get(0).after().nextSequence()).isEqualTo(16L);
                await("rows 15-19 delivered a third time", Duration.ofSeconds(40), () -> counts(got, "a")
                        .equals(merged(merged(times(0, 10, 1), times(10, 15, 2)), times(15, 20, 3))));
                awaitCheckpointAt(admin, TUNNEL, 21);

                // Import the export taken after row 9: rows 10-19 once more.
                CheckpointChangeResult imported = admin.importCheckpoints(TABLE, TUNNEL, exported, false);
                assertThat(imported.changes().get(0).after().token()).isEqualTo(afterA.token());
                await("rows 10-19 delivered after the import", Duration.ofSeconds(40), () -> counts(got, "a")
                        .equals(merged(merged(times(0, 10, 1), times(10, 15, 3)), times(15, 20, 4))));
                ChannelCheckpoint end = awaitCheckpointAt(admin, TUNNEL, 21);

                // Fork from the live tunnel's checkpoints and from t: the source is not touched.
                assertThat(admin.forkTunnel(TABLE, TUNNEL, "dry-fork", t, true).tunnelId()).isEmpty();
                CheckpointChangeResult fromT = admin.forkTunnel(TABLE, TUNNEL, "replay", t, false);
                CheckpointChangeResult fromNow = admin.forkTunnel(TABLE, TUNNEL, "copy", null, false);
                assertThat(fromT.changes().get(0).before()).isNull();
                assertThat(fromT.changes().get(0).after().nextSequence()).isEqualTo(11L);
                assertThat(fromNow.changes().get(0).after().token()).isEqualTo(end.token());
                assertThat(only(admin.showCheckpoints(TABLE, TUNNEL))).isEqualTo(end);
                assertThat(ots.tunnels.listTunnels(TABLE)).extracting(i -> i.tunnelName())
                        .containsExactlyInAnyOrder(TUNNEL, "replay", "copy");
                try (TunnelWorker r = new TunnelWorker(ots.tunnels, fromT.tunnelId(), config("replay", got));
                        TunnelWorker c = new TunnelWorker(ots.tunnels, fromNow.tunnelId(), config("copy", got))) {
                    r.start();
                    c.start();
                    await("the replay fork delivers rows 10-19", Duration.ofSeconds(30),
                            () -> counts(got, "replay").equals(times(10, 20, 1)));
                    write(ots, 20, 25);
                    await("rows 20-24 delivered by all three", Duration.ofSeconds(30),
                            () -> counts(got, "copy").equals(times(20, 25, 1))
                                    && counts(got, "replay").equals(times(10, 25, 1))
                                    && Long.valueOf(1).equals(counts(got, "a").get(24L)));
                }
                awaitCheckpointAt(admin, TUNNEL, 26); // the source carries on

                List<TunnelHistoryEvent> history = ots.tunnels.describeTunnel(TABLE, TUNNEL).history();
                assertThat(history).extracting(TunnelHistoryEvent::kind, TunnelHistoryEvent::channelId,
                        TunnelHistoryEvent::actor).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("CHECKPOINT_REWIND", channel, ItServer.AK),
                        org.assertj.core.groups.Tuple.tuple("CHECKPOINT_SET", channel, ItServer.AK),
                        org.assertj.core.groups.Tuple.tuple("CHECKPOINT_IMPORT", channel, ItServer.AK),
                        org.assertj.core.groups.Tuple.tuple("FORKED_TO", null, ItServer.AK),
                        org.assertj.core.groups.Tuple.tuple("FORKED_TO", null, ItServer.AK));
                assertThat(history.get(0).detail()).isEqualTo("seq 21 -> seq 11 (rewind to " + t + ")");
                assertThat(history.get(1).detail()).isEqualTo("seq 21 -> seq 16 (set to sequence 16)");
                assertThat(history.get(2).detail()).startsWith("seq 21 -> seq 11 (import of live exported at ");
                assertThat(history.get(3).detail())
                        .isEqualTo("forked to replay (" + fromT.tunnelId() + ") from " + t);
                assertThat(history.get(4).detail()).isEqualTo(
                        "forked to copy (" + fromNow.tunnelId() + ") from the checkpoints of " + TUNNEL);
                assertThat(ots.tunnels.describeTunnel(TABLE, "replay").history()).extracting(
                        TunnelHistoryEvent::kind, TunnelHistoryEvent::detail).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("FORKED_FROM",
                                "forked from " + TUNNEL + " (" + tunnelId + ") from " + t));
            }
        }
    }

    @Test
    void resetSkipsWhatWasWrittenAndBadRequestsAreRefusedWithClearMessages() {
        try (ItServer ots = new ItServer(dataDir);
                AdminClient admin = AdminClient.create(ots.clientConfig())) {
            ots.createPartitionedTable(TABLE);
            ots.createPartitionedTable("other");
            String tunnelId = ots.tunnels.createTunnel(CreateTunnelRequest.of(TABLE, TUNNEL, TunnelType.STREAM));
            ots.tunnels.createTunnel(CreateTunnelRequest.of("other", "o", TunnelType.STREAM));
            ots.tunnels.createTunnel(CreateTunnelRequest.of(TABLE, "base", TunnelType.BASE_DATA));
            write(ots, 0, 10);
            TunnelCheckpoints before = admin.showCheckpoints(TABLE, TUNNEL);
            String channel = only(before).channelId();
            assertThat(only(before).nextSequence()).isEqualTo(1L);
            assertThat(only(before).nextChangeTime()).isNotNull();
            assertThat(before.tunnelId()).isEqualTo(tunnelId);
            assertThat(before.stage()).isEqualTo("ProcessStream");
            assertThat(before.retentionStart()).isBefore(before.serverTime());

            CheckpointChangeResult dry = admin.resetCheckpoints(TABLE, TUNNEL, true);
            assertThat(dry.changes().get(0).after().nextSequence()).isEqualTo(11L);
            assertThat(admin.showCheckpoints(TABLE, TUNNEL).channels()).isEqualTo(before.channels());
            assertThat(ots.tunnels.describeTunnel(TABLE, TUNNEL).history()).isEmpty();
            admin.resetCheckpoints(TABLE, TUNNEL, false);

            Deliveries got = new Deliveries();
            try (TunnelWorker a = new TunnelWorker(ots.tunnels, tunnelId, config("a", got))) {
                a.start();
                await("worker owns the channel", Duration.ofSeconds(30),
                        () -> "OPEN".equals(only(admin.showCheckpoints(TABLE, TUNNEL)).status()));
                write(ots, 10, 15);
                await("rows 10-14 delivered", Duration.ofSeconds(30), () -> counts(got, "a").keySet()
                        .containsAll(List.of(10L, 11L, 12L, 13L, 14L)));
                assertThat(counts(got, "a")).isEqualTo(times(10, 15, 1));
            }

            Instant future = Instant.ofEpochMilli(System.currentTimeMillis() + 3_600_000);
            assertThat(errorCode(() -> admin.rewindCheckpoints(TABLE, TUNNEL, future, false)))
                    .startsWith("OTSParameterInvalid: time " + future + " is in the future (now ");
            assertThat(errorCode(() -> admin.rewindCheckpoints(TABLE, TUNNEL, Instant.EPOCH, false)))
                    .startsWith("OTSParameterInvalid: time 1970-01-01T00:00:00Z is before the retention start ")
                    .endsWith("(the stream of table ckpt keeps 168 hours)");
            assertThat(errorCode(() -> admin.rewindCheckpoints(TABLE, "base", Instant.now(), false)))
                    .isEqualTo("OTSParameterInvalid: tunnel base is a BaseData tunnel: rewind applies to Stream and "
                            + "BaseAndStream tunnels");
            assertThat(errorCode(() -> admin.setCheckpoint(TABLE, TUNNEL, "Stream_9", CheckpointTarget.sequence(1),
                    false))).isEqualTo("OTSParameterInvalid: channel Stream_9 does not exist in tunnel live");
            assertThat(errorCode(() -> admin.setCheckpoint(TABLE, TUNNEL, channel, CheckpointTarget.sequence(99),
                    false))).startsWith("OTSParameterInvalid: sequence 99 of channel " + channel
                    + " is beyond the end of shard ");
            assertThat(errorCode(() -> admin.setCheckpoint(TABLE, TUNNEL, channel,
                    CheckpointTarget.token("not-a-token"), false)))
                    .startsWith("OTSParameterInvalid: the checkpoint of channel " + channel + " is not a valid token");
            assertThat(errorCode(() -> admin.showCheckpoints(TABLE, "nope")))
                    .isEqualTo("OTSParameterInvalid: tunnel not exist: nope");
            assertThat(errorCode(() -> admin.forkTunnel(TABLE, TUNNEL, "base", null, false)))
                    .isEqualTo("OTSTunnelExist: tunnel base already exists on table ckpt");

            String otherExport = admin.exportCheckpoints("other", "o");
            assertThat(errorCode(() -> admin.importCheckpoints(TABLE, TUNNEL, otherExport, false)))
                    .startsWith("OTSParameterInvalid: the checkpoints were exported from table other (id ");
            String export = admin.exportCheckpoints(TABLE, TUNNEL);
            assertThat(export).contains("\"format\": \"tunnelstore.checkpoints/1\"", "\"table\": \"ckpt\"",
                    "\"tunnel\": \"live\"", "\"channelId\": \"" + channel + "\"");
            String renamed = export.replace("\"channelId\": \"" + channel + "\"", "\"channelId\": \"Stream_9\"");
            assertThat(errorCode(() -> admin.importCheckpoints(TABLE, TUNNEL, renamed, false)))
                    .isEqualTo("OTSParameterInvalid: channel Stream_9 does not exist in tunnel live");
            assertThat(errorCode(() -> admin.importCheckpoints(TABLE, TUNNEL, "{\"format\": 1", false)))
                    .startsWith("OTSParameterInvalid: the import is not a checkpoint export");
            // The round trip of an unchanged tunnel changes nothing.
            CheckpointChangeResult same = admin.importCheckpoints(TABLE, TUNNEL, export, false);
            assertThat(same.changes()).isEmpty();
            assertThat(same.skipped()).containsExactly(channel + ": already there");
            assertThat(ots.tunnels.describeTunnel(TABLE, TUNNEL).history()).extracting(TunnelHistoryEvent::kind)
                    .containsExactly("CHECKPOINT_RESET");
        }
    }

    @Test
    void readOnlyKeysMayShowButNotChangeAndChangesSurviveARestart() {
        try (ItServer ots = new ItServer(dataDir);
                AdminClient admin = AdminClient.create(ots.clientConfig())) {
            ots.createPartitionedTable(TABLE);
            ots.tunnels.createTunnel(CreateTunnelRequest.of(TABLE, TUNNEL, TunnelType.STREAM));
            write(ots, 0, 5);
            var readOnly = ots.server().context().credentialStore().createAccessKey(ItServer.INSTANCE,
                    io.tunnelstore.server.auth.KeyScope.READ_ONLY, java.util.Set.of(), 0,
                    io.tunnelstore.server.auth.KeyOrigin.CREATED, System.currentTimeMillis());
            var config = io.tunnelstore.client.ClientConfig.builder().endpoint(ots.endpoint())
                    .instanceName(ItServer.INSTANCE)
                    .credentials(readOnly.accessKeyId(), readOnly.accessKeySecret()).build();
            try (AdminClient reader = AdminClient.create(config)) {
                assertThat(reader.showCheckpoints(TABLE, TUNNEL).channels()).hasSize(1);
                assertThat(errorCode(() -> reader.resetCheckpoints(TABLE, TUNNEL, true)))
                        .startsWith("OTSNoPermissionAccess");
            }
            String channel = only(admin.showCheckpoints(TABLE, TUNNEL)).channelId();
            admin.setCheckpoint(TABLE, TUNNEL, channel, CheckpointTarget.sequence(4), false);
            ChannelCheckpoint set = only(admin.showCheckpoints(TABLE, TUNNEL));
            ots.restart();
            assertThat(only(admin.showCheckpoints(TABLE, TUNNEL))).isEqualTo(set);
            assertThat(set.nextSequence()).isEqualTo(4L);
            assertThat(ots.tunnels.describeTunnel(TABLE, TUNNEL).history()).extracting(TunnelHistoryEvent::detail)
                    .containsExactly("seq 1 -> seq 4 (set to sequence 4)");
        }
    }
}
