package io.tunnelstore.bench;

import io.tunnelstore.client.TableClient;
import io.tunnelstore.client.TunnelClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Scenario 5 (growth part): the server's resources as its table grows. One table is loaded up to each size in turn;
 * at each size the harness records the server's idle RSS and data-directory size, then hands the whole table over
 * to our worker through a new BaseData tunnel (rows/s, peak RSS, CPU, worker heap).
 */
final class GrowthScenario {
    static final String NAME = "growth";

    private GrowthScenario() {}

    static void run(BenchConfig config, BenchReport report) throws Exception {
        Path data = config.workDir().resolve("growth").resolve("server-data");
        try (BenchServer server = BenchServer.start(data, false, "4g");
                TableClient tables = TableClient.create(BenchTables.clientConfig(server.endpoint()));
                TunnelClient tunnels = TunnelClient.create(BenchTables.clientConfig(server.endpoint()))) {
            int max = config.growthSizes().stream().mapToInt(Integer::intValue).max().orElse(0);
            BenchTables.create(server.endpoint(), "growth", 1, max, 0);
            long loaded = 0;
            for (int size : config.growthSizes()) {
                loaded += BenchTables.load(tables, "growth", loaded, size, HandoverScenario.PAYLOAD, 4, Long.MAX_VALUE);
                report.check(NAME, "growth table loaded to " + size, size, loaded);
                String subject = size + " rows";
                report.add(NAME, subject, "server RSS after load", ProcStats.rssBytes(server.pid()) / 1048576.0, "MB");
                report.add(NAME, subject, "data directory size", directoryBytes(data) / 1048576.0, "MB");
                HandoverScenario.consume(report, NAME, server, tunnels, "growth", "growth_" + size, size, true,
                        "our worker");
            }
        }
    }

    static long directoryBytes(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // a file compacted away while walking
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot size " + dir, e);
        }
    }
}
