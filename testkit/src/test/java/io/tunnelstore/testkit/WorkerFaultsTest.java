package io.tunnelstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.client.ChannelInfo;
import io.tunnelstore.client.CreateTunnelRequest;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.client.TunnelType;
import io.tunnelstore.testkit.RecordingProcessorFactory.ChannelEvent;
import io.tunnelstore.testkit.RecordingProcessorFactory.EventType;
import io.tunnelstore.tunnel.TunnelWorker;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Workers consuming through the proxy under the kit's faults. The table has one partition, so the stream tunnel
 * has exactly one channel.
 */
@TunnelstoreTest(lifecycle = TunnelstoreOptions.Lifecycle.PER_METHOD)
class WorkerFaultsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private String tunnelId;

    @BeforeEach
    void createTableAndTunnel(TunnelstoreHandle ts) {
        Rows.createStreamTable(ts.directTableClient(), "orders", 24);
        tunnelId = ts.directTunnelClient().createTunnel(CreateTunnelRequest.of("orders", "sync", TunnelType.STREAM));
    }

    @Test
    void aWorkerSurvivesDroppedConnectionsWithoutLosingRecords(TunnelstoreHandle ts, Faults faults) {
        RecordingProcessorFactory recorder = RecordingProcessorFactory.create();
        TunnelWorker worker = ts.startWorker(tunnelId, ts.workerConfig(recorder).build());
        TableClient writer = ts.directTableClient();

        Rows.put(writer, "orders", 1, 5);
        recorder.awaitRecords(5, WAIT);
        String clientId = worker.clientId();

        assertThat(faults.dropConnections()).isPositive(); // at least the worker's long poll was cut
        Rows.put(writer, "orders", 6, 10);

        assertThat(Rows.ids(recorder.awaitRecords(10, WAIT))).containsExactlyElementsOf(Rows.range(1, 10));
        assertThat(recorder.duplicates()).isEmpty();
        assertThat(worker.clientId()).isEqualTo(clientId); // same session: a dropped connection is not a crash
        assertThat(worker.termination()).isNotDone();
    }

    @Test
    void forceRebalanceHandsTheChannelGracefullyToTheOtherWorker(TunnelstoreHandle ts, Faults faults) {
        RecordingProcessorFactory recorder = RecordingProcessorFactory.create();
        TunnelClient admin = ts.directTunnelClient();
        TunnelWorker first = ts.startWorker(tunnelId, ts.workerConfig(recorder).clientTag("first").build());
        Await.until(() -> owner(admin) != null, WAIT);
        assertThat(owner(admin)).isEqualTo(first.clientId());
        Rows.put(ts.directTableClient(), "orders", 1, 3);
        recorder.awaitRecords(3, WAIT);

        TunnelWorker second = startSecondWorker(ts, recorder);
        assertThat(owner(admin)).isEqualTo(first.clientId()); // assignment is sticky: nothing moves by itself

        List<ChannelMove> moves = faults.forceRebalance("orders", "sync");

        assertThat(moves).containsExactly(new ChannelMove("Stream_1", first.clientId(), second.clientId()));
        assertThat(owner(admin)).isEqualTo(second.clientId());
        Await.until(() -> recorder.events().contains(new ChannelEvent(EventType.LOST, "Stream_1",
                first.clientId())), WAIT, () -> "LOST in " + recorder.events());
        Rows.put(ts.directTableClient(), "orders", 4, 4);
        recorder.awaitRecords(4, WAIT);
        assertThat(recorder.deliveries().get(3).clientId()).isEqualTo(second.clientId());
        // the owner committed before handing over: nothing is delivered twice
        assertThat(Rows.ids(recorder.records())).containsExactlyElementsOf(Rows.range(1, 4));
        assertThat(recorder.duplicates()).isEmpty();
    }

    @Test
    void revokedChannelsAreRedeliveredFromTheLastCheckpointByTheNewOwner(TunnelstoreHandle ts, Faults faults) {
        RecordingProcessorFactory recorder = RecordingProcessorFactory.create();
        TunnelClient admin = ts.directTunnelClient();
        // nothing is committed before the fault
        TunnelWorker first = ts.startWorker(tunnelId, ts.workerConfig(recorder).clientTag("first")
                .checkpointInterval(Duration.ofHours(1)).build());
        Rows.put(ts.directTableClient(), "orders", 1, 3);
        recorder.awaitRecords(3, WAIT);
        TunnelWorker second = startSecondWorker(ts, recorder);

        List<ChannelMove> moves = faults.revokeChannels("orders", "sync");

        assertThat(moves).hasSize(1);
        assertThat(moves.get(0).fromClient()).isEqualTo(first.clientId());
        Await.until(() -> Objects.equals(owner(admin), second.clientId()), WAIT, () -> "owner " + owner(admin));
        List<Delivery> duplicates = awaitDuplicates(recorder, 3);
        assertThat(duplicates).extracting(d -> Rows.id(d.record())).containsExactlyElementsOf(Rows.range(1, 3));
        assertThat(duplicates).extracting(Delivery::clientId).containsOnly(second.clientId());
        Await.until(() -> recorder.events().contains(new ChannelEvent(EventType.LOST, "Stream_1",
                first.clientId())), WAIT, () -> "LOST in " + recorder.events());
    }

    /** Starts a second worker with the same recorder and waits until it is connected (it heartbeats at once). */
    private static TunnelWorker startSecondWorker(TunnelstoreHandle ts, RecordingProcessorFactory recorder) {
        TunnelWorker second = ts.startWorker(ts.directTunnelClient().describeTunnel("orders", "sync").tunnel()
                .tunnelId(), ts.workerConfig(recorder).clientTag("second").build());
        Await.until(() -> second.clientId() != null, WAIT);
        return second;
    }

    @Test
    void expiredSessionsRedeliverUncommittedRecordsUnderANewClientId(TunnelstoreHandle ts, Faults faults) {
        RecordingProcessorFactory recorder = RecordingProcessorFactory.create();
        // nothing is committed by the worker before the fault: the crash-like loss of the session redelivers all
        TunnelWorker worker = ts.startWorker(tunnelId, ts.workerConfig(recorder)
                .checkpointInterval(Duration.ofHours(1)).build());
        Rows.put(ts.directTableClient(), "orders", 1, 5);
        recorder.awaitRecords(5, WAIT);
        String before = worker.clientId();

        faults.expireClientSessions(Duration.ofSeconds(30)); // the workerConfig() heartbeat timeout

        List<Delivery> duplicates = awaitDuplicates(recorder, 5);
        assertThat(duplicates).extracting(d -> Rows.id(d.record())).containsExactlyElementsOf(Rows.range(1, 5));
        assertThat(duplicates).extracting(Delivery::clientId).doesNotContain(before);
        assertThat(worker.clientId()).isNotEqualTo(before);
        assertThat(recorder.events()).contains(new ChannelEvent(EventType.LOST, channel(ts.directTunnelClient()),
                before));
        assertThat(recorder.recordsByKey().get(Rows.key(3))).hasSize(2);
    }

    private static List<Delivery> awaitDuplicates(RecordingProcessorFactory recorder, int count) {
        Await.until(() -> recorder.duplicates().size() >= count, WAIT, () -> "duplicates in " + recorder.deliveries());
        return recorder.duplicates();
    }

    private static String owner(TunnelClient admin) {
        return channelInfo(admin).ownerClientId();
    }

    private static String channel(TunnelClient admin) {
        return channelInfo(admin).channelId();
    }

    private static ChannelInfo channelInfo(TunnelClient admin) {
        List<ChannelInfo> channels = admin.describeTunnel("orders", "sync").channels();
        assertThat(channels).hasSize(1);
        return channels.get(0);
    }
}
