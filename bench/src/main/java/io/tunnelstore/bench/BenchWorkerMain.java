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
        PrintStream out = new PrintStream(new FileOutputStream(args[4], true), false, StandardCharsets.UTF_8);
        DeliverySink sink = (channelId, ids, nanos) -> {
            synchronized (out) {
                for (long id : ids) {
                    out.print(channelId);
                    out.print(',');
                    out.println(id);
                }
                out.flush();
            }
        };
        TunnelConsumer consumer = TunnelConsumer.ours(args[0], args[1], sink,
                Duration.ofSeconds(Long.parseLong(args[2])), Duration.ofSeconds(Long.parseLong(args[3])));
        System.out.println("STARTED " + consumer.clientId());
        System.out.flush();
        Thread.currentThread().join(); // until killed
    }
}
