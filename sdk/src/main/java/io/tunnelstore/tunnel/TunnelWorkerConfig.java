package io.tunnelstore.tunnel;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Immutable configuration of a {@link TunnelWorker}; build it with {@link #builder()}. Safe to share. It holds no
 * threads or other runtime state.
 *
 * <h3>Thread pools</h3>
 * To let several workers share threads, create a {@link TunnelWorkerPools}, pass it to {@link Builder#pools} and
 * close it after the workers (it is yours). Without it, each worker creates its own pools of
 * {@link #readThreads()} / {@link #processThreads()} threads when it starts and shuts them down when it stops.
 * Executors passed with {@link Builder#readExecutor} / {@link Builder#processExecutor} are used instead of those
 * per-worker pools and never shut down by the SDK.
 */
public final class TunnelWorkerConfig {
    /** Smallest heartbeat interval accepted (the service's documented minimum). */
    public static final Duration MIN_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);
    /** Default {@link #maxBufferedBytes()}: 32 MiB of undelivered records per worker. */
    public static final long DEFAULT_MAX_BUFFERED_BYTES = 32L << 20;
    /** Smallest {@link #maxBufferedBytes()} accepted. */
    public static final long MIN_MAX_BUFFERED_BYTES = 64L << 10;

    private final Duration heartbeatInterval;
    private final Duration heartbeatTimeout;
    private final Duration checkpointInterval;
    private final int maxChannelParallel;
    private final int readAheadBatches;
    private final long maxBufferedBytes;
    private final boolean traceReadStages;
    private final Duration maxIdleBackoff;
    private final int closingDetectRounds;
    private final String clientTag;
    private final ChannelProcessorFactory processorFactory;
    private final CallbackFailurePolicy callbackFailurePolicy;
    private final Executor readExecutor;
    private final Executor processExecutor;
    private final TunnelWorkerPools pools;
    private final int readThreads;
    private final int processThreads;
    private final WorkerListener listener;
    private final boolean closeOnJvmExit;

    private TunnelWorkerConfig(Builder b) {
        this.heartbeatInterval = b.heartbeatInterval;
        this.heartbeatTimeout = b.heartbeatTimeout;
        this.checkpointInterval = b.checkpointInterval;
        this.maxChannelParallel = b.maxChannelParallel;
        this.readAheadBatches = b.readAheadBatches;
        this.maxBufferedBytes = b.maxBufferedBytes;
        this.traceReadStages = b.traceReadStages;
        this.maxIdleBackoff = b.maxIdleBackoff;
        this.closingDetectRounds = b.closingDetectRounds;
        this.clientTag = b.clientTag != null ? b.clientTag : defaultClientTag();
        this.processorFactory = b.processorFactory;
        this.callbackFailurePolicy = b.callbackFailurePolicy;
        this.readExecutor = b.readExecutor;
        this.processExecutor = b.processExecutor;
        this.pools = b.pools;
        this.readThreads = b.readThreads;
        this.processThreads = b.processThreads;
        this.listener = b.listener;
        this.closeOnJvmExit = b.closeOnJvmExit;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with this config's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.heartbeatInterval = heartbeatInterval;
        b.heartbeatTimeout = heartbeatTimeout;
        b.checkpointInterval = checkpointInterval;
        b.maxChannelParallel = maxChannelParallel;
        b.readAheadBatches = readAheadBatches;
        b.maxBufferedBytes = maxBufferedBytes;
        b.traceReadStages = traceReadStages;
        b.maxIdleBackoff = maxIdleBackoff;
        b.closingDetectRounds = closingDetectRounds;
        b.clientTag = clientTag;
        b.processorFactory = processorFactory;
        b.callbackFailurePolicy = callbackFailurePolicy;
        b.readExecutor = readExecutor;
        b.processExecutor = processExecutor;
        b.pools = pools;
        b.readThreads = readThreads;
        b.processThreads = processThreads;
        b.listener = listener;
        b.closeOnJvmExit = closeOnJvmExit;
        return b;
    }

    /** Time between heartbeats; the first one is sent right after connecting. Default: 30 s; minimum 5 s. */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** Session timeout sent to the server and applied locally. Default: 300 s; must exceed the interval. */
    public Duration heartbeatTimeout() {
        return heartbeatTimeout;
    }

    /** How often processed positions are committed. Default: 5 s. */
    public Duration checkpointInterval() {
        return checkpointInterval;
    }

    /** Max batches (read or being processed) across all channels of one worker; 0 = unlimited. Default: 0. */
    public int maxChannelParallel() {
        return maxChannelParallel;
    }

    /** Batches per channel read ahead of the one being processed, plus that one. Default: 2; range 1..16. */
    public int readAheadBatches() {
        return readAheadBatches;
    }

    /**
     * The most bytes of undelivered records (read or being read, buffered, or in the callback) the worker holds
     * across all its channels, counted as the records' size on the wire. Default {@link #DEFAULT_MAX_BUFFERED_BYTES}.
     */
    public long maxBufferedBytes() {
        return maxBufferedBytes;
    }

    /** Whether reads ask the server for its stage times ({@link ChannelContext#readTiming()}). Default false. */
    public boolean traceReadStages() {
        return traceReadStages;
    }

    /** Cap of the idle stream channel poll back-off (starts at 10 ms, doubles). Default: 500 ms. */
    public Duration maxIdleBackoff() {
        return maxIdleBackoff;
    }

    /** Heartbeat rounds a channel may stay CLOSING before it is force-released; 0 disables. Default: 3. */
    public int closingDetectRounds() {
        return closingDetectRounds;
    }

    /** Tag sent with ConnectTunnel (the server appends a random suffix). Default: the host name. */
    public String clientTag() {
        return clientTag;
    }

    /** Creates channel processors. Required. */
    public ChannelProcessorFactory processorFactory() {
        return processorFactory;
    }

    /** What happens when {@code process} throws. Default: {@link CallbackFailurePolicy#releaseAndResume()}. */
    public CallbackFailurePolicy callbackFailurePolicy() {
        return callbackFailurePolicy;
    }

    /** User executor for read calls, if given (never shut down by the SDK). */
    public Optional<Executor> readExecutor() {
        return Optional.ofNullable(readExecutor);
    }

    /** User executor for callbacks, if given (never shut down by the SDK). */
    public Optional<Executor> processExecutor() {
        return Optional.ofNullable(processExecutor);
    }

    /**
     * The pools every worker of this config runs on, shared and owned by you; empty when each worker creates its
     * own. Default: empty.
     */
    public Optional<TunnelWorkerPools> pools() {
        return Optional.ofNullable(pools);
    }

    /** Threads of the read pool a worker creates for itself (no pools, no read executor given). Default: 4. */
    public int readThreads() {
        return readThreads;
    }

    /**
     * Threads of the process pool a worker creates for itself (no pools, no process executor given). Default:
     * number of CPUs (min 2).
     */
    public int processThreads() {
        return processThreads;
    }

    /** Event listener. Default: {@link WorkerListener#NONE}. */
    public WorkerListener listener() {
        return listener;
    }

    /** Close live workers (callbacks, final checkpoints, ShutdownTunnel) at JVM exit. Default: true. */
    public boolean closeOnJvmExit() {
        return closeOnJvmExit;
    }

    private static String defaultClientTag() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "tunnelstore-worker";
        }
    }

    @Override
    public String toString() {
        return "TunnelWorkerConfig[heartbeatInterval=" + heartbeatInterval + ", heartbeatTimeout=" + heartbeatTimeout
                + ", checkpointInterval=" + checkpointInterval + ", maxChannelParallel=" + maxChannelParallel
                + ", readAheadBatches=" + readAheadBatches + ", maxBufferedBytes=" + maxBufferedBytes
                + ", maxIdleBackoff=" + maxIdleBackoff
                + ", clientTag=" + clientTag + ", policy=" + callbackFailurePolicy + "]";
    }

    /** Builder; setters validate eagerly, {@link #build()} checks cross-field rules. Not thread-safe. */
    public static final class Builder {
        private Duration heartbeatInterval = Duration.ofSeconds(30);
        private Duration heartbeatTimeout = Duration.ofSeconds(300);
        private Duration checkpointInterval = Duration.ofSeconds(5);
        private int maxChannelParallel = 0;
        private int readAheadBatches = 2;
        private long maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES;
        private boolean traceReadStages;
        private Duration maxIdleBackoff = Duration.ofMillis(500);
        private int closingDetectRounds = 3;
        private String clientTag;
        private ChannelProcessorFactory processorFactory;
        private CallbackFailurePolicy callbackFailurePolicy = CallbackFailurePolicy.releaseAndResume();
        private Executor readExecutor;
        private Executor processExecutor;
        private TunnelWorkerPools pools;
        private int readThreads = TunnelWorkerPools.DEFAULT_READ_THREADS;
        private int processThreads = TunnelWorkerPools.defaultProcessThreads();
        private WorkerListener listener = WorkerListener.NONE;
        private boolean closeOnJvmExit = true;

        private Builder() {
        }

        public Builder heartbeatInterval(Duration value) {
            Objects.requireNonNull(value, "heartbeatInterval");
            if (value.compareTo(MIN_HEARTBEAT_INTERVAL) < 0) {
                throw new IllegalArgumentException("heartbeatInterval must be >= 5s: " + value);
            }
            this.heartbeatInterval = value;
            return this;
        }

        public Builder heartbeatTimeout(Duration value) {
            Objects.requireNonNull(value, "heartbeatTimeout");
            if (value.toSeconds() < 1) {
                throw new IllegalArgumentException("heartbeatTimeout must be >= 1s (sent in seconds): " + value);
            }
            this.heartbeatTimeout = value;
            return this;
        }

        public Builder checkpointInterval(Duration value) {
            Objects.requireNonNull(value, "checkpointInterval");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("checkpointInterval must be > 0: " + value);
            }
            this.checkpointInterval = value;
            return this;
        }

        public Builder maxChannelParallel(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("maxChannelParallel must be >= 0 (0 = unlimited): " + value);
            }
            this.maxChannelParallel = value;
            return this;
        }

        public Builder readAheadBatches(int value) {
            if (value < 1 || value > 16) {
                throw new IllegalArgumentException("readAheadBatches must be in 1..16: " + value);
            }
            this.readAheadBatches = value;
            return this;
        }

        /**
         * Bounds the undelivered records the worker holds, in bytes on the wire (docs/sdk-worker.md "Memory"); at
         * least {@link #MIN_MAX_BUFFERED_BYTES}.
         */
        public Builder maxBufferedBytes(long value) {
            if (value < MIN_MAX_BUFFERED_BYTES) {
                throw new IllegalArgumentException("maxBufferedBytes must be >= " + MIN_MAX_BUFFERED_BYTES + ": "
                        + value);
            }
            this.maxBufferedBytes = value;
            return this;
        }

        /**
         * Diagnostics: ask the server for the stage times of every read (a Tunnelstore extension field that other
         * servers ignore) and hand them to the processor as {@link ChannelContext#readTiming()}.
         */
        public Builder traceReadStages(boolean value) {
            this.traceReadStages = value;
            return this;
        }

        public Builder maxIdleBackoff(Duration value) {
            Objects.requireNonNull(value, "maxIdleBackoff");
            if (value.toMillis() < 10 || value.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("maxIdleBackoff must be in 10ms..1min: " + value);
            }
            this.maxIdleBackoff = value;
            return this;
        }

        public Builder closingDetectRounds(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("closingDetectRounds must be >= 0: " + value);
            }
            this.closingDetectRounds = value;
            return this;
        }

        public Builder clientTag(String value) {
            Objects.requireNonNull(value, "clientTag");
            if (value.isBlank()) {
                throw new IllegalArgumentException("clientTag must not be blank");
            }
            this.clientTag = value;
            return this;
        }

        public Builder processorFactory(ChannelProcessorFactory value) {
            this.processorFactory = Objects.requireNonNull(value, "processorFactory");
            return this;
        }

        public Builder callbackFailurePolicy(CallbackFailurePolicy value) {
            this.callbackFailurePolicy = Objects.requireNonNull(value, "callbackFailurePolicy");
            return this;
        }

        /**
         * Pools shared by every worker of this config (and any other config given the same object). You close them,
         * after the workers; the workers never do.
         */
        public Builder pools(TunnelWorkerPools value) {
            this.pools = Objects.requireNonNull(value, "pools");
            return this;
        }

        /** Your executor for read calls; never shut down by the SDK. */
        public Builder readExecutor(Executor value) {
            this.readExecutor = Objects.requireNonNull(value, "readExecutor");
            return this;
        }

        /** Your executor for processor callbacks; never shut down by the SDK. */
        public Builder processExecutor(Executor value) {
            this.processExecutor = Objects.requireNonNull(value, "processExecutor");
            return this;
        }

        public Builder readThreads(int value) {
            if (value < 1 || value > 256) {
                throw new IllegalArgumentException("readThreads must be in 1..256: " + value);
            }
            this.readThreads = value;
            return this;
        }

        public Builder processThreads(int value) {
            if (value < 1 || value > 1024) {
                throw new IllegalArgumentException("processThreads must be in 1..1024: " + value);
            }
            this.processThreads = value;
            return this;
        }

        public Builder listener(WorkerListener value) {
            this.listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        public Builder closeOnJvmExit(boolean value) {
            this.closeOnJvmExit = value;
            return this;
        }

        /**
         * @throws IllegalStateException if no processor factory is set, the heartbeat timeout does not exceed
         *                               the interval, or both pools and executors are given
         */
        public TunnelWorkerConfig build() {
            if (processorFactory == null) {
                throw new IllegalStateException("processorFactory is required");
            }
            if (pools != null && (readExecutor != null || processExecutor != null)) {
                throw new IllegalStateException("give either pools or readExecutor/processExecutor, not both");
            }
            if (heartbeatTimeout.compareTo(heartbeatInterval) <= 0) {
                throw new IllegalStateException("heartbeatTimeout (" + heartbeatTimeout
                        + ") must exceed heartbeatInterval (" + heartbeatInterval + ")");
            }
            return new TunnelWorkerConfig(this);
        }
    }
}
