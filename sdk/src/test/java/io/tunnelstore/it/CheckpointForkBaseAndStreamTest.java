package io.tunnelstore.it;

import static io.tunnelstore.it.ItServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.client.AdminClient;
import io.tunnelstore.client.ChannelCheckpoint;
import io.tunnelstore.client.CheckpointChangeResult;
import io.tunnelstore.client.CreateTunnelRequest;
import io.tunnelstore.client.TablestoreException;
import io.tunnelstore.client.TunnelCheckpoints;
import io.tunnelstore.client.TunnelType;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.tunnel.SimpleProcessorFactory;
import io.tunnelstore.tunnel.TunnelWorker;
import io.tunnelstore.tunnel.TunnelWorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint control on a BaseAndStream tunnel still in its base phase: a fork from its checkpoints reads the same
 * base snapshot and then the stream (every row exactly once), the source is untouched, and rewind/reset are refused
 * until the stream stage.
 */
class CheckpointForkBaseAndStreamTest {
    private static final String TABLE = "bs";

    @TempDir
    Path dataDir;

    @Test
    void forkInTheBasePhaseDeliversTheSnapshotThenTheStreamAndRewindWaitsForTheStreamStage() {
        try (ItServer ots = new ItServer(dataDir);
                AdminClient admin = AdminClient.create(ots.clientConfig())) {
            ots.createPartitionedTable(TABLE);
            for (long id = 0; id < 20; id++) {
                ots.put(TABLE, id, Cell.put("v", ColumnValue.ofLong(id)));
            }
            ots.tunnels.createTunnel(CreateTunnelRequest.of(TABLE, "src", TunnelType.BASE_AND_STREAM));
            TunnelCheckpoints source = admin.showCheckpoints(TABLE, "src");
            assertThat(source.stage()).isEqualTo("ProcessBaseData");

            TablestoreException refused = null;
            try {
                admin.rewindCheckpoints(TABLE, "src", Instant.ofEpochMilli(System.currentTimeMillis() - 1), false);
            } catch (TablestoreException e) {
                refused = e;
            }
            assertThat(refused).isNotNull();
            assertThat(refused.serverMessage())
                    .isEqualTo("tunnel src is in stage ProcessBaseData: rewind applies to the stream stage only");

            CheckpointChangeResult fork = admin.forkTunnel(TABLE, "src", "fork", null, false);
            assertThat(fork.changes()).extracting(c -> c.after().token())
                    .containsExactlyElementsOf(source.channels().stream().map(ChannelCheckpoint::token).toList());
            // rows written after the fork are in the stream part of both tunnels, never in their base part
            for (long id = 20; id < 25; id++) {
                ots.put(TABLE, id, Cell.put("v", ColumnValue.ofLong(id)));
            }
            Deliveries got = new Deliveries();
            TunnelWorkerConfig config = TunnelWorkerConfig.builder().heartbeatInterval(Duration.ofSeconds(5))
                    .heartbeatTimeout(Duration.ofSeconds(30)).checkpointInterval(Duration.ofMillis(200))
                    .clientTag("f").closeOnJvmExit(false)
                    .processorFactory(SimpleProcessorFactory.of("f", (ctx, records) -> got.add("f", ctx, records)))
                    .build();
            Map<Long, Long> once = LongStream.range(0, 25).boxed()
                    .collect(Collectors.toMap(Function.identity(), i -> 1L));
            try (TunnelWorker w = new TunnelWorker(ots.tunnels, fork.tunnelId(), config)) {
                w.start();
                await("the fork delivers rows 0-24", Duration.ofSeconds(60), () -> got.all().stream()
                        .collect(Collectors.groupingBy(Deliveries.Delivery::id, Collectors.counting()))
                        .equals(once));
                await("the fork reaches its stream stage", Duration.ofSeconds(30),
                        () -> admin.showCheckpoints(TABLE, "fork").stage().equals("ProcessStream"));
            }
            assertThat(got.all().stream().filter(d -> d.seq() == null).map(Deliveries.Delivery::id)
                    .collect(Collectors.toSet())).isEqualTo(LongStream.range(0, 20).boxed().collect(Collectors.toSet()));
            // untouched (only the time of the next change is known now that rows 20-24 exist)
            assertThat(admin.showCheckpoints(TABLE, "src").channels()).usingRecursiveFieldByFieldElementComparator(
                    org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration.builder()
                            .withIgnoredFields("nextChangeTime").build())
                    .isEqualTo(source.channels());
            assertThat(admin.resetCheckpoints(TABLE, "fork", true).changes()).hasSize(1);
            ChannelCheckpoint base = source.channels().get(0);
            TablestoreException terminated = null;
            try {
                admin.setCheckpoint(TABLE, "fork", base.channelId(),
                        io.tunnelstore.client.CheckpointTarget.token(base.token()), false);
            } catch (TablestoreException e) {
                terminated = e;
            }
            assertThat(terminated).isNotNull();
            assertThat(terminated.errorCode()).isEqualTo("OTSParameterInvalid");
            assertThat(terminated.serverMessage())
                    .isEqualTo("channel " + base.channelId() + " is TERMINATED; its checkpoint cannot be changed");
        }
    }
}
