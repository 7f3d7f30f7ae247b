package io.tunnelstore.tunnel.micrometer;

import io.tunnelstore.tunnel.WorkerListener.CloseReason;
import java.util.Locale;

/** Names and tag keys of the meters a {@link MicrometerWorkerListener} registers (Micrometer dot notation). */
public final class MeterNames {
    /** Counter: records in successfully processed batches. */
    public static final String RECORDS = "tunnelstore.worker.records";
    /** Counter, tag {@code outcome=processed|failed}: batches handed to the process callback. */
    public static final String BATCHES = "tunnelstore.worker.batches";
    /** Timer: time in the process callback of successful batches (as measured by the worker). */
    public static final String BATCH_DURATION = "tunnelstore.worker.batch.duration";
    /** Counter, tag {@code outcome=committed|failed}: checkpoint attempts. */
    public static final String CHECKPOINTS = "tunnelstore.worker.checkpoints";
    /** Counter: failed (transient) heartbeats. */
    public static final String HEARTBEAT_FAILURES = "tunnelstore.worker.heartbeat.failures";
    /** Counter, tag {@code event=connected|expired}: session starts and heartbeat-timeout ends. */
    public static final String SESSIONS = "tunnelstore.worker.sessions";
    /** Counter: channels that started consuming on this worker. */
    public static final String CHANNELS_OPENED = "tunnelstore.worker.channels.opened";
    /** Counter, tag {@code reason=released|failed|lost|finished|shutdown}: channels that left this worker. */
    public static final String CHANNELS_CLOSED = "tunnelstore.worker.channels.closed";
    /** Gauge: channels currently consumed by this worker. */
    public static final String CHANNELS_OWNED = "tunnelstore.worker.channels.owned";
    /** Counter, tag {@code cause=requested|failed}: worker stops. */
    public static final String STOPS = "tunnelstore.worker.stops";

    public static final String TAG_TUNNEL_ID = "tunnel_id";
    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_EVENT = "event";
    public static final String TAG_REASON = "reason";
    public static final String TAG_CAUSE = "cause";

    private MeterNames() {
    }

    /** The {@code reason} tag value of a close reason: its name in lower case. */
    public static String reasonTag(CloseReason reason) {
        return reason.name().toLowerCase(Locale.ROOT);
    }
}
