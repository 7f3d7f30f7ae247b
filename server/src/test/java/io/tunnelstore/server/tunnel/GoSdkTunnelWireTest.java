package io.tunnelstore.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.model.tunnel.CreateTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelType;
import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.server.RawHttpClient;
import io.tunnelstore.server.SignedRequests;
import io.tunnelstore.coordinator.TunnelDescription;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tunnel calls as the official Go SDK (v1.7.17) sends them — protobuf bodies shaped like its {@code tunnel/api.go},
 * canonical header names — checked at the wire: GetRpo's JSON decoded the way Go's {@code json.Unmarshal} fills
 * {@code map[string]map[string]*RpoLatency} / {@code map[string]*TunnelRpoLatency}, and the last Checkpoint that
 * {@code Close()} sends concurrently with ShutdownTunnel, in both arrival orders.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GoSdkTunnelWireTest {

    @TempDir
    static Path dataDir;

    private TunnelTestServer ots;

    /** Go's {@code RpoLatency}; Gson matches the JSON names exactly (stricter than Go's case-insensitive match). */
    static final class RpoLatency {
        String ChannelTyp;
        String Status;
        long TotalCount;
        long AccessTime;
        long RpoTime;
    }

    /** Go's {@code TunnelRpoLatency}. */
    static final class TunnelRpoLatency {
        String Status;
        long TotalCount;
        long AccessTime;
        long RpoTime;
    }

    @BeforeAll
    void start() {
        ots = new TunnelTestServer(dataDir);
        ots.createTable("rpo");
        ots.createTable("closing");
    }

    @AfterAll
    void stop() {
        ots.close();
    }

    @Test
    void getRpoAnswersTheTunnelsAndEachChannelsRpoInTheShapeTheGoSdkDecodes() throws Exception {
        String tunnel = ots.tunnels.createTunnel(new CreateTunnelRequest("rpo", "go-rpo", TunnelType.Stream))
                .getTunnelId();
        for (long i = 0; i < 5; i++) {
            BaseAndStreamWorkerTest.put(ots, "rpo", i, "n" + i, i);
        }
        String client = connect(tunnel);
        assertThat(heartbeat(tunnel, client, List.of())).extracting(TunnelProtos.Channel::getChannelId)
                .containsExactly("Stream_1");
        String token = getCheckpoint(tunnel, client, "Stream_1").getCheckpoint();
        TunnelProtos.ReadRecordsResponse read = call("tunnel/readrecords", TunnelProtos.ReadRecordsRequest
                .newBuilder().setTunnelId(tunnel).setClientId(client).setChannelId("Stream_1").setToken(token)
                .build(), TunnelProtos.ReadRecordsResponse.parser());
        assertThat(read.getRecordsCount()).isEqualTo(5);
        checkpoint(tunnel, client, "Stream_1", read.getNextToken(), 1);

        for (String action : List.of("tunnel/getrpo", "tunnel/getrpobyoffset")) {
            TunnelProtos.GetRpoResponse rpo = call(action, TunnelProtos.GetRpoRequest.newBuilder()
                    .setTunnelId(tunnel).build(), TunnelProtos.GetRpoResponse.parser());
            Map<String, Map<String, RpoLatency>> channels = new Gson().fromJson(rpo.getRpoInfos().toStringUtf8(),
                    new TypeToken<Map<String, Map<String, RpoLatency>>>() {}.getType());
            Map<String, TunnelRpoLatency> tunnels = new Gson().fromJson(rpo.getTunnelRpoInfos().toStringUtf8(),
                    new TypeToken<Map<String, TunnelRpoLatency>>() {}.getType());
            TunnelDescription.ChannelView view = describe(tunnel).channels().get(0);
            long describedConsumePoint = ots.describe("rpo", "go-rpo").getChannelInfos().get(0)
                    .getChannelConsumePoint().getTime();

            assertThat(rpo.getTunnelId()).isEqualTo(tunnel);
            assertThat(channels).containsOnlyKeys(tunnel);
            assertThat(channels.get(tunnel)).containsOnlyKeys("Stream_1");
            RpoLatency c = channels.get(tunnel).get("Stream_1");
            assertThat(c.ChannelTyp).isEqualTo("Stream");
            assertThat(c.Status).isEqualTo("OPEN");
            assertThat(c.TotalCount).isEqualTo(5);
            assertThat(c.AccessTime).isEqualTo(view.lastCheckpointMillis() * 1_000_000).isPositive();
            assertThat(c.RpoTime).isEqualTo(view.rpoMillis() * 1_000_000).isPositive();
            assertThat(c.RpoTime / 1_000_000).isEqualTo(describedConsumePoint); // DescribeTunnel's channel_rpo
            assertThat(tunnels).containsOnlyKeys(tunnel);
            TunnelRpoLatency t = tunnels.get(tunnel);
            assertThat(t.Status).isEqualTo("ProcessStream");
            assertThat(t.TotalCount).isEqualTo(5);
            assertThat(t.AccessTime).isEqualTo(c.AccessTime);
            assertThat(t.RpoTime).isEqualTo(c.RpoTime);
        }
    }

    @Test
    void theLastCheckpointOfAClosingWorkerIsAcceptedWhetherItArrivesBeforeOrAfterItsShutdown() throws Exception {
        String tunnel = ots.tunnels.createTunnel(new CreateTunnelRequest("closing", "go-close", TunnelType.Stream))
                .getTunnelId();
        for (boolean shutdownFirst : List.of(true, false)) {
            String client = connect(tunnel);
            assertThat(heartbeat(tunnel, client, List.of())).hasSize(1);
            TunnelProtos.GetCheckpointResponse cp = getCheckpoint(tunnel, client, "Stream_1");
            long next = cp.getSequenceNumber() + 1;
            if (shutdownFirst) {
                assertThat(shutdown(tunnel, client).status()).isEqualTo(200);
                assertThat(rawCheckpoint(tunnel, client, "Stream_1", cp.getCheckpoint(), next).status())
                        .isEqualTo(200);
            } else {
                assertThat(rawCheckpoint(tunnel, client, "Stream_1", cp.getCheckpoint(), next).status())
                        .isEqualTo(200);
                assertThat(shutdown(tunnel, client).status()).isEqualTo(200);
            }
            String successor = connect(tunnel);
            heartbeat(tunnel, successor, List.of());
            assertThat(getCheckpoint(tunnel, successor, "Stream_1").getSequenceNumber()).isEqualTo(next);
            assertThat(shutdown(tunnel, successor).status()).isEqualTo(200);
        }
    }

    @Test
    void checkpointAndShutdownSentConcurrentlyAsGoCloseDoesBothSucceed() throws Exception {
        String tunnel = ots.tunnels.createTunnel(new CreateTunnelRequest("closing", "go-race", TunnelType.Stream))
                .getTunnelId();
        java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                String client = connect(tunnel);
                assertThat(heartbeat(tunnel, client, List.of())).hasSize(1);
                TunnelProtos.GetCheckpointResponse cp = getCheckpoint(tunnel, client, "Stream_1");
                long next = cp.getSequenceNumber() + 1;
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
                java.util.concurrent.Future<RawHttpClient.Response> checkpoint = senders.submit(() -> {
                    together.await();
                    return rawCheckpoint(tunnel, client, "Stream_1", cp.getCheckpoint(), next);
                });
                java.util.concurrent.Future<RawHttpClient.Response> shutdown = senders.submit(() -> {
                    together.await();
                    return shutdown(tunnel, client);
                });
                assertThat(checkpoint.get(10, java.util.concurrent.TimeUnit.SECONDS).status()).as("round %d", round)
                        .isEqualTo(200);
                assertThat(shutdown.get(10, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(200);
                assertThat(getCheckpoint(tunnel, client, "Stream_1").getSequenceNumber()).isEqualTo(next);
            }
        } finally {
            senders.shutdownNow();
        }
    }

    @Test
    void aLateCheckpointIsStillFencedAgainstOtherClientsAndNewerVersions() throws Exception {
        String tunnel = ots.tunnels.createTunnel(new CreateTunnelRequest("closing", "go-fence", TunnelType.Stream))
                .getTunnelId();
        String a = connect(tunnel);
        assertThat(heartbeat(tunnel, a, List.of())).hasSize(1);
        TunnelProtos.GetCheckpointResponse cp = getCheckpoint(tunnel, a, "Stream_1");
        String b = connect(tunnel);
        heartbeat(tunnel, b, List.of()); // b is active: a's shutdown hands the channel to b at once

        assertThat(shutdown(tunnel, a).status()).isEqualTo(200);
        assertGoError(rawCheckpoint(tunnel, a, "Stream_1", cp.getCheckpoint(), cp.getSequenceNumber() + 1),
                410, "OTSResourceGone");
        // a live client that does not own the channel is fenced as before
        String c = connect(tunnel);
        heartbeat(tunnel, c, List.of());
        assertGoError(rawCheckpoint(tunnel, c, "Stream_1", cp.getCheckpoint(), cp.getSequenceNumber() + 1),
                400, "OTSSequenceNumberNotMatch");
        assertThat(getCheckpoint(tunnel, b, "Stream_1").getSequenceNumber()).isEqualTo(cp.getSequenceNumber());
    }

    // ---------------------------------------------------------------- Go-shaped calls

    private TunnelDescription describe(String tunnelId) {
        return InProcessTunnels.join(ots.tunnelModule.registry().require(TunnelTestServer.INSTANCE, tunnelId)
                .call(io.tunnelstore.coordinator.TunnelCoordinator::describe));
    }

    /** Go's {@code connect}: timeout in seconds and the host name as tag. */
    private String connect(String tunnel) throws Exception {
        return call("tunnel/connect", TunnelProtos.ConnectRequest.newBuilder().setTunnelId(tunnel)
                .setClientConfig(TunnelProtos.ClientConfig.newBuilder().setTimeout(300).setClientTag("go-host"))
                .build(), TunnelProtos.ConnectResponse.parser()).getClientId();
    }

    /** Go's {@code heartbeat}: the channel list is omitted when empty. */
    private List<TunnelProtos.Channel> heartbeat(String tunnel, String client, List<TunnelProtos.Channel> channels)
            throws Exception {
        return call("tunnel/heartbeat", TunnelProtos.HeartbeatRequest.newBuilder().setTunnelId(tunnel)
                .setClientId(client).addAllChannels(channels).build(), TunnelProtos.HeartbeatResponse.parser())
                .getChannelsList();
    }

    private TunnelProtos.GetCheckpointResponse getCheckpoint(String tunnel, String client, String channel)
            throws Exception {
        return call("tunnel/getcheckpoint", TunnelProtos.GetCheckpointRequest.newBuilder().setTunnelId(tunnel)
                .setClientId(client).setChannelId(channel).build(), TunnelProtos.GetCheckpointResponse.parser());
    }

    private void checkpoint(String tunnel, String client, String channel, String token, long sequence)
            throws Exception {
        assertThat(rawCheckpoint(tunnel, client, channel, token, sequence).status()).isEqualTo(200);
    }

    private RawHttpClient.Response rawCheckpoint(String tunnel, String client, String channel, String token,
            long sequence) throws Exception {
        return raw("tunnel/checkpoint", TunnelProtos.CheckpointRequest.newBuilder().setTunnelId(tunnel)
                .setClientId(client).setChannelId(channel).setCheckpoint(token).setSequenceNumber(sequence).build());
    }

    private RawHttpClient.Response shutdown(String tunnel, String client) throws Exception {
        return raw("tunnel/shutdown", TunnelProtos.ShutdownRequest.newBuilder().setTunnelId(tunnel)
                .setClientId(client).build());
    }

    private static void assertGoError(RawHttpClient.Response r, int status, String code)
            throws InvalidProtocolBufferException {
        assertThat(r.status()).isEqualTo(status);
        assertThat(TunnelProtos.Error.parseFrom(r.body()).getCode()).isEqualTo(code);
    }

    private <T> T call(String action, Message body, com.google.protobuf.Parser<T> parser) throws Exception {
        RawHttpClient.Response r = raw(action, body);
        assertThat(r.status()).as(action).isEqualTo(200);
        return parser.parseFrom(r.body());
    }

    /** A signed call with a protobuf body, Go-SDK style (canonical header names). */
    private RawHttpClient.Response raw(String action, Message body) throws Exception {
        byte[] bytes = body.toByteArray();
        try (RawHttpClient http = new RawHttpClient(URI.create(ots.endpoint()).getPort())) {
            return http.exchange("POST", "/" + action, SignedRequests.v2(action, TunnelTestServer.INSTANCE,
                    TunnelTestServer.AK, TunnelTestServer.SK, bytes, SignedRequests::goCanonical), bytes);
        }
    }
}
