package io.tunnelstore.it;

import static io.tunnelstore.it.ItServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.client.ChannelInfo;
import io.tunnelstore.client.CreateTunnelRequest;
import io.tunnelstore.client.TunnelType;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.tunnel.SimpleProcessorFactory;
import io.tunnelstore.tunnel.TunnelWorker;
import io.tunnelstore.tunnel.TunnelWorkerConfig;
import io.tunnelstore.tunnel.WorkerListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two of our workers hand channels over gracefully while rows keep arriving: B joins (the server moves one channel
 * through CLOSING → CLOSE), then A closes (ShutdownTunnel after final checkpoints). Since every hand-over commits
 * the processed position first, the union of both workers' deliveries holds every change exactly once.
 */
class GracefulHandoffTest {
    private static final String TABLE = "handoff";
    private static final String TUNNEL = "t";
    private static final long SPLIT = 1_000_000;

    @TempDir
    Path dataDir;

    private final Set<Long> written = new HashSet<>();
    private long next;

    /** Writes one row into each of the two partitions (one stream channel each). */
    private void writePair(ItServer ots) {
        long i = next++;
        ots.put(TABLE, i, Cell.put("v", ColumnValue.ofLong(i)));
        ots.put(TABLE, SPLIT + i, Cell.put("v", ColumnValue.ofLong(i)));
        written.add(i);
        written.add(SPLIT + i);
    }

    private static TunnelWorkerConfig config(String name, Deliveries got, List<String> closes) {
        return TunnelWorkerConfig.builder().heartbeatInterval(Duration.ofSeconds(5))
                .heartbeatTimeout(Duration.ofSeconds(15)).checkpointInterval(Duration.ofSeconds(1))
                .clientTag(name).closeOnJvmExit(false)
                .listener(new WorkerListener() {
                    @Override
                    public void channelClosed(String channelId, CloseReason reason) {
                        closes.add(name + ":" + channelId + ":" + reason);
                    }
                })
                .processorFactory(SimpleProcessorFactory.of(name, (ctx, records) -> got.add(name, ctx, records)))
                .build();
    }

    /** Whether the OPEN channels' owners are exactly {@code clients} (false while one has not connected yet). */
    private static boolean ownersAre(ItServer ots, TunnelWorker... clients) {
        Set<String> ids = new HashSet<>();
        for (TunnelWorker w : clients) {
            if (w.clientId() == null) {
                return false;
            }
            ids.add(w.clientId());
        }
        return owners(ots).equals(ids);
    }

    private static Set<String> owners(ItServer ots) {
        return ots.channels(TABLE, TUNNEL).stream().filter(c -> c.status() == ChannelInfo.Status.OPEN)
                .map(ChannelInfo::ownerClientId).collect(Collectors.toSet());
    }

    @Test
    void rebalanceAndGracefulCloseDeliverEveryChangeExactlyOnce() {
        try (ItServer ots = new ItServer(dataDir)) {
            ots.createPartitionedTable(TABLE, SPLIT);
            String tunnelId = ots.tunnels.createTunnel(CreateTunnelRequest.of(TABLE, TUNNEL, TunnelType.STREAM));
            Deliveries got = new Deliveries();
            List<String> closes = new CopyOnWriteArrayList<>();
            try (TunnelWorker a = new TunnelWorker(ots.tunnels, tunnelId, config("a", got, closes));
                    TunnelWorker b = new TunnelWorker(ots.tunnels, tunnelId, config("b", got, closes))) {
                a.start();
                await("A owns both channels", Duration.ofSeconds(30),
                        () -> ots.channels(TABLE, TUNNEL).size() == 2 && ownersAre(ots, a)
                                && ots.channels(TABLE, TUNNEL).stream()
                                        .allMatch(c -> c.status() == ChannelInfo.Status.OPEN));
                for (int i = 0; i < 10; i++) {
                    writePair(ots);
                }
                await("A consumed the first 20 rows", Duration.ofSeconds(20), () -> got.ids().equals(written));

                b.start();
                // keep writing while the server moves a channel from A to B (CLOSING → CLOSE → OPEN on B)
                await("one channel each", Duration.ofSeconds(40), () -> {
                    writePair(ots);
                    return ownersAre(ots, a, b);
                });
                int beforeClose = written.size();
                a.close(Duration.ofSeconds(20));
                await("B owns both channels", Duration.ofSeconds(40), () -> {
                    writePair(ots);
                    return ownersAre(ots, b)
                            && ots.channels(TABLE, TUNNEL).stream()
                                    .allMatch(c -> c.status() == ChannelInfo.Status.OPEN);
                });
                for (int i = 0; i < 10; i++) {
                    writePair(ots);
                }
                await("every written row delivered", Duration.ofSeconds(30), () -> got.ids().containsAll(written));

                assertThat(got.duplicates()).as("duplicates across A and B").isEmpty();
                assertThat(got.ids()).isEqualTo(written);
                assertThat(got.size()).isEqualTo(written.size());
                Set<String> consumers = got.all().stream().map(Deliveries.Delivery::consumer)
                        .collect(Collectors.toSet());
                assertThat(consumers).containsExactlyInAnyOrder("a", "b");
                assertThat(written.size()).isGreaterThan(beforeClose);
                assertThat(closes).as("A handed one channel over (RELEASED) and shut the other down")
                        .filteredOn(c -> c.startsWith("a:"))
                        .extracting(c -> c.substring(c.lastIndexOf(':') + 1))
                        .containsExactlyInAnyOrder("RELEASED", "SHUTDOWN");
            }
        }
    }
}
