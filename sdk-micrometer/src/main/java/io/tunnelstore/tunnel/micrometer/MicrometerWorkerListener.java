package io.tunnelstore.tunnel.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.tunnelstore.tunnel.WorkerListener;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link WorkerListener} that counts a {@link io.tunnelstore.tunnel.TunnelWorker}'s events into Micrometer meters
 * (names in {@link MeterNames}), optionally passing every event on to another listener.
 *
 * <p>Tags: the common tags given at construction, plus {@code tunnel_id} when set through
 * {@link Builder#tunnelId(String)} (a worker consumes exactly one tunnel, so one listener per worker carries one
 * fixed tunnel id). Channel ids are deliberately <em>not</em> tags: a stream tunnel gets a new channel id on every
 * partition split or merge, so over time they are unbounded and would leak meters.
 *
 * <p>All meters are registered in the constructor (counters start at 0, so dashboards see them before the first
 * event). Thread-safe: callbacks arrive on the worker loop thread and on process threads concurrently. Never throws:
 * a failure inside the registry or the delegate is logged and swallowed, so metrics cannot disturb consumption.
 * Use one instance per worker; several instances with the same tags on one registry share the counters (Micrometer
 * returns the existing meter) but the owned-channels gauge reports the first instance only.
 */
public final class MicrometerWorkerListener implements WorkerListener {
    private static final Logger LOG = LoggerFactory.getLogger(MicrometerWorkerListener.class);

    private final WorkerListener delegate;
    private final Counter records;
    private final Counter batchesProcessed;
    private final Counter batchesFailed;
    private final Timer batchDuration;
    private final Counter checkpointsCommitted;
    private final Counter checkpointsFailed;
    private final Counter heartbeatFailures;
    private final Counter sessionsConnected;
    private final Counter sessionsExpired;
    private final Counter channelsOpened;
    private final Map<CloseReason, Counter> channelsClosed = new EnumMap<>(CloseReason.class);
    private final Counter stopsRequested;
    private final Counter stopsFailed;
    /** Channels opened and not yet closed; a set (not a counter) so a stray close can never drive the gauge negative. */
    private final Set<String> ownedChannels = ConcurrentHashMap.newKeySet();

    /** Meters without extra tags, no delegate. */
    public MicrometerWorkerListener(MeterRegistry registry) {
        this(builder(registry));
    }

    /** Meters tagged with {@code commonTags} only, no delegate. */
    public MicrometerWorkerListener(MeterRegistry registry, Iterable<Tag> commonTags) {
        this(builder(registry).tags(commonTags));
    }

    private MicrometerWorkerListener(Builder b) {
        Tags tags = b.tags;
        if (b.tunnelId != null) {
            tags = tags.and(MeterNames.TAG_TUNNEL_ID, b.tunnelId);
        }
        MeterRegistry r = b.registry;
        this.delegate = b.delegate;
        records = counter(r, MeterNames.RECORDS, tags, "Records in successfully processed batches");
        batchesProcessed = counter(r, MeterNames.BATCHES, tags.and(MeterNames.TAG_OUTCOME, "processed"),
                "Batches whose process callback returned normally");
        batchesFailed = counter(r, MeterNames.BATCHES, tags.and(MeterNames.TAG_OUTCOME, "failed"),
                "Batches whose process callback threw");
        batchDuration = Timer.builder(MeterNames.BATCH_DURATION).tags(tags)
                .description("Time spent in the process callback of successful batches").register(r);
        checkpointsCommitted = counter(r, MeterNames.CHECKPOINTS, tags.and(MeterNames.TAG_OUTCOME, "committed"),
                "Checkpoints committed to the server");
        checkpointsFailed = counter(r, MeterNames.CHECKPOINTS, tags.and(MeterNames.TAG_OUTCOME, "failed"),
                "Checkpoints not committed (retried at the next interval unless the channel ended)");
        heartbeatFailures = counter(r, MeterNames.HEARTBEAT_FAILURES, tags, "Failed (transient) heartbeats");
        sessionsConnected = counter(r, MeterNames.SESSIONS, tags.and(MeterNames.TAG_EVENT, "connected"),
                "Sessions started");
        sessionsExpired = counter(r, MeterNames.SESSIONS, tags.and(MeterNames.TAG_EVENT, "expired"),
                "Sessions ended by heartbeat timeout");
        channelsOpened = counter(r, MeterNames.CHANNELS_OPENED, tags, "Channels that started consuming here");
        for (CloseReason reason : CloseReason.values()) {
            channelsClosed.put(reason, counter(r, MeterNames.CHANNELS_CLOSED,
                    tags.and(MeterNames.TAG_REASON, MeterNames.reasonTag(reason)), "Channels that left this worker"));
        }
        stopsRequested = counter(r, MeterNames.STOPS, tags.and(MeterNames.TAG_CAUSE, "requested"),
                "Worker stops that were asked for");
        stopsFailed = counter(r, MeterNames.STOPS, tags.and(MeterNames.TAG_CAUSE, "failed"),
                "Worker stops caused by a fatal error");
        Gauge.builder(MeterNames.CHANNELS_OWNED, ownedChannels, Set::size).tags(tags).strongReference(true)
                .description("Channels currently consumed by this worker").register(r);
    }

