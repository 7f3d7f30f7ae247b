package io.tunnelstore.it;

import static io.tunnelstore.it.ItServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.client.ChannelInfo;
import io.tunnelstore.client.CreateTunnelRequest;
import io.tunnelstore.client.TunnelType;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.tunnel.SimpleProcessorFactory;
import io.tunnelstore.tunnel.TunnelWorker;
import io.tunnelstore.tunnel.TunnelWorkerConfig;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our worker in a child JVM ({@link ChildWorkerMain}) against the in-process server: killed with SIGKILL its channels
 * fail over to a worker in this JVM after the heartbeat timeout; ending with {@code System.exit} (no close) its
 * exit hook drains, checkpoints, calls {@code onShutdown} and shuts the session down at once.
 */
class ChildJvmWorkerIT {
    private static final String TABLE = "shared";
    private static final String TUNNEL = "t";

    @TempDir
    Path dataDir;

    /** The child's output file, parsed. */
    private record ChildOutput(String clientId, List<String> records, List<String> endings) {
        static ChildOutput read(Path file) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String client = lines.stream().filter(l -> l.startsWith("CONNECTED,")).map(l -> l.substring(10))
                    .reduce((a, b) -> b).orElse(null);
            return new ChildOutput(client, lines.stream().filter(l -> l.startsWith("R,")).toList(),
                    lines.stream().filter(l -> l.startsWith("SHUTDOWN,") || l.startsWith("LOST,")).toList());
        }

