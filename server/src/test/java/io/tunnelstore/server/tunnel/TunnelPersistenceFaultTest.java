package io.tunnelstore.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.server.table.Partition;
import io.tunnelstore.coordinator.ChannelState;
import io.tunnelstore.protocol.tunnel.ChannelStatus;
import io.tunnelstore.coordinator.ClientSession;
import io.tunnelstore.coordinator.TunnelCoordinator;
import io.tunnelstore.coordinator.TunnelSnapshot;
import io.tunnelstore.storage.StorageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commit, then apply, under storage failures: a scripted life of a tunnel (create, connects, heartbeats with a
 * hand-over, checkpoints, shutdown, client expiry, schedule, tick, expiry, delete) is run once cleanly to count its
 * metadata writes, then once per write n with the n-th write failing. After every step the coordinator's state must
 * equal the state stored (never ahead of it); a failed step must have answered the storage error and changed nothing,
 * and its retry must then lead to exactly the clean run's state.
 */
class TunnelPersistenceFaultTest {
    private static final String INSTANCE = InProcessTunnels.INSTANCE;

    @TempDir
    Path dir;

    @Test
    void aFailedWriteAnswersAnErrorAndLeavesTheCoordinatorExactlyAsStored() {
        Run clean = run(dir.resolve("clean"), 0);
        assertThat(clean.failedSteps()).isEmpty();
        assertThat(clean.writes()).isEqualTo(16);

        for (int n = 1; n <= clean.writes(); n++) {
            Run faulty = run(dir.resolve("fail-" + n), n);
            assertThat(faulty.failedSteps()).as("write %d", n).hasSize(1);
            assertThat(faulty.writes()).as("write %d", n).isEqualTo(clean.writes() + 1);
            assertThat(faulty.states()).as("write %d", n).isEqualTo(clean.states());
        }
    }

    /** The outcome of one scripted run: failed step names, writes attempted, normalized state after every step. */
    private record Run(List<String> failedSteps, int writes, List<TunnelSnapshot> states) {}

    private record Step(String name, Runnable action) {}

    private Run run(Path runDir, int failAt) {
        FailingMetaWrites[] control = new FailingMetaWrites[1];
        try (InProcessTunnels t = new InProcessTunnels(runDir, TunnelServiceConfig.builder()
                .longPollWait(Duration.ZERO).build(), engine -> {
                    FailingMetaWrites.Wrapped w = FailingMetaWrites.wrap(engine);
                    control[0] = w.control();
                    return w.engine();
                })) {
            t.createTable("orders", 24, List.of(
                    new Partition(0, null, ColumnValue.ofLong(100), 1),
                    new Partition(1, ColumnValue.ofLong(100), ColumnValue.ofLong(200), 2),
                    new Partition(2, ColumnValue.ofLong(200), null, 3)));
            Script s = new Script(t);
            control[0].arm(failAt);
            List<String> failed = new ArrayList<>();
            List<TunnelSnapshot> states = new ArrayList<>();
            for (Step step : s.steps()) {
                TunnelSnapshot before = s.memory();
                try {
                    step.action().run();
                } catch (StorageException e) {
                    assertThat(e).hasMessage(FailingMetaWrites.MESSAGE); // the client got the error
                    failed.add(step.name());
                    assertThat(s.memory()).as("after failed step %s", step.name()).isEqualTo(before);
                    s.assertMemoryEqualsStorage(step.name());
                    step.action().run(); // the client tries again
                }
                s.assertMemoryEqualsStorage(step.name());
                states.add(s.memory());
                if (step.name().equals("expire tunnel")) {
                    // a restart restores exactly what was acknowledged
                    TunnelSnapshot beforeRestart = s.memory();
                    t.restartModule();
                    assertThat(s.memory()).isEqualTo(beforeRestart);
                }
            }
            return new Run(failed, control[0].writes(), states);
        }
    }

    /** The scripted steps and their view of the tunnel. */
    private static final class Script {
        private final InProcessTunnels t;
        private final Map<String, String> clientIds = new HashMap<>(); // tag -> client id
        private String tunnel;
        private List<TunnelProtos.Channel> lastBeatOfA = List.of();

        Script(InProcessTunnels t) {
            this.t = t;
        }

