package io.tunnelstore.it;

import static io.tunnelstore.it.ItServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.client.CreateTableRequest;
import io.tunnelstore.client.CreateTunnelRequest;
import io.tunnelstore.client.PrimaryKeyType;
import io.tunnelstore.client.TunnelType;
import io.tunnelstore.it.Deliveries.Delivery;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.server.tunnel.TunnelServiceConfig;
import io.tunnelstore.tunnel.SimpleProcessorFactory;
import io.tunnelstore.tunnel.StreamRecord.RecordType;
import io.tunnelstore.tunnel.TunnelDaemon;
import io.tunnelstore.tunnel.TunnelWorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's quick start with our SDK against the real server: a {@link TunnelDaemon} with a
 * {@link SimpleProcessorFactory} consumes a BaseAndStream tunnel (base rows once, then typed changes in key order),
 * and keeps consuming across a server restart in the middle of a batch.
 */
class TunnelDaemonEndToEndTest {

    @TempDir
    Path dataDir;

    private static TunnelWorkerConfig config(SimpleProcessorFactory factory) {
        return TunnelWorkerConfig.builder().heartbeatInterval(Duration.ofSeconds(5))
                .heartbeatTimeout(Duration.ofSeconds(15)).checkpointInterval(Duration.ofSeconds(1))
                .closeOnJvmExit(false).processorFactory(factory).build();
    }

