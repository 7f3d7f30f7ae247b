package io.tunnelstore.server.tunnel;

import static io.tunnelstore.server.tunnel.TunnelTestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.model.tunnel.CreateTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelType;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorker;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorkerConfig;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.pb.AdminProtos.CheckpointChangeResponse;
import io.tunnelstore.protocol.pb.AdminProtos.ForkTunnelRequest;
import io.tunnelstore.protocol.pb.AdminProtos.ResetCheckpointsRequest;
import io.tunnelstore.protocol.pb.AdminProtos.RewindCheckpointsRequest;
import io.tunnelstore.protocol.pb.AdminProtos.SetCheckpointRequest;
import io.tunnelstore.server.SignedRequests;
import io.tunnelstore.server.tunnel.RecordCollector.Received;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint control (docs/tunnel-service.md "Checkpoint control") with live workers of the OFFICIAL Java SDK: set,
 * rewind and reset move a channel while an official {@link TunnelWorker} consumes it — its in-flight checkpoint of the
 * old position is refused (fenced), and it continues from the new position; a fork is consumed by a second official
 * worker while the original tunnel's worker carries on untouched. The operations go over the wire, signed, as an
 * operator's tool sends them.
 */
class OfficialWorkerCheckpointControlTest {
    private static final String TABLE = "orders";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    @Test
    void setRewindAndResetFenceALiveOfficialWorkerWhichContinuesFromTheNewPosition() throws Exception {
        try (TunnelTestServer ots = new TunnelTestServer(dataDir)) {
            ots.createTable(TABLE);
            String tunnelId = ots.tunnels.createTunnel(new CreateTunnelRequest(TABLE, "sync", TunnelType.Stream))
                    .getTunnelId();
            // the worker stores each batch, then blocks once it has 10 records: it is mid-batch when we rewind
            RecordCollector collector = new RecordCollector().holdAfter(10);
            TunnelWorkerConfig config = workerConfig(collector);
            TunnelWorker worker = new TunnelWorker(tunnelId, ots.tunnels, config);
            try {
                worker.connectAndWorking();
                putAll(ots, 1, 5);
                await("rows 1-5", WAIT, () -> collector.size() == 5);
                ots.clock.advance(Duration.ofMinutes(1));
                long rewindTo = ots.clock.millis(); // rows 6-10 commit at or after this time, rows 1-5 before it
                putAll(ots, 6, 10);
                await("rows 6-10 (held in the callback)", WAIT, () -> collector.size() == 10);

                // rewind while the worker holds rows 6-10 and has not checkpointed them yet
                CheckpointChangeResponse rewound = admin(ots, Action.ADMIN_CHECKPOINTS_REWIND,
                        RewindCheckpointsRequest.newBuilder().setTableName(TABLE).setTunnelName("sync")
                                .setTimeMs(rewindTo).build(), CheckpointChangeResponse.parser());
                assertThat(rewound.getChangesList()).singleElement().satisfies(c -> {
                    assertThat(c.getChannelId()).isEqualTo("Stream_1");
                    assertThat(c.getAfter().getNextSequence()).isEqualTo(6);
                });
                collector.resume(); // its checkpoint of the position after row 10 is now stale: refused
                await("rows 6-10 delivered again", WAIT, () -> collector.size() == 15);
                assertThat(ids(collector.all())).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L,
                        6L, 7L, 8L, 9L, 10L);
                putAll(ots, 11, 11);
                await("row 11", WAIT, () -> collector.size() == 16);
                assertThat(ids(collector.all()).subList(15, 16)).containsExactly(11L);

                // set: deliver from change-log sequence 3 (row 3) on
                CheckpointChangeResponse set = admin(ots, Action.ADMIN_CHECKPOINTS_SET,
                        SetCheckpointRequest.newBuilder().setTableName(TABLE).setTunnelName("sync")
                                .setChannelId("Stream_1").setNextSequence(3).build(),
                        CheckpointChangeResponse.parser());
                assertThat(set.getChanges(0).getBefore().getNextSequence()).isEqualTo(12);
                await("rows 3-11 delivered again", WAIT, () -> collector.size() == 25);
                assertThat(ids(collector.all()).subList(16, 25)).containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L,
                        11L);
                // the log sequence of each record is what the set named
                assertThat(collector.all().get(16).record().getSequenceInfo().getRowIndex()).isEqualTo(3);

                // reset: nothing old again, only what is written from now on
                await("the worker's checkpoint after row 11", WAIT, () -> serverNextSequence(ots) == 12);
                putAll(ots, 12, 13);
                CheckpointChangeResponse reset = admin(ots, Action.ADMIN_CHECKPOINTS_RESET,
                        ResetCheckpointsRequest.newBuilder().setTableName(TABLE).setTunnelName("sync").build(),
                        CheckpointChangeResponse.parser());
                assertThat(reset.getChanges(0).getAfter().getNextSequence()).isEqualTo(14);
                int beforeReset = collector.size();
                putAll(ots, 14, 14);
                await("row 14", WAIT, () -> collector.all().stream().anyMatch(r -> r.id() == 14));
                // rows 12-13 may have reached the worker before the reset (a batch in flight), never after it
                List<Long> afterReset = ids(collector.all()).subList(beforeReset, collector.size());
                assertThat(afterReset).endsWith(14L);
                assertThat(ids(collector.all()).subList(25, collector.size()))
                        .isSubsetOf(12L, 13L, 14L).doesNotHaveDuplicates();
                await("the worker's checkpoint after row 14", WAIT, () -> serverNextSequence(ots) == 15);

                // every operation is in the audit trail, by the operator's key
                assertThat(history(ots, tunnelId)).extracting(TunnelEvents.Event::kind).containsExactly(
                        "CHECKPOINT_REWIND", "CHECKPOINT_SET", "CHECKPOINT_RESET");
                assertThat(history(ots, tunnelId)).extracting(TunnelEvents.Event::actor)
                        .containsOnly(TunnelTestServer.AK);
            } finally {
                collector.resume();
                worker.shutdown();
                config.shutdown();
            }
        }
    }

    @Test
    void aForkIsConsumedByASecondOfficialWorkerWhileTheOriginalWorkerContinuesUntouched() throws Exception {
        try (TunnelTestServer ots = new TunnelTestServer(dataDir)) {
            ots.createTable(TABLE);
            String tunnelId = ots.tunnels.createTunnel(new CreateTunnelRequest(TABLE, "sync", TunnelType.Stream))
                    .getTunnelId();
            long start = ots.clock.millis();
            RecordCollector original = new RecordCollector();
            TunnelWorkerConfig originalConfig = workerConfig(original);
            TunnelWorker originalWorker = new TunnelWorker(tunnelId, ots.tunnels, originalConfig);
            RecordCollector replay = new RecordCollector();
            TunnelWorkerConfig replayConfig = workerConfig(replay);
            TunnelWorker replayWorker = null;
            try {
                originalWorker.connectAndWorking();
                putAll(ots, 1, 5);
                await("rows 1-5 on the original", WAIT, () -> original.size() == 5);
                await("the original's checkpoint after row 5", WAIT, () -> serverNextSequence(ots) == 6);
                long versionBefore = channelVersion(ots, "sync");

                // replay everything since the tunnel was created, into a new tunnel
                CheckpointChangeResponse fork = admin(ots, Action.ADMIN_CHECKPOINTS_FORK,
                        ForkTunnelRequest.newBuilder().setTableName(TABLE).setTunnelName("sync")
                                .setNewTunnelName("replay").setTimeMs(start).build(),
                        CheckpointChangeResponse.parser());
                assertThat(fork.getTunnelName()).isEqualTo("replay");
                replayWorker = new TunnelWorker(fork.getTunnelId(), ots.tunnels, replayConfig);
                replayWorker.connectAndWorking();
                await("rows 1-5 on the fork", WAIT, () -> replay.size() == 5);
                putAll(ots, 6, 8);
                await("rows 6-8 on both", WAIT, () -> original.size() == 8 && replay.size() == 8);

                // each saw every row exactly once, in order; the original was never moved or fenced
                assertThat(ids(original.all())).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
                assertThat(ids(replay.all())).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
                assertThat(original.shutdowns()).isZero();
                assertThat(channelVersion(ots, "sync")).isEqualTo(versionBefore);
                await("the original's checkpoint after row 8", WAIT, () -> serverNextSequence(ots) == 9);
                assertThat(history(ots, tunnelId)).extracting(TunnelEvents.Event::kind).containsExactly("FORKED_TO");
                assertThat(history(ots, fork.getTunnelId())).extracting(TunnelEvents.Event::kind)
                        .containsExactly("FORKED_FROM");
            } finally {
                originalWorker.shutdown();
                originalConfig.shutdown();
                if (replayWorker != null) {
                    replayWorker.shutdown();
                }
                replayConfig.shutdown();
            }
        }
    }

    private static TunnelWorkerConfig workerConfig(RecordCollector collector) {
        TunnelWorkerConfig config = new TunnelWorkerConfig(collector);
        config.setHeartbeatIntervalInSec(5);
        config.setCheckpointIntervalInMillis(0); // checkpoint after every batch
        config.setMaxRetryIntervalInMillis(200); // short idle back-off
        return config;
    }

    private static void putAll(TunnelTestServer ots, long from, long to) {
        LongStream.rangeClosed(from, to).forEach(id -> BaseAndStreamWorkerTest.put(ots, TABLE, id, "v" + id, id));
    }

    private static List<Long> ids(List<Received> received) {
        return received.stream().map(Received::id).toList();
    }

    private static List<TunnelEvents.Event> history(TunnelTestServer ots, String tunnelId) {
        return new TunnelEvents(ots.server.context().storage()).list(TunnelTestServer.INSTANCE, tunnelId);
    }

    /** The next change-log sequence of Stream_1 of tunnel {@code sync}, as stored on the server. */
    private static long serverNextSequence(TunnelTestServer ots) {
        return ((CheckpointPosition.Stream) ots.tunnelModule.tunnels(TunnelTestServer.INSTANCE).toCompletableFuture().join().stream()
                .filter(v -> v.tunnelName().equals("sync")).findFirst().orElseThrow()
                .checkpoints().get("Stream_1")).nextSequence();
    }

    private static long channelVersion(TunnelTestServer ots, String tunnel) {
        return admin(ots, Action.ADMIN_CHECKPOINTS_SHOW, io.tunnelstore.protocol.pb.AdminProtos.ShowCheckpointsRequest
                        .newBuilder().setTableName(TABLE).setTunnelName(tunnel).build(),
                io.tunnelstore.protocol.pb.AdminProtos.TunnelCheckpoints.parser()).getChannels(0).getVersion();
    }

    /** Sends a checkpoint-control action over HTTP, V2-signed with the admin key; fails unless it answers 200. */
    private static <R extends Message> R admin(TunnelTestServer ots, Action action, Message request,
                                               Parser<R> parser) {
        byte[] body = request.toByteArray();
        Map<String, String> headers = SignedRequests.v2(action.path(), TunnelTestServer.INSTANCE, TunnelTestServer.AK,
                TunnelTestServer.SK, body);
        HttpRequest.Builder http = HttpRequest.newBuilder(URI.create(ots.endpoint() + "/" + action.path()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(http::header);
        try {
            HttpResponse<byte[]> r = HttpClient.newHttpClient().send(http.build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).as("%s answered %s", action.path(), new String(r.body())).isEqualTo(200);
            return parser.parseFrom(r.body());
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(action.path() + " failed", e);
        }
    }
}
