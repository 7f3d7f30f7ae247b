package io.tunnelstore.server.console;

import io.tunnelstore.server.metrics.TunnelStatus;
import io.tunnelstore.storage.LogListener;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The short in-memory history behind the console charts: per tunnel, one {@link Point} per sample (consumed
 * records, change-log records appended to its table, lag), for the last {@code window}. Change-log appends are
 * counted per table by this object as a storage {@link LogListener} (counting only; it never writes).
 *
 * <p>Thread-safety: {@link #record} is called by the single sampler thread; reads may come from any thread.
 */
final class ConsoleHistory implements LogListener {

    /**
     * One sample of one tunnel.
     *
     * @param atMillis        server time of the sample
     * @param consumed        records handed out over all channels so far
     * @param tableAppends    change-log records appended to the tunnel's table since the server started
     * @param lagRecords      records behind (sum over channels), -1 when unknown
     * @param lagMillis       time behind (largest over channels), -1 when unknown
     */
    record Point(long atMillis, long consumed, long tableAppends, long lagRecords, long lagMillis) {}

    private final long windowMillis;
    private final Map<Long, LongAdder> appendsByTable = new ConcurrentHashMap<>();
    /** Key: instance + '/' + tunnel id. */
    private final Map<String, Deque<Point>> byTunnel = new ConcurrentHashMap<>();

    ConsoleHistory(Duration window) {
        this.windowMillis = window.toMillis();
    }

    @Override
    public void appended(long tableId, long shardId, long sequence) {
        appendsByTable.computeIfAbsent(tableId, id -> new LongAdder()).increment();
    }

    /** Change-log records appended to {@code tableId} since the server started. */
    long appends(long tableId) {
        LongAdder a = appendsByTable.get(tableId);
        return a == null ? 0 : a.sum();
    }

    /**
     * Adds a point per tunnel of {@code instance} and forgets the tunnels of that instance that are gone.
     *
     * @param tableIds table name to table id for the instance (for the append counts)
     */
    void record(String instance, List<TunnelStatus> tunnels, Map<String, Long> tableIds, long nowMillis) {
        Set<String> live = new java.util.HashSet<>();
        for (TunnelStatus t : tunnels) {
            String key = key(instance, t.tunnelId());
            live.add(key);
            Long tableId = tableIds.get(t.tableName());
            Point p = new Point(nowMillis, t.consumedCount(), tableId == null ? 0 : appends(tableId),
                    t.lagRecords().orElse(-1), t.lagMillis().orElse(-1));
            Deque<Point> points = byTunnel.computeIfAbsent(key, k -> new ArrayDeque<>());
            synchronized (points) {
                points.addLast(p);
                while (!points.isEmpty() && points.peekFirst().atMillis() < nowMillis - windowMillis) {
                    points.removeFirst();
                }
            }
        }
        byTunnel.keySet().removeIf(k -> k.startsWith(instance + "/") && !live.contains(k));
    }

    /** The points of a tunnel, oldest first (empty when never sampled). */
    List<Point> points(String instance, String tunnelId) {
        Deque<Point> points = byTunnel.get(key(instance, tunnelId));
        if (points == null) {
            return List.of();
        }
        synchronized (points) {
            return new ArrayList<>(points);
        }
    }

    private static String key(String instance, String tunnelId) {
        return instance + "/" + tunnelId;
    }
}
