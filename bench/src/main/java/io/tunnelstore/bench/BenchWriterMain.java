package io.tunnelstore.bench;

import io.tunnelstore.client.TableClient;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Entry point of the writer child JVM of the latency scenario: paced single-row PutRows, so the writer does not share
 * the harness JVM (and its CPU share, GC and HTTP threads) with the two workers it measures. Spreads the writes over
 * several clients, each with its own HTTP client (its own connections and selector thread), at most
 * {@code maxInFlight} writes in flight in all.
 *
 * <p>Arguments: endpoint, table, first id, rate (writes/s), duration (ms), clients, max in flight, payload bytes, output
 * file. Writes row ids {@code first, first+1, ...}, one every 1/rate s, until the duration is over. Then writes to the
 * output file, per id in order, the {@link System#nanoTime()} at which its PutRow was acknowledged (0 when it failed;
 * big-endian longs), and prints {@code DONE written failures startNanos endNanos} (end = last ack). One clock per Linux
 * host: the harness compares these times with its own callback times.
 */
public final class BenchWriterMain {
    private BenchWriterMain() {}

    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        String table = args[1];
        long from = Long.parseLong(args[2]);
        int rate = Integer.parseInt(args[3]);
        long durationNanos = Long.parseLong(args[4]) * 1_000_000L;
        int clientCount = Integer.parseInt(args[5]);
        int maxInFlight = Integer.parseInt(args[6]);
        int payload = Integer.parseInt(args[7]);
        String output = args[8];

        List<TableClient> clients = new ArrayList<>();
        for (int i = 0; i < clientCount; i++) {
            clients.add(TableClient.create(BenchTables.clientConfig(endpoint)));
        }
        int capacity = (int) Math.min(Integer.MAX_VALUE - 8, (long) rate * (durationNanos / 1_000_000_000L + 1) + 1);
        AtomicLongArray acks = new AtomicLongArray(capacity);
        AtomicLong failures = new AtomicLong();
        Semaphore inFlight = new Semaphore(maxInFlight);
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        long end = start + durationNanos;
        int n = 0;
        for (long due = start; due < end && n < capacity; due += interval) {
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            inFlight.acquire();
            int index = n++;
            clients.get(index % clientCount).putRowAsync(BenchTables.row(table, from + index, payload))
                    .whenComplete((r, e) -> {
                        if (e == null) {
                            acks.set(index, System.nanoTime());
                        } else if (failures.incrementAndGet() <= 10) {
                            System.err.println("write " + (from + index) + " failed: " + e); // the first ten
                        }
                        inFlight.release();
                    });
        }
        inFlight.acquire(maxInFlight);
        long last = 0;
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(output)))) {
            for (int i = 0; i < n; i++) {
                long ack = acks.get(i);
                last = Math.max(last, ack);
                out.writeLong(ack);
            }
        }
        for (TableClient c : clients) {
            c.close();
        }
        System.out.println("DONE " + n + " " + failures.get() + " " + start + " " + last);
        System.out.flush();
        System.exit(0);
    }
}
