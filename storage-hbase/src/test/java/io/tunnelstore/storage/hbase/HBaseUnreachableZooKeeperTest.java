package io.tunnelstore.storage.hbase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageException;
import io.tunnelstore.storage.StorageOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Opening the engine on a ZooKeeper quorum that does not answer fails within the probe's deadline with one message
 * ({@link ZooKeeperProbe}), instead of the HBase client's ~100 s of retries. Needs no minicluster except for the last
 * test.
 */
class HBaseUnreachableZooKeeperTest {

    /** A local port nothing listens on (bound, then released). */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aRefusedQuorumFailsAtOnceNamingEveryServer() throws IOException {
        int a = closedPort();
        int b = closedPort();
        String quorum = "127.0.0.1:" + a + ",127.0.0.1:" + b;
        long started = System.nanoTime();

        assertThatThrownBy(() -> HBaseEngines.open(quorum, "t", StorageOptions.defaults(), Map.of()))
                .isInstanceOf(StorageException.class)
                .hasMessage("cannot reach the HBase cluster's ZooKeeper quorum " + quorum + " within 10 s (127.0.0.1:"
                        + a + ": connection refused; 127.0.0.1:" + b + ": connection refused); check the quorum "
                        + "address and that ZooKeeper is running");
        // a refused connect is immediate: nowhere near the deadline, let alone HBase's retries
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aServerThatAcceptsButIsNotZooKeeperFailsAtTheDeadline() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String quorum = "127.0.0.1:" + silent.getLocalPort();
            long started = System.nanoTime();

            assertThatThrownBy(() -> HBaseEngines.open(quorum, "t", StorageOptions.defaults(),
                    Map.of(ZooKeeperProbe.TIMEOUT_KEY, "2000")))
                    .isInstanceOf(StorageException.class)
                    .hasMessage("the HBase cluster's ZooKeeper quorum " + quorum + " accepts connections but opened "
                            + "no ZooKeeper session within 2 s; check that the address is ZooKeeper's client port");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1_900)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aLiveQuorumPassesTheProbeAndOpensTheEngine() {
        try (StorageEngine engine = HBaseEngines.open(MiniHBase.zookeeper(), "tunnelstore_probe",
                StorageOptions.defaults(), Map.of())) {
            engine.writeMeta(new MetaBatch().put("probe", new byte[] {1}));
            assertThat(engine.getMeta("probe")).hasValueSatisfying(v -> assertThat(v).containsExactly(1));
        }
    }
}
