package io.tunnelstore.testkit;

import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.tunnel.ChannelContext;
import io.tunnelstore.tunnel.ChannelProcessor;
import io.tunnelstore.tunnel.ChannelProcessorFactory;
import io.tunnelstore.tunnel.StreamRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A {@link ChannelProcessorFactory} that records everything its processors receive, across channels and
 * workers, for assertions: give the same factory to several workers and compare what each session saw.
 *
 * <pre>{@code
 * RecordingProcessorFactory recorder = RecordingProcessorFactory.create();
 * TunnelWorker worker = ts.startWorker(tunnelId, ts.workerConfig(recorder).build());
 * tables.putRow(...);
 * recorder.awaitRecords(1, Duration.ofSeconds(10));
 * assertThat(recorder.duplicates()).isEmpty();
 * }</pre>
 *
 * <p>By default processors do not checkpoint themselves (the worker commits every checkpoint interval, on release
 * and on shutdown); {@link #checkpointingEveryBatch()} makes each processor commit after every batch, which
 * narrows what a fault can make the worker deliver twice.
 *
 * <p>Thread-safe: processors of different channels record concurrently; queries return snapshots.
 */
public final class RecordingProcessorFactory implements ChannelProcessorFactory {

    /** A channel lifecycle event seen by a processor. */
    public enum EventType { STARTED, LOST, ENDED, SHUTDOWN }

    /**
     * A lifecycle callback received by a processor.
     *
     * @param type      which callback
     * @param channelId the channel
     * @param clientId  the worker session
     */
    public record ChannelEvent(EventType type, String channelId, String clientId) {
    }

    private final boolean checkpointEveryBatch;
    private final Object lock = new Object();
    private final List<Delivery> deliveries = new ArrayList<>();
    private final List<ChannelEvent> events = new ArrayList<>();

    private RecordingProcessorFactory(boolean checkpointEveryBatch) {
        this.checkpointEveryBatch = checkpointEveryBatch;
    }

    /** A recorder whose processors leave checkpointing to the worker. */
    public static RecordingProcessorFactory create() {
        return new RecordingProcessorFactory(false);
    }

    /** A recorder whose processors commit a checkpoint after every batch (without waiting for it). */
    public static RecordingProcessorFactory checkpointingEveryBatch() {
        return new RecordingProcessorFactory(true);
    }

    @Override
    public ChannelProcessor create(ChannelContext context) {
        return new RecordingProcessor(this, checkpointEveryBatch);
    }

    void record(ChannelContext context, List<StreamRecord> records) {
        synchronized (lock) {
            for (StreamRecord r : records) {
                deliveries.add(new Delivery(context.channelId(), context.clientId(), r));
            }
            lock.notifyAll();
        }
    }

    void event(EventType type, ChannelContext context) {
        synchronized (lock) {
            events.add(new ChannelEvent(type, context.channelId(), context.clientId()));
            lock.notifyAll();
        }
    }

    /** Every delivery so far, in the order processors received them. */
    public List<Delivery> deliveries() {
        synchronized (lock) {
            return List.copyOf(deliveries);
        }
    }

    /** Every record so far, in the order received (duplicates included). */
    public List<StreamRecord> records() {
        return deliveries().stream().map(Delivery::record).toList();
    }

    /** Records received from {@code channelId}, in channel order. */
    public List<StreamRecord> records(String channelId) {
        return deliveries().stream().filter(d -> d.channelId().equals(channelId)).map(Delivery::record).toList();
    }

    /** Deliveries grouped by channel, channels in order of their first delivery. */
    public Map<String, List<Delivery>> deliveriesByChannel() {
        return deliveries().stream().collect(Collectors.groupingBy(Delivery::channelId, LinkedHashMap::new,
                Collectors.toList()));
    }

    /** Records grouped by primary key (all changes of a row, duplicates included), keys in order of first sight. */
    public Map<PrimaryKey, List<StreamRecord>> recordsByKey() {
        return records().stream().collect(Collectors.groupingBy(StreamRecord::primaryKey, LinkedHashMap::new,
                Collectors.toList()));
    }

    /**
     * Deliveries of a change that had already been delivered before (see {@link Delivery#identity()}): the
     * second and later copies, in order. Empty when everything arrived exactly once.
     */
    public List<Delivery> duplicates() {
        Set<Object> seen = new HashSet<>();
        List<Delivery> dups = new ArrayList<>();
        for (Delivery d : deliveries()) {
            if (!seen.add(d.identity())) {
                dups.add(d);
            }
        }
        return List.copyOf(dups);
    }

    /** Lifecycle callbacks received so far, in order. */
    public List<ChannelEvent> events() {
        synchronized (lock) {
            return List.copyOf(events);
        }
    }

    /**
     * Waits until at least {@code count} records (duplicates included) have been received.
     *
     * @return a snapshot of all records received at that moment
     * @throws AssertionError if fewer arrived within {@code timeout}, naming how many did
     */
    public List<StreamRecord> awaitRecords(int count, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (deliveries.size() < count) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new AssertionError("Timed out after " + timeout + " waiting for " + count
                            + " records; received " + deliveries.size() + ": " + deliveries);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("Interrupted while waiting for " + count + " records", e);
                }
            }
            return deliveries.stream().map(Delivery::record).toList();
        }
    }

    /** Forgets everything recorded so far (processors keep recording). */
    public void clear() {
        synchronized (lock) {
            deliveries.clear();
            events.clear();
        }
    }
}
