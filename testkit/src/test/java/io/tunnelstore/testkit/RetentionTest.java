package io.tunnelstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tunnelstore.client.CreateTunnelRequest;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.client.TunnelType;
import io.tunnelstore.tunnel.TunnelWorker;
import io.tunnelstore.tunnel.TunnelWorkerException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link Faults#expireRetention} produces the documented retention outcomes. */
@TunnelstoreTest(lifecycle = TunnelstoreOptions.Lifecycle.PER_METHOD)
class RetentionTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aBaseAndStreamTunnelStillInItsBasePhaseExpiresAndItsWorkerStops(TunnelstoreHandle ts, Faults faults)
            throws Exception {
        TableClient tables = ts.directTableClient();
        Rows.createStreamTable(tables, "orders", 1);
        Rows.put(tables, "orders", 1, 3);
        ts.directTunnelClient().createTunnel(CreateTunnelRequest.of("orders", "full", TunnelType.BASE_AND_STREAM));

        assertThat(faults.expireRetention("orders")).isEqualTo(3);

        assertThat(ts.directTunnelClient().describeTunnel("orders", "full").tunnel().expired()).isTrue();
        String tunnelId = ts.directTunnelClient().describeTunnel("orders", "full").tunnel().tunnelId();
        TunnelWorker worker = ts.startWorker(tunnelId, ts.workerConfig(RecordingProcessorFactory.create()).build());
        ExecutionException stopped = assertThrows(ExecutionException.class,
                () -> worker.termination().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertThat(stopped.getCause()).isInstanceOfSatisfying(TunnelWorkerException.class, e -> {
            assertThat(e.errorCode()).isEqualTo("OTSTunnelExpired");
            assertThat(e.isFatal()).isTrue();
        });
    }

    @Test
    void aStreamCheckpointBehindRetentionResumesAtTheOldestKeptRecord(TunnelstoreHandle ts, Faults faults) {
        TableClient tables = ts.directTableClient();
        Rows.createStreamTable(tables, "orders", 1);
        String tunnelId = ts.directTunnelClient().createTunnel(
                CreateTunnelRequest.of("orders", "sync", TunnelType.STREAM));
        RecordingProcessorFactory firstRun = RecordingProcessorFactory.create();
        TunnelWorker first = ts.startWorker(tunnelId, ts.workerConfig(firstRun).build());
        Rows.put(tables, "orders", 1, 3);
        assertThat(Rows.ids(firstRun.awaitRecords(3, WAIT))).containsExactly(1L, 2L, 3L);
        first.close(Duration.ofSeconds(10)); // commits the position after row 3

        Rows.put(tables, "orders", 4, 6);   // never consumed ...
        assertThat(faults.expireRetention("orders")).isEqualTo(6); // ... and now trimmed, with rows 1-3
        Rows.put(tables, "orders", 7, 8);

        RecordingProcessorFactory secondRun = RecordingProcessorFactory.create();
        ts.startWorker(tunnelId, ts.workerConfig(secondRun).build());
        // the checkpoint (row 4) is older than the oldest kept record: consumption resumes at row 7
        assertThat(Rows.ids(secondRun.awaitRecords(2, WAIT))).containsExactly(7L, 8L);
        assertThat(ts.directTunnelClient().describeTunnel("orders", "sync").tunnel().expired()).isFalse();
    }
}
