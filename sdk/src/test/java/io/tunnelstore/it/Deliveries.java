package io.tunnelstore.it;

import io.tunnelstore.tunnel.ChannelContext;
import io.tunnelstore.tunnel.RecordColumn;
import io.tunnelstore.tunnel.SequenceInfo;
import io.tunnelstore.tunnel.StreamRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Every record a test's consumers received, in arrival order, flattened to {@link Delivery} values. Thread-safe
 * (process callbacks of several channels and workers add concurrently).
 */
final class Deliveries {

    /**
     * One delivered record.
     *
     * @param consumer which worker got it (test-chosen tag)
     * @param channel  channel id
     * @param id       the row's {@code id} key
     * @param type     PUT / UPDATE / DELETE
     * @param seq      serialized sequence info; {@code null} for base data
     * @param columns  columns as {@code name:OP=value}, in record order
     * @param custom   the context's custom value
     */
    record Delivery(String consumer, String channel, long id, StreamRecord.RecordType type, String seq,
            String columns, Object custom) {

        /** Identity of the change itself, equal for a re-delivery of the same change. */
        String change() {
            return id + "@" + (seq == null ? "base" : seq);
        }
    }

    private final List<Delivery> all = new ArrayList<>();

    /** Records one batch. */
    void add(String consumer, ChannelContext ctx, List<StreamRecord> records) {
        List<Delivery> batch = new ArrayList<>(records.size());
        for (StreamRecord r : records) {
            batch.add(new Delivery(consumer, ctx.channelId(), r.primaryKey().get(0).value().asLong(), r.type(),
                    r.sequenceInfo().map(SequenceInfo::serialize).orElse(null), columns(r.columns()),
                    ctx.customValue()));
        }
        synchronized (this) {
            all.addAll(batch);
        }
    }

    static String columns(List<RecordColumn> columns) {
        return columns.stream().map(c -> c.name() + ":" + c.operation()
                        + (c.value() == null ? "" : "=" + c.value().asLong()))
                .collect(Collectors.joining(","));
    }

    synchronized List<Delivery> all() {
        return List.copyOf(all);
    }

    synchronized int size() {
        return all.size();
    }

    /** Distinct row ids delivered. */
    synchronized Set<Long> ids() {
        Set<Long> ids = new HashSet<>();
        all.forEach(d -> ids.add(d.id()));
        return ids;
    }

    /** How often each change was delivered, for changes delivered more than once. */
    synchronized Map<String, Integer> duplicates() {
        Map<String, Integer> counts = new TreeMap<>();
        all.forEach(d -> counts.merge(d.change(), 1, Integer::sum));
        counts.values().removeIf(n -> n == 1);
        return counts;
    }

    /** Deliveries grouped by row id, each list in arrival order. */
    synchronized Map<Long, List<Delivery>> byId() {
        Map<Long, List<Delivery>> m = new LinkedHashMap<>();
        all.forEach(d -> m.computeIfAbsent(d.id(), k -> new ArrayList<>()).add(d));
        return m;
    }
}
