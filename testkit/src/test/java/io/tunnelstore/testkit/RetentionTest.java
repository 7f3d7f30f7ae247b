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
    void withoutRebaselineAStreamCheckpointBehindRetentionResumesAtTheOldestKeptRecord(TunnelstoreHandle ts,
                                                                                      Faults faults) {
        TableClient tables = ts.directTableClient();
        Rows.createStreamTable(tables, "orders", 1);
        String tunnelId = ts.directTunnelClient().createTunnel(
                CreateTunnelRequest.of("orders", "sync", TunnelType.STREAM).withRebaseline(false));
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

    /**
     * The server default: the channel is re-baselined. Our worker's processor sees the typed markers around the
     * range's current rows (every row, none lost), then the changes after the snapshot as stream records.
     */
    @Test
    void aStreamCheckpointBehindRetentionIsRebaselinedWithTypedMarkers(TunnelstoreHandle ts, Faults faults)
            throws InterruptedException {
        TableClient tables = ts.directTableClient();
        Rows.createStreamTable(tables, "orders", 1);
        String tunnelId = ts.directTunnelClient().createTunnel(
                CreateTunnelRequest.of("orders", "sync", TunnelType.STREAM));
        RecordingProcessorFactory firstRun = RecordingProcessorFactory.create();
        TunnelWorker first = ts.startWorker(tunnelId, ts.workerConfig(firstRun).build());
        Rows.put(tables, "orders", 1, 3);
        assertThat(Rows.ids(firstRun.awaitRecords(3, WAIT))).containsExactly(1L, 2L, 3L);
        first.close(Duration.ofSeconds(10));

        Rows.put(tables, "orders", 4, 6);   // never consumed ...
        assertThat(faults.expireRetention("orders")).isEqualTo(6); // ... and trimmed

        java.util.concurrent.LinkedBlockingQueue<String> seen = new java.util.concurrent.LinkedBlockingQueue<>();
        io.tunnelstore.tunnel.ChannelProcessorFactory markers = context -> new io.tunnelstore.tunnel.ChannelProcessor() {
            @Override
            public void onResyncBegin(io.tunnelstore.tunnel.ChannelContext c, io.tunnelstore.tunnel.ResyncMarker m) {
                seen.add("begin " + m.channelId() + " lost " + m.lostFromSequence() + ".." + m.lostToSequence()
                        + " bounded=" + (m.rangeStart().isPresent() || m.rangeEnd().isPresent()));
            }

            @Override
            public void process(io.tunnelstore.tunnel.ChannelContext c,
                                java.util.List<io.tunnelstore.tunnel.StreamRecord> records) {
                for (io.tunnelstore.tunnel.StreamRecord r : records) {
                    seen.add((r.isBaseData() ? "row " : "change ") + Rows.id(r));
                }
            }

            @Override
            public void onResyncEnd(io.tunnelstore.tunnel.ChannelContext c, io.tunnelstore.tunnel.ResyncMarker m) {
                seen.add("end resume " + m.resumeSequence());
            }
        };
        ts.startWorker(tunnelId, ts.workerConfig(markers).build());
        assertThat(take(seen, 8)).containsExactly("begin Stream_1 lost 4..6 bounded=false", "row 1", "row 2",
                "row 3", "row 4", "row 5", "row 6", "end resume 7");
        Rows.put(tables, "orders", 7, 7);
        assertThat(take(seen, 1)).containsExactly("change 7");
        // our SDK reads DescribeTunnel's history extension
        io.tunnelstore.client.TunnelDescription d = ts.directTunnelClient().describeTunnel("orders", "sync");
        assertThat(d.rebaseline()).isTrue();
        assertThat(d.history()).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo("REBASELINE");
            assertThat(e.channelId()).isEqualTo("Stream_1");
            assertThat(e.actor()).isEqualTo("server");
        });
    }

    /** The next {@code n} items, waiting up to {@link #WAIT} in all. */
    private static java.util.List<String> take(java.util.concurrent.BlockingQueue<String> q, int n)
            throws InterruptedException {
        java.util.List<String> out = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (out.size() < n) {
            String next = q.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            out.add(next);
        }
        return out;
    }
}
