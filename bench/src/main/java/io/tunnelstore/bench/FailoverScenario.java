package io.tunnelstore.bench;

import io.tunnelstore.client.ChannelInfo;
import io.tunnelstore.client.CreateTunnelRequest;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.client.TunnelType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 4: failover. Two of our workers share a 4-channel Stream tunnel; one runs in a child JVM and is killed with
 * SIGKILL while a writer puts 100 rows/s spread over all partitions. Measured: for each channel the child owned, the
 * time from the kill until the survivor's callback receives a batch of that channel; and the records delivered more
 * than once (the killed worker's uncheckpointed tail is re-delivered). Nothing may be lost.
 */
final class FailoverScenario {
    static final String NAME = "failover";
    private static final int PARTITIONS = 4;
    private static final long PARTITION_SPAN = 1_000_000_000L;
    private static final int WRITE_RATE = 100;

    private FailoverScenario() {}

    static void run(BenchConfig config, BenchReport report) throws Exception {
        Path dir = config.workDir().resolve("failover");
        try (BenchServer server = BenchServer.start(dir.resolve("server-data"), true, "2g")) {
            runCase(report, server, dir, 5, 15);
            if (config.failoverDefaults()) {
                runCase(report, server, dir, 30, 300);
            }
        }
    }

    private static void runCase(BenchReport report, BenchServer server, Path dir, int heartbeat, int timeout)
            throws Exception {
        String table = "failover_" + heartbeat + "_" + timeout;
        String subject = "our worker, heartbeat " + heartbeat + " s / timeout " + timeout + " s";
        BenchTables.create(server.endpoint(), table, PARTITIONS, PARTITIONS * PARTITION_SPAN, 24);
        try (TableClient tables = TableClient.create(BenchTables.clientConfig(server.endpoint()));
                TunnelClient tunnels = TunnelClient.create(BenchTables.clientConfig(server.endpoint()))) {
            String tunnelId = tunnels.createTunnel(CreateTunnelRequest.of(table, "t", TunnelType.STREAM));
            Path childOut = dir.resolve(table + "-child.csv");
            Files.deleteIfExists(childOut);
            Files.createFile(childOut);
            Process child = startChild(server, tunnelId, heartbeat, timeout, childOut, dir.resolve(table + "-child.log"));
            Map<Long, Integer> survivorCounts = new ConcurrentHashMap<>();
            Map<String, Long> firstBatchAfterKill = new ConcurrentHashMap<>();
            AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
            DeliverySink sink = (channelId, ids, nanos) -> {
                for (long id : ids) {
                    survivorCounts.merge(id, 1, Integer::sum);
                }
                if (nanos > killedAt.get()) {
                    firstBatchAfterKill.putIfAbsent(channelId, nanos);
                }
            };
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong written = new AtomicLong();
            Thread writer = new Thread(() -> writeLoad(tables, table, writing, written), "bench-failover-writer");
            try (TunnelConsumer survivor = TunnelConsumer.ours(server.endpoint(), tunnelId, sink,
                    Duration.ofSeconds(heartbeat), Duration.ofSeconds(timeout))) {
                Duration settle = Duration.ofSeconds(4L * heartbeat + 60);
                // the survivor's client id is known once it connected (it changes if it reconnects): read it per poll
                List<ChannelInfo> split = awaitChannels(tunnels, table, settle, cs -> {
                    String id = survivor.clientId();
                    return id != null
                            && cs.stream().allMatch(c -> c.ownerClientId() != null && !c.ownerClientId().isEmpty())
                            && cs.stream().anyMatch(c -> !c.ownerClientId().equals(id))
                            && cs.stream().anyMatch(c -> c.ownerClientId().equals(id));
                });
                String survivorId = survivor.clientId();
                Set<String> childChannels = new HashSet<>();
                for (ChannelInfo c : split) {
                    if (!c.ownerClientId().equals(survivorId)) {
                        childChannels.add(c.channelId());
                    }
                }
                writer.start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (readChild(childOut).isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(50); // polling a file another process appends to
                }
                report.check(NAME, subject + ": child delivered before the kill", 1,
                        readChild(childOut).isEmpty() ? 0 : 1);
                killedAt.set(System.nanoTime());
                child.destroyForcibly().waitFor(); // SIGKILL
                long killNanos = killedAt.get();
                long moveDeadline = killNanos + TimeUnit.SECONDS.toNanos(timeout + 120L);
                while (!firstBatchAfterKill.keySet().containsAll(childChannels) && System.nanoTime() < moveDeadline) {
                    Thread.sleep(50); // waiting for the survivor's callbacks; the map fills from its threads
                }
                writing.set(false);
                writer.join();
                double max = 0;
                double sum = 0;
                int moved = 0;
                for (String channel : childChannels) {
                    Long at = firstBatchAfterKill.get(channel);
                    if (at != null) {
                        double s = (at - killNanos) / 1e9;
                        max = Math.max(max, s);
                        sum += s;
                        moved++;
                    }
                }
                report.check(NAME, subject + ": every channel of the killed worker consumed again", childChannels.size(),
                        moved);
                report.add(NAME, subject, "channels moved", childChannels.size(), "channels");
                report.add(NAME, subject, "kill to consuming, max", max, "s");
                report.add(NAME, subject, "kill to consuming, mean", moved == 0 ? 0 : sum / moved, "s");
                // everything written must arrive; count deliveries beyond the first
                long total = written.get();
                Map<Long, Integer> all = new HashMap<>();
                long deliverDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (true) {
                    all.clear();
                    all.putAll(survivorCounts);
                    for (String line : readChild(childOut)) {
                        all.merge(Long.parseLong(line.substring(line.indexOf(',') + 1)), 1, Integer::sum);
                    }
                    if (all.size() >= total || System.nanoTime() > deliverDeadline) {
                        break;
                    }
                    Thread.sleep(100); // waiting for the survivor to drain the moved channels
                }
                long duplicates = all.values().stream().mapToLong(n -> n - 1).sum();
                report.check(NAME, subject + ": distinct records delivered == written", total, all.size());
                report.add(NAME, subject, "records written", total, "records");
                report.add(NAME, subject, "duplicates delivered", duplicates, "records");
            } finally {
                writing.set(false);
                child.destroyForcibly();
            }
        }
    }

    /** Puts rows at WRITE_RATE per second, round-robin over the partitions, until told to stop. */
    private static void writeLoad(TableClient tables, String table, AtomicBoolean writing, AtomicLong written) {
        long interval = 1_000_000_000L / WRITE_RATE;
        long next = System.nanoTime();
        long seq = 0;
        while (writing.get()) {
            long id = (seq % PARTITIONS) * PARTITION_SPAN + seq / PARTITIONS;
            tables.putRow(BenchTables.row(table, id, 100));
            written.incrementAndGet();
            seq++;
            next += interval;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
        }
    }

    private static List<ChannelInfo> awaitChannels(TunnelClient tunnels, String table, Duration timeout,
            java.util.function.Predicate<List<ChannelInfo>> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ChannelInfo> channels = tunnels.describeTunnel(table, "t").channels();
            if (condition.test(channels)) {
                return channels;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("channels did not split between the two workers within " + timeout
                        + ": " + channels);
            }
            Thread.sleep(200); // polling DescribeTunnel
        }
    }

    private static Process startChild(BenchServer server, String tunnelId, int heartbeat, int timeout, Path out,
            Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(BenchServer.javaBinary(), "-Xmx512m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                BenchWorkerMain.class.getName(), server.endpoint(), tunnelId, Integer.toString(heartbeat),
                Integer.toString(timeout), out.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        return pb.start();
    }

    /**
     * The child's complete lines. The child may be writing (or have been killed while writing) the last line, so text
     * after the last newline is not a record yet: it would read as a cut id.
     */
    static List<String> readChild(Path out) {
        try {
            return completeLines(Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<String> completeLines(String text) {
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return List.of();
        }
        return text.substring(0, end).lines().filter(l -> l.indexOf(',') > 0).toList();
    }
}
