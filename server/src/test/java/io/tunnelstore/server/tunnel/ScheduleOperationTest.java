package io.tunnelstore.server.tunnel;

import static io.tunnelstore.server.tunnel.BaseAndStreamWorkerTest.put;
import static io.tunnelstore.server.tunnel.TunnelTestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.model.tunnel.ChannelInfo;
import com.alicloud.openservices.tablestore.model.tunnel.ChannelStatus;
import com.alicloud.openservices.tablestore.model.tunnel.CreateTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelType;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorker;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorkerConfig;
import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.protocol.pb.TableProtos;
import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.server.RawHttpClient;
import io.tunnelstore.server.SignedRequests;
import io.tunnelstore.server.tunnel.RecordCollector.Received;
import io.tunnelstore.coordinator.TunnelDescription;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tunnel/schedule} over raw HTTP (as the Go SDK sends it) and with the official Java worker consuming. */
class ScheduleOperationTest {

    @TempDir
    Path dataDir;

    private static RawHttpClient.Response schedule(TunnelTestServer ots, String tunnelId, String channelId,
            TunnelProtos.ChannelStatus status) throws Exception {
        byte[] body = TunnelProtos.ScheduleRequest.newBuilder().setTunnelId(tunnelId)
                .addChannels(TunnelProtos.Channel.newBuilder().setChannelId(channelId).setVersion(0).setStatus(status))
                .build().toByteArray();
        try (RawHttpClient http = new RawHttpClient(URI.create(ots.endpoint()).getPort())) {
            return http.exchange("POST", "/tunnel/schedule", SignedRequests.v2("tunnel/schedule",
                    TunnelTestServer.INSTANCE, TunnelTestServer.AK, TunnelTestServer.SK, body,
                    SignedRequests::goCanonical), body);
        }
    }

    private static ChannelInfo channel(TunnelTestServer ots, String table, String tunnel) {
        return ots.describe(table, tunnel).getChannelInfos().get(0);
    }

    @Test
    void rawScheduleSuspendsResumesAndTerminatesAndRefusesUnknownChannels() throws Exception {
        try (TunnelTestServer ots = new TunnelTestServer(dataDir)) {
            ots.createTable("raw");
            String id = ots.tunnels.createTunnel(new CreateTunnelRequest("raw", "t", TunnelType.Stream)).getTunnelId();

            RawHttpClient.Response suspended = schedule(ots, id, "Stream_1", TunnelProtos.ChannelStatus.CLOSING);
            assertThat(suspended.status()).isEqualTo(200);
            assertThat(suspended.body()).isEmpty();
            assertThat(ots.tunnelModule.tunnels(TunnelTestServer.INSTANCE).toCompletableFuture().join().get(0)
                    .description().channels().get(0)).extracting(TunnelDescription.ChannelView::status)
                    .isEqualTo(io.tunnelstore.protocol.tunnel.ChannelStatus.WAIT);

            RawHttpClient.Response unknown = schedule(ots, id, "Stream_9", TunnelProtos.ChannelStatus.OPEN);
            assertThat(unknown.status()).isEqualTo(400);
            TableProtos.Error error = TableProtos.Error.parseFrom(unknown.body());
            assertThat(error.getCode()).isEqualTo("OTSParameterInvalid");
            assertThat(error.getMessage()).isEqualTo("channel Stream_9 does not exist in tunnel " + id);

            RawHttpClient.Response noTunnel = schedule(ots, "no-such-tunnel", "Stream_1",
                    TunnelProtos.ChannelStatus.OPEN);
            assertThat(noTunnel.status()).isEqualTo(400);
            assertThat(TableProtos.Error.parseFrom(noTunnel.body()).getMessage())
                    .isEqualTo("tunnel not exist: no-such-tunnel");

            assertThat(schedule(ots, id, "Stream_1", TunnelProtos.ChannelStatus.TERMINATED).status()).isEqualTo(200);
            assertThat(channel(ots, "raw", "t").getChannelStatus()).isEqualTo(ChannelStatus.TERMINATED);
            RawHttpClient.Response resume = schedule(ots, id, "Stream_1", TunnelProtos.ChannelStatus.OPEN);
            assertThat(resume.status()).isEqualTo(400);
            assertThat(TableProtos.Error.parseFrom(resume.body()).getMessage())
                    .isEqualTo("channel Stream_1 of tunnel " + id + " is TERMINATED");

            // The Java entry point reports the same refusals through its stage.
            assertThat(ots.tunnelModule.schedule(TunnelTestServer.INSTANCE, "nope", "Stream_1",
                    io.tunnelstore.protocol.tunnel.ChannelStatus.OPEN).toCompletableFuture())
                    .failsWithin(Duration.ofSeconds(5)).withThrowableOfType(Exception.class)
                    .withRootCauseInstanceOf(OtsException.class);
        }
    }