    private static Thread runInBackground(TunnelDaemon daemon, AtomicReference<Throwable> failure) {
        Thread t = new Thread(() -> {
            try {
                daemon.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "it-daemon");
        t.start();
        return t;
    }

    @Test
    void quickStartDeliversEveryBaseRowOnceThenTypedChangesInKeyOrder() throws Exception {
        try (ItServer ots = new ItServer(dataDir)) {
            ots.tables.createTable(CreateTableRequest.builder("orders").addPrimaryKey("id", PrimaryKeyType.INTEGER)
                    .streamEnabled(24).build());
            for (long id = 1; id <= 20; id++) {
                ots.put("orders", id, Cell.put("v", ColumnValue.ofLong(id)));
            }
            String tunnelId = ots.tunnels.createTunnel(
                    CreateTunnelRequest.of("orders", "quick", TunnelType.BASE_AND_STREAM));

            Deliveries got = new Deliveries();
            TunnelWorkerConfig config = config(SimpleProcessorFactory.of("orders-app",
                    (ctx, records) -> got.add("daemon", ctx, records)));
            TunnelDaemon daemon = new TunnelDaemon(ots.tunnels, tunnelId, config);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread runner = runInBackground(daemon, failure);
            try {
                await("20 base rows", Duration.ofSeconds(30), () -> got.size() >= 20);
                List<Delivery> base = got.all();
                assertThat(base).hasSize(20).allSatisfy(d -> {
                    assertThat(d.type()).isEqualTo(RecordType.PUT);
                    assertThat(d.seq()).isNull();
                    assertThat(d.columns()).isEqualTo("v:PUT=" + d.id());
                    assertThat(d.custom()).isEqualTo("orders-app");
                    assertThat(d.channel()).startsWith("BaseData_");
                });
                assertThat(base.stream().map(Delivery::id).collect(Collectors.toSet()))
                        .isEqualTo(LongStream.rangeClosed(1, 20).boxed().collect(Collectors.toSet()));

                ots.update("orders", 1, Cell.put("v", ColumnValue.ofLong(101)));
                ots.update("orders", 2, Cell.deleteAllVersions("v"), Cell.put("w", ColumnValue.ofLong(2)));
                ots.delete("orders", 3);
                ots.put("orders", 21, Cell.put("v", ColumnValue.ofLong(21)));
                ots.update("orders", 21, Cell.put("v", ColumnValue.ofLong(22)));
                ots.delete("orders", 1);
                await("6 stream changes", Duration.ofSeconds(40), () -> got.size() >= 26);

                List<Delivery> stream = got.all().subList(20, got.size());
                assertThat(stream).hasSize(6).allSatisfy(d -> {
                    assertThat(d.seq()).isNotNull();
                    assertThat(d.channel()).startsWith("Stream_");
                    assertThat(d.custom()).isEqualTo("orders-app");
                });
                Map<Long, List<String>> perKey = stream.stream().collect(Collectors.groupingBy(Delivery::id,
                        Collectors.mapping(d -> d.type() + " " + d.columns(), Collectors.toList())));
                assertThat(perKey).containsOnly(
                        Map.entry(1L, List.of("UPDATE v:PUT=101", "DELETE ")),
                        Map.entry(2L, List.of("UPDATE v:DELETE_ALL_VERSIONS,w:PUT=2")),
                        Map.entry(3L, List.of("DELETE ")),
                        Map.entry(21L, List.of("PUT v:PUT=21", "UPDATE v:PUT=22")));
                // arrival order is the commit order: sequence infos increase
                List<String> seqs = stream.stream().map(Delivery::seq).toList();
                assertThat(seqs).isSorted();
                assertThat(failure.get()).isNull();
            } finally {
                daemon.close();
                runner.join(TimeUnit.SECONDS.toMillis(30));
            }
            assertThat(runner.isAlive()).isFalse();
            assertThat(failure.get()).isNull();
        }
    }

    @Test
    void daemonKeepsConsumingAcrossAServerRestartInTheMiddleOfABatch() throws Exception {
        TunnelServiceConfig smallReads = TunnelServiceConfig.builder().maxRecordsPerRead(10)
                .longPollWait(Duration.ofSeconds(1)).tickInterval(Duration.ofMillis(200)).build();
        try (ItServer ots = new ItServer(dataDir, smallReads)) {
            ots.tables.createTable(CreateTableRequest.builder("events").addPrimaryKey("id", PrimaryKeyType.INTEGER)
                    .streamEnabled(24).build());
            String tunnelId = ots.tunnels.createTunnel(CreateTunnelRequest.of("events", "restart", TunnelType.STREAM));

            Deliveries got = new Deliveries();
            CountDownLatch blockedInBatch = new CountDownLatch(1);
            CountDownLatch serverRestarted = new CountDownLatch(1);
            TunnelWorkerConfig config = config(SimpleProcessorFactory.of("restart", (ctx, records) -> {
                boolean holdsId25 = records.stream().anyMatch(r -> r.primaryKey().get(0).value().asLong() == 25);
                if (holdsId25 && blockedInBatch.getCount() == 1) {
                    blockedInBatch.countDown();
                    serverRestarted.await(60, TimeUnit.SECONDS);   // the server goes away under this batch
                }
                got.add("daemon", ctx, records);
            }));
            TunnelDaemon daemon = new TunnelDaemon(ots.tunnels, tunnelId, config);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread runner = runInBackground(daemon, failure);
            try {
                await("the stream channel is open", Duration.ofSeconds(20),
                        () -> ots.channels("events", "restart").stream()
                                .allMatch(c -> c.ownerClientId() != null && !c.ownerClientId().isEmpty()));
                for (long id = 0; id < 50; id++) {
                    ots.put("events", id, Cell.put("v", ColumnValue.ofLong(id)));
                }
                assertThat(blockedInBatch.await(30, TimeUnit.SECONDS)).as("callback reached id 25").isTrue();
                ots.restart();
                serverRestarted.countDown();
                for (long id = 50; id < 100; id++) {
                    ots.put("events", id, Cell.put("v", ColumnValue.ofLong(id)));
                }
                Set<Long> expected = LongStream.range(0, 100).boxed().collect(Collectors.toSet());
                await("all 100 rows after the restart", Duration.ofSeconds(60),
                        () -> got.ids().containsAll(expected));
                assertThat(got.ids()).as("duplicates: %s", got.duplicates()).isEqualTo(expected);
                assertThat(got.all()).allSatisfy(d -> assertThat(d.type()).isEqualTo(RecordType.PUT));
                assertThat(failure.get()).isNull();
                assertThat(runner.isAlive()).isTrue();
            } finally {
                serverRestarted.countDown();
                daemon.close();
                runner.join(TimeUnit.SECONDS.toMillis(30));
            }
            assertThat(failure.get()).isNull();
        }
    }
}
