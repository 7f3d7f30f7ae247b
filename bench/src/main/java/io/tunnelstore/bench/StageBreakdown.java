package io.tunnelstore.bench;

import io.tunnelstore.tunnel.ReadTiming;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the latency of each change went, from the stage times our worker's reads carry (the server's
 * {@code tunnelstore_stages} extension plus the worker's decode time, {@link ReadTiming}) and the harness's ack and
 * callback times. All are {@link System#nanoTime()} of different processes on one Linux host (CLOCK_MONOTONIC, one
 * clock per host), so they can be subtracted.
 *
 * <p>Stages of a change whose read was long-polling when it was committed (the usual case for a caught-up consumer):
 * <ol>
 *   <li>{@code wake}: commit durable → the server's re-read starts (log listener, long-poll wake-up, pool hop);</li>
 *   <li>{@code read}: re-read starts → response built (change-log read, PlainBuffer, protobuf);</li>
 *   <li>{@code transfer}: response built → our worker decoded it (serialisation, HTTP write, client, decode);</li>
 *   <li>{@code handoff}: decoded → the callback starts (worker loop, read-ahead queue, process pool).</li>
 * </ol>
 * A change found by a read that arrived after its commit has no wake stage: {@code wait} is ack → our worker sending
 * that read (it was busy with an earlier response, queued for budget, or backing off), {@code request} is the read on
 * its way (worker HTTP client, network, the server's HTTP layer, authentication, up to the tunnel service), then
 * read, transfer, handoff.
 * The measured latency (ack → callback) is the tunnel path (durable → callback) minus the writer's ack path.
 *
 * <p>The request stage is further split by the server's request-path instants ({@link #REQUEST_PARTS}), as durations
 * of the read itself (not clipped at the change's ack): {@code send} worker handed the read to its HTTP client →
 * the server's event loop read and authenticated its headers; {@code body} → its body was complete and it was
 * handed to the request lane's pool; {@code queue} → a pool thread took it up; {@code start} → the tunnel service
 * started it (body MD5, parsing).
 */
final class StageBreakdown {
    static final List<String> STAGES = List.of("wake", "wait", "request", "read", "transfer", "handoff");
    static final List<String> REQUEST_PARTS = List.of("send", "body", "queue", "start");

    /** One server GC pause, in the server's nanoTime. */
    record Pause(long startNanos, long endNanos) {}

    private static final Pattern GC_PAUSE = Pattern.compile("^\\[(\\d+)ns\\].*Pause.* ([0-9.]+)ms$");

    private StageBreakdown() {}

    /** GC pauses from a unified-logging GC log written with the {@code timenanos} decorator (stamp = pause end). */
    static List<Pause> gcPauses(Path gcLog) throws IOException {
        List<Pause> out = new ArrayList<>();
        if (!Files.exists(gcLog)) {
            return out;
        }
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_PAUSE.matcher(line.trim());
            if (m.matches()) {
                long end = Long.parseLong(m.group(1));
                long duration = (long) (Double.parseDouble(m.group(2)) * 1e6);
                out.add(new Pause(end - duration, end));
            }
        }
        return out;
    }

    /** Stage durations of one change, in ns; a stage that did not happen is -1. */
    static long[] stages(long ack, long callback, ReadTiming t) {
        long[] s = {-1, -1, -1, -1, -1, -1};
        if (t.durableNanos() > 0 && t.wakeNanos() > 0) {
            s[0] = t.wakeNanos() - t.durableNanos();
            s[3] = t.builtNanos() - t.wakeNanos();
        } else {
            long sent = t.sentNanos() > 0 ? t.sentNanos() : ack;
            s[1] = Math.max(0, sent - ack);                                       // worker had not sent its read
            s[2] = Math.max(0, t.serverReceivedNanos() - Math.max(sent, ack));     // read on its way to the service
            s[3] = t.builtNanos() - t.serverReceivedNanos();
        }
        s[4] = t.decodedNanos() - t.builtNanos();
        s[5] = callback - t.decodedNanos();
        return s;
    }

    /** The parts of a read's request path in ns ({@link #REQUEST_PARTS}); null when the server did not report them. */
    static long[] requestParts(ReadTiming t) {
        if (t.serverAdmittedNanos() == 0 || t.serverQueuedNanos() == 0 || t.serverStartedNanos() == 0
                || t.sentNanos() == 0) {
            return null;
        }
        return new long[] {t.serverAdmittedNanos() - t.sentNanos(), t.serverQueuedNanos() - t.serverAdmittedNanos(),
                t.serverStartedNanos() - t.serverQueuedNanos(), t.serverReceivedNanos() - t.serverStartedNanos()};
    }

    /**
     * Adds, for {@code subject}: each stage's p50/p99/p99.9 over the changes, the mean of each stage over the changes
     * at or above the p99 and p99.9 latency with the stage that owns most of it, the WAL write (fsync) times of the
     * commits that woke a read, and the server GC pauses that overlapped a tail change's path.
     */
    static void report(BenchReport report, String scenario, String subject, long from, long to,
            Map<Long, Long> acks, LatencySink sink, List<Pause> serverPauses, Path csv) throws IOException {
        // {latency, stages..., durable-or-received, callback, request parts... (-1: none)}
        List<long[]> rows = new ArrayList<>();
        int partsAt = 3 + STAGES.size();
        List<Long> walWrites = new ArrayList<>();
        StringBuilder lines = new StringBuilder("id,ack_ns,latency_ns");
        STAGES.forEach(st -> lines.append(',').append(st).append("_ns"));
        REQUEST_PARTS.forEach(st -> lines.append(",request_").append(st).append("_ns"));
        lines.append('\n');
        for (long id = from; id < to; id++) {
            Long ack = acks.get(id);
            Long cb = sink.deliveredAt(id);
            ReadTiming t = sink.timingOf(id);
            if (ack == null || cb == null || t == null) {
                continue;
            }
            long[] s = stages(ack, cb, t);
            long start = t.durableNanos() > 0 ? t.durableNanos() : Math.min(ack, t.serverReceivedNanos());
            long[] row = new long[partsAt + REQUEST_PARTS.size()];
            row[0] = Math.max(0, cb - ack);
            System.arraycopy(s, 0, row, 1, s.length);
            row[1 + STAGES.size()] = start;
            row[2 + STAGES.size()] = cb;
            long[] parts = s[2] >= 0 ? requestParts(t) : null;
            for (int i = 0; i < REQUEST_PARTS.size(); i++) {
                row[partsAt + i] = parts == null ? -1 : parts[i];
            }
            rows.add(row);
            lines.append(id).append(',').append(ack).append(',').append(row[0]);
            for (int i = 0; i < STAGES.size(); i++) {
                lines.append(',').append(s[i]);
            }
            for (int i = 0; i < REQUEST_PARTS.size(); i++) {
                lines.append(',').append(row[partsAt + i]);
            }
            lines.append('\n');
            if (t.walWriteNanos() > 0) {
                walWrites.add(t.walWriteNanos());
            }
        }
        report.add(scenario, subject, "changes with stage times", rows.size(), "changes");
        if (csv != null) {
            Files.writeString(csv, lines);
        }
        if (rows.isEmpty()) {
            return;
        }
        long woken = rows.stream().filter(r -> r[1] >= 0).count();
        report.add(scenario, subject, "changes delivered by a woken long poll", 100.0 * woken / rows.size(), "%");
        for (int i = 0; i < STAGES.size(); i++) {
            int col = 1 + i;
            long[] values = rows.stream().filter(r -> r[col] >= 0).mapToLong(r -> r[col]).toArray();
            if (values.length == 0) {
                continue;
            }
            Percentiles p = new Percentiles(values);
            for (double pct : new double[] {50, 99, 99.9}) {
                report.add(scenario, subject, "stage " + STAGES.get(i) + " p" + pctName(pct), p.at(pct) / 1e6, "ms");
            }
        }
        for (int i = 0; i < REQUEST_PARTS.size(); i++) {
            int col = partsAt + i;
            long[] values = rows.stream().filter(r -> r[col] >= 0).mapToLong(r -> r[col]).toArray();
            if (values.length == 0) {
                continue;
            }
            Percentiles p = new Percentiles(values);
            for (double pct : new double[] {50, 99}) {
                report.add(scenario, subject, "request part " + REQUEST_PARTS.get(i) + " p" + pctName(pct),
                        p.at(pct) / 1e6, "ms");
            }
        }
        Percentiles latency = new Percentiles(rows.stream().mapToLong(r -> r[0]).toArray());
        for (double pct : new double[] {99, 99.9}) {
            long threshold = latency.at(pct);
            List<long[]> tail = rows.stream().filter(r -> r[0] >= threshold).toList();
            double best = -1;
            int owner = 0;
            for (int i = 0; i < STAGES.size(); i++) {
                int col = 1 + i;
                double mean = tail.stream().mapToLong(r -> Math.max(0, r[col])).average().orElse(0) / 1e6;
                report.add(scenario, subject, "tail >= p" + pctName(pct) + ": mean stage " + STAGES.get(i), mean, "ms");
                if (mean > best) {
                    best = mean;
                    owner = i;
                }
            }
            report.add(scenario, subject, "tail >= p" + pctName(pct) + ": owner stage = " + STAGES.get(owner),
                    best, "ms");
            for (int i = 0; i < REQUEST_PARTS.size(); i++) {
                int col = partsAt + i;
                double mean = tail.stream().mapToLong(r -> Math.max(0, r[col])).average().orElse(0) / 1e6;
                report.add(scenario, subject, "tail >= p" + pctName(pct) + ": mean request part "
                        + REQUEST_PARTS.get(i), mean, "ms");
            }
            long overlapped = tail.stream().filter(r -> overlaps(serverPauses, r[1 + STAGES.size()],
                    r[2 + STAGES.size()])).count();
            report.add(scenario, subject, "tail >= p" + pctName(pct) + ": changes overlapping a server GC pause",
                    overlapped, "of " + tail.size());
        }
        if (!walWrites.isEmpty()) {
            Percentiles w = new Percentiles(walWrites.stream().mapToLong(Long::longValue).toArray());
            for (double pct : new double[] {50, 99, 99.9}) {
                report.add(scenario, subject, "WAL write+fsync p" + pctName(pct), w.at(pct) / 1e6, "ms");
            }
        }
    }

    static boolean overlaps(List<Pause> pauses, long start, long end) {
        for (Pause p : pauses) {
            if (p.startNanos() < end && p.endNanos() > start) {
                return true;
            }
        }
        return false;
    }

    /** GC pauses of the server inside [from, to): count, total and longest. */
    static void reportPauses(BenchReport report, String scenario, String subject, List<Pause> pauses, long from,
            long to) {
        long count = 0;
        long total = 0;
        long max = 0;
        for (Pause p : pauses) {
            if (p.endNanos() >= from && p.startNanos() < to) {
                count++;
                long d = p.endNanos() - p.startNanos();
                total += d;
                max = Math.max(max, d);
            }
        }
        report.add(scenario, subject, "server GC pauses", count, "pauses");
        report.add(scenario, subject, "server GC pause total", total / 1e6, "ms");
        report.add(scenario, subject, "server GC pause max", max / 1e6, "ms");
    }

    private static String pctName(double pct) {
        return pct == Math.rint(pct) ? Long.toString((long) pct) : Double.toString(pct);
    }
}
