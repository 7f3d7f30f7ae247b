package io.tunnelstore.bench;

import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Entry point of the worker child JVM of the failover scenario: our SDK's worker that appends {@code channelId,id} per
 * record to a file, flushed per batch (so what the harness reads was really delivered). Prints {@code STARTED <client
 * id>}, then runs until killed.
 *
 * <p>Arguments: endpoint, tunnel id, heartbeat seconds, heartbeat timeout seconds, output file.
 */
public final class BenchWorkerMain {
    private BenchWorkerMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && "handover".equals(args[0])) {
            handover(args[1], args[2], Integer.parseInt(args[3]), Long.parseLong(args[4]));
            return;
        }
        PrintStream out = new PrintStream(new FileOutputStream(args[4], true), false, StandardCharsets.UTF_8);
        DeliverySink sink = (channelId, ids, nanos) -> {
            // one write per batch: PrintStream writes each print() to the file at once, so printing field by field
            // let the harness read a line cut in the middle ("channel," or half an id)
            StringBuilder batch = new StringBuilder(ids.length * (channelId.length() + 12));
            for (long id : ids) {
                batch.append(channelId).append(',').append(id).append('\n');
            }
            synchronized (out) {
                out.print(batch);
                out.flush();
            }
        };
        TunnelConsumer consumer = TunnelConsumer.ours(args[0], args[1], sink,
                Duration.ofSeconds(Long.parseLong(args[2])), Duration.ofSeconds(Long.parseLong(args[3])));
        System.out.println("STARTED " + consumer.clientId());
        System.out.flush();
        Thread.currentThread().join(); // until killed
    }

    /**
     * Hand-over mode (scenario 2, our worker at a small heap): consumes the BaseData tunnel until every id in
     * {@code [0, rows)} arrived or {@code timeoutSeconds} passed, sampling this JVM's heap in use every 10 ms, then
     * prints {@code DONE complete distinct total duplicates firstNanos lastNanos heapPeakBytes cpuAtFirst cpuAtDone}
     * and exits (and {@code FIRST} when the first record arrived). The times are System.nanoTime() (one clock per
     * Linux host), so the harness can subtract its own start time; the CPU readings are this JVM's user + system
     * seconds, so the worker's CPU per record can be told apart from its start-up.
     */
    private static void handover(String endpoint, String tunnelId, int rows, long timeoutSeconds) throws Exception {
        long pid = ProcessHandle.current().pid();
        double[] cpuAtFirst = {-1};
        CountingSink sink = new CountingSink(rows, () -> {
            cpuAtFirst[0] = ProcStats.cpuSeconds(pid);
            System.out.println("FIRST");  // the harness takes the server's CPU reading now
            System.out.flush();
        });
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        java.util.concurrent.atomic.AtomicLong peak = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.ScheduledExecutorService sampler =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "bench-heap-sampler");
                    t.setDaemon(true);
                    return t;
                });
        sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max),
                0, 10, java.util.concurrent.TimeUnit.MILLISECONDS);
        boolean complete;
        try (TunnelConsumer consumer = TunnelConsumer.ours(endpoint, tunnelId, sink, Duration.ofSeconds(5),
                Duration.ofSeconds(15))) {
            complete = sink.awaitAll(Duration.ofSeconds(timeoutSeconds));
        }
        double cpuAtDone = ProcStats.cpuSeconds(pid);
        sampler.shutdownNow();
        System.out.println("DONE " + (complete ? 1 : 0) + " " + sink.distinct() + " " + sink.total() + " "
                + sink.duplicates() + " " + sink.firstNanos() + " " + sink.lastNanos() + " " + peak.get() + " "
                + cpuAtFirst[0] + " " + cpuAtDone);
        System.out.flush();
        System.exit(0);
    }
}