        /** Change identities ({@code id@seq}) delivered. */
        List<String> changes() {
            return records.stream().map(l -> l.split(",")).map(p -> p[2] + "@" + p[4]).toList();
        }
    }

    private static Process startChild(ItServer ots, String tunnelId, Path out, String mode) throws IOException {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ChildWorkerMain.class.getName(), ots.endpoint(), ItServer.AK, ItServer.SK, ItServer.INSTANCE,
                tunnelId, out.toString(), mode);
        pb.redirectErrorStream(true);
        pb.redirectOutput(out.resolveSibling(out.getFileName() + ".console").toFile());
        return pb.start();
    }

    private static TunnelWorkerConfig parentConfig(Deliveries got) {
        return TunnelWorkerConfig.builder().heartbeatInterval(Duration.ofSeconds(5))
                .heartbeatTimeout(Duration.ofSeconds(15)).checkpointInterval(Duration.ofSeconds(1))
                .clientTag("parent").closeOnJvmExit(false)
                .processorFactory(SimpleProcessorFactory.of(null, (ctx, records) -> got.add("parent", ctx, records)))
                .build();
    }

    private static void write(ItServer ots, long fromInclusive, long toExclusive) {
        for (long i = fromInclusive; i < toExclusive; i++) {
            ots.put(TABLE, i, Cell.put("v", ColumnValue.ofLong(i)));         // partition 0: channel of shard 1
            ots.put(TABLE, 100 + i, Cell.put("v", ColumnValue.ofLong(i)));   // partition 1: channel of shard 2
        }
    }

    private static Set<Long> ids(long fromInclusive, long toExclusive) {
        Set<Long> ids = new HashSet<>();
        for (long i = fromInclusive; i < toExclusive; i++) {
            ids.add(i);
            ids.add(100 + i);
        }
        return ids;
    }

    private static Set<Long> union(Deliveries parent, ChildOutput child) {
        Set<Long> ids = new HashSet<>(parent.ids());
        child.records().forEach(l -> ids.add(Long.parseLong(l.split(",")[2])));
        return ids;
    }

    @Test
    void channelsOfAKilledChildWorkerMoveToTheSurvivorAndEveryRecordArrives() throws Exception {
        try (ItServer ots = new ItServer(dataDir)) {
            ots.createPartitionedTable(TABLE, 100);
            String tunnelId = ots.tunnels.createTunnel(CreateTunnelRequest.of(TABLE, TUNNEL, TunnelType.STREAM));
            Path childOut = dataDir.resolve("child-a.txt");
            Files.createFile(childOut);
            Process child = startChild(ots, tunnelId, childOut, "block");
            Deliveries parent = new Deliveries();
            TunnelWorkerConfig config = parentConfig(parent);
            try (TunnelWorker b = new TunnelWorker(ots.tunnels, tunnelId, config)) {
                await("child A connected", Duration.ofSeconds(30), () -> ChildOutput.read(childOut).clientId() != null);
                String a = ChildOutput.read(childOut).clientId();
                b.start();
                await("A and B own one channel each", Duration.ofSeconds(40), () -> {
                    List<ChannelInfo> channels = ots.channels(TABLE, TUNNEL);
                    String bId = b.clientId();   // null until B connected
                    return bId != null && channels.stream().allMatch(c -> c.status() == ChannelInfo.Status.OPEN)
                            && channels.stream().map(ChannelInfo::ownerClientId).collect(Collectors.toSet())
                            .equals(Set.of(a, bId));
                });

                write(ots, 0, 20);
                await("first 40 rows across A and B", Duration.ofSeconds(30),
                        () -> union(parent, ChildOutput.read(childOut)).equals(ids(0, 20)));
                assertThat(ChildOutput.read(childOut).records()).hasSize(20);
                assertThat(parent.size()).isEqualTo(20);

                List<String> endingsBeforeKill = ChildOutput.read(childOut).endings();   // rebalance hand-overs
                child.destroyForcibly();   // SIGKILL: no hook, no ShutdownTunnel, no final checkpoint
                assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
                write(ots, 20, 40);
                long killedAt = System.nanoTime();
                await("all 80 rows after A's timeout", Duration.ofSeconds(60),
                        () -> union(parent, ChildOutput.read(childOut)).containsAll(ids(0, 40)));
                long failoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);

                ChildOutput fromA = ChildOutput.read(childOut);
                Map<String, Integer> counts = new TreeMap<>();
                fromA.changes().forEach(c -> counts.merge(c, 1, Integer::sum));
                parent.all().forEach(d -> counts.merge(d.change(), 1, Integer::sum));
                Map<String, Integer> duplicates = new TreeMap<>(counts);
                duplicates.values().removeIf(n -> n == 1);
                assertThat(union(parent, fromA))
                        .as("every row delivered; %d duplicate changes %s; failover took %d ms",
                                duplicates.size(), duplicates, failoverMillis)
                        .isEqualTo(ids(0, 40));
                assertThat(counts).as("80 distinct changes").hasSize(80);
                assertThat(ots.channels(TABLE, TUNNEL)).allSatisfy(c -> {
                    assertThat(c.status()).isEqualTo(ChannelInfo.Status.OPEN);
                    assertThat(c.ownerClientId()).isEqualTo(b.clientId());
                });
                assertThat(fromA.endings()).as("SIGKILL runs no callbacks").isEqualTo(endingsBeforeKill);
                assertThat(ots.requests(Action.TUNNEL_SHUTDOWN)).as("nobody sent ShutdownTunnel").isZero();
            } finally {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void systemExitWithoutCloseRunsOnShutdownCommitsAndShutsTheSessionDown() throws Exception {
        try (ItServer ots = new ItServer(dataDir)) {
            ots.createPartitionedTable(TABLE, 100);
            String tunnelId = ots.tunnels.createTunnel(CreateTunnelRequest.of(TABLE, TUNNEL, TunnelType.STREAM));
            Path childOut = dataDir.resolve("child-exit.txt");
            Files.createFile(childOut);
            Process child = startChild(ots, tunnelId, childOut, "exit");
            try {
                await("child owns both channels", Duration.ofSeconds(40), () -> {
                    String a = ChildOutput.read(childOut).clientId();
                    return a != null && ots.channels(TABLE, TUNNEL).stream()
                            .allMatch(c -> c.status() == ChannelInfo.Status.OPEN && a.equals(c.ownerClientId()));
                });
                String a = ChildOutput.read(childOut).clientId();
                write(ots, 0, 5);
                await("child consumed 10 rows", Duration.ofSeconds(30),
                        () -> ChildOutput.read(childOut).records().size() == 10);

                try (OutputStream stdin = child.getOutputStream()) {
                    stdin.write("exit\n".getBytes(StandardCharsets.UTF_8));
                }
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(child.exitValue()).isEqualTo(ChildWorkerMain.EXIT_CODE);
                assertThat(ots.requests(Action.TUNNEL_SHUTDOWN)).as("ShutdownTunnel from the exit hook").isEqualTo(1);

                // right away, not after the 15 s timeout: the hook sent ShutdownTunnel before the JVM ended
                List<ChannelInfo> channels = ots.channels(TABLE, TUNNEL);
                assertThat(channels).hasSize(2).allSatisfy(c -> assertThat(c.ownerClientId()).isNotEqualTo(a));
                ChildOutput out = ChildOutput.read(childOut);
                assertThat(out.endings()).containsExactlyInAnyOrderElementsOf(
                        channels.stream().map(c -> "SHUTDOWN," + c.channelId()).toList());

                // the hook also committed the final positions: a new worker starts after the 10 consumed rows
                Deliveries next = new Deliveries();
                try (TunnelWorker b = new TunnelWorker(ots.tunnels, tunnelId, parentConfig(next))) {
                    b.start();
                    write(ots, 5, 8);
                    await("the next worker got the 6 new rows", Duration.ofSeconds(30), () -> next.size() >= 6);
                    assertThat(next.ids()).isEqualTo(ids(5, 8));
                    assertThat(next.size()).isEqualTo(6);
                }
            } finally {
                child.destroyForcibly();
            }
        }
    }
}
