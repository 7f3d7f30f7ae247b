package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server --engine hbase} on a ZooKeeper quorum where nothing listens: exit code 1 with one clear line, within
 * the engine's ZooKeeper probe (10 s at most; a refused connect fails at once) instead of the HBase client's ~100 s
 * of retries and stack traces (docs/storage-hbase.md, "Opening it").
 */
class ServerUnreachableZooKeeperTest {
    @TempDir
    Path dataDir;

    @Test
    void aQuorumWhereNothingListensFailsFastWithOneLine() throws IOException {
        int port = freePort(); // free again once closed
        String quorum = "127.0.0.1:" + port;
        // --engine hbase needs an explicit client port (the other nodes forward requests to it); nothing binds it,
        // since the start fails at the quorum first
        String serverPort = Integer.toString(freePort());
        long started = System.nanoTime();

        CliRun.Result r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> CliRun.run("server", "--engine",
                "hbase", "--hbase-zookeeper", quorum, "--port", serverPort, "--data-dir", dataDir.toString()));

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(CliErrors.FAILED);
        assertThat(r.cliErrLines()).containsExactly("tunnelstore server: Cannot start Tunnelstore: cannot reach the "
                + "HBase cluster's ZooKeeper quorum " + quorum + " within 10 s (" + quorum + ": connection refused); "
                + "check the quorum address and that ZooKeeper is running");
        assertThat(r.err()).doesNotContain("\tat ");
        assertThat(took).isLessThan(Duration.ofSeconds(15));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