    private static Counter counter(MeterRegistry r, String name, Tags tags, String description) {
        return Counter.builder(name).tags(tags).description(description).register(r);
    }

    /** Starts a listener on {@code registry}; nothing else is required. */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    @Override
    public void connected(String tunnelId, String clientId) {
        record("connected", () -> sessionsConnected.increment(), () -> delegate.connected(tunnelId, clientId));
    }

    @Override
    public void sessionExpired(String tunnelId, String clientId, String reason) {
        record("sessionExpired", () -> sessionsExpired.increment(),
                () -> delegate.sessionExpired(tunnelId, clientId, reason));
    }

    @Override
    public void heartbeatFailed(String tunnelId, Throwable error) {
        record("heartbeatFailed", () -> heartbeatFailures.increment(),
                () -> delegate.heartbeatFailed(tunnelId, error));
    }

    @Override
    public void channelOpened(String channelId) {
        record("channelOpened", () -> {
            channelsOpened.increment();
            ownedChannels.add(channelId);
        }, () -> delegate.channelOpened(channelId));
    }

    @Override
    public void channelClosed(String channelId, CloseReason reason) {
        record("channelClosed", () -> {
            channelsClosed.get(reason).increment();
            ownedChannels.remove(channelId);
        }, () -> delegate.channelClosed(channelId, reason));
    }

    @Override
    public void batchProcessed(String channelId, int records, Duration elapsed) {
        record("batchProcessed", () -> {
            batchesProcessed.increment();
            this.records.increment(records);
            batchDuration.record(elapsed);
        }, () -> delegate.batchProcessed(channelId, records, elapsed));
    }

    @Override
    public void batchFailed(String channelId, Throwable error) {
        record("batchFailed", () -> batchesFailed.increment(), () -> delegate.batchFailed(channelId, error));
    }

    @Override
    public void checkpointCommitted(String channelId, String token, long sequence) {
        record("checkpointCommitted", () -> checkpointsCommitted.increment(),
                () -> delegate.checkpointCommitted(channelId, token, sequence));
    }

    @Override
    public void checkpointFailed(String channelId, Throwable error) {
        record("checkpointFailed", () -> checkpointsFailed.increment(),
                () -> delegate.checkpointFailed(channelId, error));
    }

    @Override
    public void workerStopped(String tunnelId, Throwable cause) {
        record("workerStopped", () -> (cause == null ? stopsRequested : stopsFailed).increment(),
                () -> delegate.workerStopped(tunnelId, cause));
    }

    /** Updates the meters, then the delegate; each step is isolated so one failing never skips the other. */
    private void record(String event, Runnable meters, Runnable forward) {
        try {
            meters.run();
        } catch (RuntimeException e) {
            LOG.warn("updating worker metrics for {} failed", event, e);
        }
        try {
            forward.run();
        } catch (RuntimeException e) {
            LOG.warn("delegate listener failed in {}", event, e);
        }
    }

    /** Optional settings of a {@link MicrometerWorkerListener}. Not thread-safe; build once. */
    public static final class Builder {
        private final MeterRegistry registry;
        private Tags tags = Tags.empty();
        private String tunnelId;
        private WorkerListener delegate = WorkerListener.NONE;

        private Builder(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /** Adds tags to every meter (e.g. {@code application}); default none. */
        public Builder tags(Iterable<Tag> value) {
            tags = tags.and(Objects.requireNonNull(value, "tags"));
            return this;
        }

        /** Adds tag {@code tunnel_id=value} to every meter: the id of the tunnel the worker consumes. */
        public Builder tunnelId(String value) {
            Objects.requireNonNull(value, "tunnelId");
            if (value.isEmpty()) {
                throw new IllegalArgumentException("tunnelId must not be empty");
            }
            tunnelId = value;
            return this;
        }

        /** Another listener that receives every event after the meters are updated; default {@link WorkerListener#NONE}. */
        public Builder delegate(WorkerListener value) {
            delegate = Objects.requireNonNull(value, "delegate");
            return this;
        }

        /** Registers all meters and returns the listener. */
        public MicrometerWorkerListener build() {
            return new MicrometerWorkerListener(this);
        }
    }
}
