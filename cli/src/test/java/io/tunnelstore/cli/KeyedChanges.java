package io.tunnelstore.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The changes of a test table whose rows carry a per-key sequence (column {@code v} = 0, 1, 2, … for each key, written
 * in that order by one writer), and what a tunnel consumer received of them: enough to check the delivery promise
 * of docs/delivery-guarantees.md — every acknowledged change delivered, per-key order, and which deliveries were
 * duplicates and when their originals had been delivered. Thread-safe.
 */
final class KeyedChanges {
    /** One change: row {@code key} got value {@code seq}. */
    record Change(long key, long seq) {}

    /** One delivery to a consumer's callback, at {@code atNanos} ({@link System#nanoTime()}). */
    record Delivery(Change change, long atNanos) {}

    private final List<Delivery> deliveries = new ArrayList<>();

    synchronized void delivered(long key, long seq) {
        deliveries.add(new Delivery(new Change(key, seq), System.nanoTime()));
    }

    synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    synchronized Set<Change> distinct() {
        Set<Change> changes = new HashSet<>();
        deliveries.forEach(d -> changes.add(d.change()));
        return changes;
    }

    /** How many distinct changes with a sequence of at least 1 (stream changes, not base rows) arrived. */
    synchronized long streamChanges() {
        return distinct().stream().filter(c -> c.seq() > 0).count();
    }

    /** The first delivery of a change accepted by {@code written}, if any. */
    synchronized java.util.Optional<Delivery> firstDeliveryOf(java.util.function.Predicate<Change> written) {
        return deliveries.stream().filter(d -> written.test(d.change())).findFirst();
    }

    /** Per key, the sequences in the order of their first delivery (re-deliveries left out). */
    synchronized Map<Long, List<Long>> firstDeliveryOrderByKey() {
        Map<Long, List<Long>> order = new HashMap<>();
        Set<Change> seen = new HashSet<>();
        for (Delivery d : deliveries) {
            if (seen.add(d.change())) {
                order.computeIfAbsent(d.change().key(), k -> new ArrayList<>()).add(d.change().seq());
            }
        }
        return order;
    }

    /** Every second or later delivery of a change, paired with the time of its first delivery. */
    synchronized List<Duplicate> duplicates() {
        Map<Change, Long> first = new HashMap<>();
        List<Duplicate> duplicates = new ArrayList<>();
        for (Delivery d : deliveries) {
            Long original = first.putIfAbsent(d.change(), d.atNanos());
            if (original != null) {
                duplicates.add(new Duplicate(d.change(), original, d.atNanos()));
            }
        }
        return duplicates;
    }

    /** A re-delivery of {@code change}, first delivered at {@code firstNanos}. */
    record Duplicate(Change change, long firstNanos, long againNanos) {}

    /** True when every sequence list of {@link #firstDeliveryOrderByKey()} is strictly increasing. */
    static boolean increasing(List<Long> sequences) {
        for (int i = 1; i < sequences.size(); i++) {
            if (sequences.get(i) <= sequences.get(i - 1)) {
                return false;
            }
        }
        return true;
    }
}