    @Test
    void aSuspendedChannelIsReleasedByTheJavaWorkerAndResumesFromItsCheckpoint() throws Exception {
        try (TunnelTestServer ots = new TunnelTestServer(dataDir)) {
            ots.createTable("events");
            String id = ots.tunnels.createTunnel(new CreateTunnelRequest("events", "t", TunnelType.Stream))
                    .getTunnelId();
            RecordCollector collector = new RecordCollector();
            TunnelWorkerConfig config = new TunnelWorkerConfig(collector);
            config.setHeartbeatIntervalInSec(5);
            TunnelWorker worker = new TunnelWorker(id, ots.tunnels, config);
            try {
                worker.connectAndWorking();
                put(ots, "events", 1, "a", 1);
                await("first change", Duration.ofSeconds(30), () -> collector.size() == 1);
                await("checkpoint of the first change", Duration.ofSeconds(30),
                        () -> view(ots).checkpointSequence() >= 1);

                ots.tunnelModule.schedule(TunnelTestServer.INSTANCE, id, "Stream_1",
                        io.tunnelstore.protocol.tunnel.ChannelStatus.CLOSING).toCompletableFuture().join();
                await("worker hands the suspended channel back", Duration.ofSeconds(30),
                        () -> view(ots).ownerClientId() == null);
                assertThat(channel(ots, "events", "t").getChannelStatus()).isEqualTo(ChannelStatus.WAIT);
                put(ots, "events", 2, "b", 2);

                // Another heartbeat of the live (sole) worker: unless suspended, the channel would be its again.
                long released = lastHeartbeat(ots);
                await("a heartbeat after the release", Duration.ofSeconds(30), () -> lastHeartbeat(ots) > released);
                assertThat(channel(ots, "events", "t").getChannelStatus()).isEqualTo(ChannelStatus.WAIT);
                assertThat(collector.size()).isEqualTo(1);

                ots.tunnelModule.schedule(TunnelTestServer.INSTANCE, id, "Stream_1",
                        io.tunnelstore.protocol.tunnel.ChannelStatus.OPEN).toCompletableFuture().join();
                await("the change made while suspended", Duration.ofSeconds(30), () -> collector.size() >= 2);
                assertThat(collector.all()).extracting(Received::id).containsExactly(1L, 2L);
                assertThat(channel(ots, "events", "t").getChannelStatus()).isEqualTo(ChannelStatus.OPEN);
            } finally {
                worker.shutdown();
                config.shutdown();
            }
        }
    }

    private static TunnelDescription.ChannelView view(TunnelTestServer ots) {
        return ots.tunnelModule.tunnels(TunnelTestServer.INSTANCE).toCompletableFuture().join().get(0)
                .description().channels().get(0);
    }

    private static long lastHeartbeat(TunnelTestServer ots) {
        try {
            return ots.tunnelModule.tunnels(TunnelTestServer.INSTANCE).toCompletableFuture().join().get(0)
                    .description().clients().get(0).lastHeartbeatMillis();
        } catch (CompletionException e) {
            throw new AssertionError(e);
        }
    }
}
