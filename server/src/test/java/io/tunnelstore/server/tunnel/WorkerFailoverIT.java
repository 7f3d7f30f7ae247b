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
import io.tunnelstore.server.tunnel.RecordCollector.Received;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two official workers share a Stream tunnel's channels; one runs in a child JVM and is killed with
 * {@code kill -9}. After its heartbeat timeout (10 s) its channel moves to the surviving worker and every record is
 * delivered. Slow (~40 s): kept in its own class so it can be run or skipped selectively.
 */
class WorkerFailoverIT {

    @TempDir
    Path dataDir;

    @Test
    void channelsOfAKilledWorkerMoveToTheSurvivorAndNothingIsLost() throws Exception {
        try (TunnelTestServer ots = new TunnelTestServer(dataDir)) {
            // ids < 100 live in partition 0 (channel Stream_1), the others in partition 1 (Stream_2)
            ots.createPartitionedTable("shared", 100);
            String tunnelId = ots.tunnels.createTunnel(new CreateTunnelRequest("shared", "t", TunnelType.Stream))
                    .getTunnelId();
            Path childOut = dataDir.resolve("child-records.csv");
            Files.createFile(childOut);
            Process child = startChild(ots, tunnelId, childOut);
            RecordCollector parentRecords = new RecordCollector();
            TunnelWorkerConfig config = new TunnelWorkerConfig(parentRecords);
            config.setHeartbeatIntervalInSec(5);
            config.setHeartbeatTimeoutInSec(10);
            config.setClientTag("parent");
            TunnelWorker parent = new TunnelWorker(tunnelId, ots.tunnels, config);
            try {
                parent.connectAndWorking();
                await("each worker owns one channel", Duration.ofSeconds(60), () -> {
                    List<ChannelInfo> channels = ots.describe("shared", "t").getChannelInfos();
                    return channels.stream().allMatch(c -> c.getChannelStatus() == ChannelStatus.OPEN)
                            && channels.stream().anyMatch(c -> c.getClientId().startsWith("child-"))
                            && channels.stream().anyMatch(c -> c.getClientId().startsWith("parent-"));
                });

                for (long i = 0; i < 20; i++) {
                    put(ots, "shared", i, "a", i);
                    put(ots, "shared", 100 + i, "a", i);
                }
                await("batch A delivered across both workers", Duration.ofSeconds(30),
                        () -> delivered(parentRecords, childOut).size() == 40);
                assertThat(readChild(childOut)).isNotEmpty();
                assertThat(parentRecords.size()).isPositive();

                child.destroyForcibly().waitFor();
                for (long i = 20; i < 40; i++) {
                    put(ots, "shared", i, "b", i);
                    put(ots, "shared", 100 + i, "b", i);
                }
                Set<Long> expected = new HashSet<>();
                LongStream.range(0, 40).forEach(i -> {
                    expected.add(i);
                    expected.add(100 + i);
                });
                await("batch B delivered after the failover", Duration.ofSeconds(60),
                        () -> delivered(parentRecords, childOut).containsAll(expected));
                assertThat(ots.describe("shared", "t").getChannelInfos()).allSatisfy(c -> {
                    assertThat(c.getChannelStatus()).isEqualTo(ChannelStatus.OPEN);
                    assertThat(c.getClientId()).startsWith("parent-");
                });
            } finally {
                child.destroyForcibly();
                parent.shutdown();
                config.shutdown();
            }
        }
    }

    private static Process startChild(TunnelTestServer ots, String tunnelId, Path out) throws IOException {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                ChildWorkerMain.class.getName(), ots.endpoint(), TunnelTestServer.AK, TunnelTestServer.SK,
                TunnelTestServer.INSTANCE, tunnelId, out.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(out.resolveSibling("child-console.log").toFile());
        return pb.start();
    }

    private static List<String> readChild(Path out) {
        try {
            return Files.readAllLines(out, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ids delivered to either worker. */
    private static Set<Long> delivered(RecordCollector parent, Path childOut) {
        Set<Long> ids = new HashSet<>();
        parent.all().stream().map(Received::id).forEach(ids::add);
        for (String line : readChild(childOut)) {
            ids.add(Long.parseLong(line.split(",")[1]));
        }
        return ids;
    }
}
