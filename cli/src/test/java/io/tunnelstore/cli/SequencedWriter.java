package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One writer thread for the kill tests: rounds over keys 0..keys-1, each round setting the row's value to the next
 * sequence (from 1) through {@code write} (whichever client the test uses); notes each acknowledged change and when
 * its write was sent, so a test can tell the changes written after a kill (see {@link KeyedChanges}). A write that
 * failed is not retried: it may or may not have been applied, and its key's next write has the next sequence.
 */
final class SequencedWriter implements AutoCloseable {
    /** Writes value {@code seq} to row {@code key}; throws when the write was not acknowledged. */
    interface KeyedWrite {
        void write(long key, long seq);
    }

    private final Map<KeyedChanges.Change, Long> acknowledged = new ConcurrentHashMap<>();
    private final Map<KeyedChanges.Change, Long> sent = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    SequencedWriter(String name, int keys, KeyedWrite write) {
        thread = new Thread(() -> {
            for (long seq = 1; !stop.get(); seq++) {
                for (long key = 0; key < keys && !stop.get(); key++) {
                    KeyedChanges.Change change = new KeyedChanges.Change(key, seq);
                    long at = System.nanoTime();
                    sent.put(change, at);
                    try {
                        write.write(key, seq);
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                        continue;
                    }
                    acknowledged.put(change, at);
                }
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** When the write of {@code change} was sent; {@link Long#MIN_VALUE} for a base row or one never sent. */
    long sentAt(KeyedChanges.Change change) {
        return sent.getOrDefault(change, Long.MIN_VALUE);
    }

    long acknowledgedSentAfter(long nanos) {
        return acknowledged.values().stream().filter(at -> at > nanos).count();
    }

    Set<KeyedChanges.Change> acknowledged() {
        return Set.copyOf(acknowledged.keySet());
    }

    long failures() {
        return failures.get();
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(TimeUnit.MINUTES.toMillis(2));
        assertThat(thread.isAlive()).as("the writer stopped").isFalse();
    }
}