        List<Step> steps() {
            return List.of(
                    new Step("create tunnel", () -> tunnel = t.create("orders", "sync",
                            TunnelProtos.TunnelType.Stream, null)),
                    new Step("connect A", () -> connect("A")),
                    new Step("heartbeat A", () -> assertThat(beat("A", List.of())).hasSize(3)),
                    new Step("checkpoint A", () -> checkpoint("A", "Stream_1")),
                    new Step("connect B", () -> connect("B")),
                    new Step("heartbeat B", () -> assertThat(beat("B", List.of())).isEmpty()),
                    new Step("heartbeat A sees CLOSING", () -> {
                        lastBeatOfA = beat("A", List.of());
                        assertThat(lastBeatOfA).filteredOn(c -> c.getStatus() == TunnelProtos.ChannelStatus.CLOSING)
                                .hasSize(1);
                    }),
                    new Step("heartbeat A hands back", () -> beat("A", lastBeatOfA.stream()
                            .filter(c -> c.getStatus() == TunnelProtos.ChannelStatus.CLOSING)
                            .map(c -> c.toBuilder().setStatus(TunnelProtos.ChannelStatus.CLOSE)
                                    .setVersion(c.getVersion() + 1).build())
                            .toList())),
                    new Step("heartbeat B takes over", () -> assertThat(beat("B", List.of())).hasSize(1)),
                    new Step("checkpoint B", () -> checkpoint("B", beat("B", List.of()).get(0).getChannelId())),
                    new Step("checkpoint A again", () -> checkpoint("A", "Stream_1")),
                    new Step("shutdown A", () -> InProcessTunnels.join(t.module.sessions().shutdown(INSTANCE,
                            TunnelProtos.ShutdownRequest.newBuilder().setTunnelId(tunnel)
                                    .setClientId(clientIds.get("A")).build()))),
                    new Step("61 s pass", () -> t.advance(Duration.ofSeconds(61))),
                    new Step("connect C expires B", () -> connect("C")),
                    new Step("heartbeat C", () -> assertThat(beat("C", List.of())).hasSize(3)),
                    new Step("suspend a channel", () -> InProcessTunnels.join(
                            t.module.schedule(INSTANCE, tunnel, "Stream_3", ChannelStatus.CLOSING))),
                    new Step("61 s more pass", () -> t.advance(Duration.ofSeconds(61))),
                    new Step("tick expires C", () -> {
                        long now = t.clock.millis();
                        InProcessTunnels.join(runtime().call(c -> {
                            c.tick(now);
                            return null;
                        }));
                    }),
                    new Step("expire tunnel", () -> {
                        long now = t.clock.millis();
                        InProcessTunnels.join(runtime().call(c -> {
                            c.expire(now, "test");
                            return null;
                        }));
                    }),
                    new Step("delete tunnel", () -> InProcessTunnels.join(t.module.admin().delete(INSTANCE,
                            TunnelProtos.DeleteTunnelRequest.newBuilder().setTableName("orders")
                                    .setTunnelName("sync").build()))));
        }

        private TunnelRuntime runtime() {
            return t.module.registry().require(INSTANCE, tunnel);
        }

        private void connect(String tag) {
            clientIds.put(tag, InProcessTunnels.join(t.module.sessions().connect(INSTANCE,
                    TunnelProtos.ConnectRequest.newBuilder().setTunnelId(tunnel)
                            .setClientConfig(TunnelProtos.ClientConfig.newBuilder().setTimeout(60).setClientTag(tag))
                            .build())).getClientId());
        }

        private List<TunnelProtos.Channel> beat(String tag, List<TunnelProtos.Channel> reports) {
            return InProcessTunnels.join(t.module.sessions().heartbeat(INSTANCE, TunnelProtos.HeartbeatRequest
                    .newBuilder().setTunnelId(tunnel).setClientId(clientIds.get(tag)).addAllChannels(reports)
                    .build())).getChannelsList();
        }

        /** Checkpoints the channel's current position again with the next sequence number. */
        private void checkpoint(String tag, String channelId) {
            String client = clientIds.get(tag);
            TunnelProtos.GetCheckpointResponse cp = t.getCheckpoint(tunnel, client, channelId);
            InProcessTunnels.join(t.module.sessions().checkpoint(INSTANCE, TunnelProtos.CheckpointRequest.newBuilder()
                    .setTunnelId(tunnel).setClientId(client).setChannelId(channelId)
                    .setCheckpoint(cp.getCheckpoint()).setSequenceNumber(cp.getSequenceNumber() + 1).build()));
        }

        /** The coordinator's state, normalized; null while no tunnel is visible. */
        TunnelSnapshot memory() {
            if (tunnel == null || t.module.registry().all().isEmpty()) {
                return null;
            }
            return normalized(InProcessTunnels.join(runtime().call(TunnelCoordinator::snapshot)));
        }

        void assertMemoryEqualsStorage(String step) {
            TunnelStore store = t.module.registry().store();
            if (memory() == null) {
                assertThat(t.storage.scanMeta("tunnel/")).as("after %s", step).isEmpty();
                assertThat(t.storage.scanMeta(TunnelStore.STATE_PREFIX)).as("after %s", step).isEmpty();
                return;
            }
            assertThat(normalized(store.storedSnapshot(runtime().definition()))).as("after %s", step)
                    .isEqualTo(memory());
        }

        /**
         * Heartbeat times are not durable (a restart gives every client a fresh timeout) and client ids carry a random
         * suffix: both are replaced (times by 0, ids by the client's tag) so runs and storage compare exactly.
         */
        private static TunnelSnapshot normalized(TunnelSnapshot s) {
            Map<String, String> tagOf = new HashMap<>();
            s.clients().forEach(c -> tagOf.put(c.clientId(), c.clientTag()));
            List<ClientSession> clients = s.clients().stream()
                    .map(c -> new ClientSession(c.clientTag(), c.clientTag(), c.timeoutMillis(), 0))
                    .sorted(Comparator.comparing(ClientSession::clientId)).toList();
            List<TunnelSnapshot.ChannelEntry> channels = s.channels().stream().map(e -> {
                ChannelState c = e.state();
                return new TunnelSnapshot.ChannelEntry(e.definition(), new ChannelState(c.status(), c.version(),
                        c.ownerClientId() == null ? null : tagOf.get(c.ownerClientId()), c.checkpointToken(),
                        c.checkpointSequence(), c.consumedCount(), c.lastCheckpointMillis(), c.rpoMillis(),
                        c.suspended()));
            }).toList();
            return new TunnelSnapshot("tunnel", s.type(), s.stage(), s.expired(), s.disabled(), s.nextClientSerial(),
                    s.changeCount(), channels, clients, s.lossEvents());
        }
    }
}
