package io.tunnelstore.tunnel;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Immutable configuration of a {@link TunnelWorker}; build it with {@link #builder()}. Safe to share.
 *
 * <h3>Shared thread pools</h3>
 * Workers built from the <em>same config instance</em> share one bounded set of read threads and one of process
 * threads (the seed's advice: one config per process, many workers). The pools are created lazily when the first
 * such worker starts and shut down when the last one closes (reference counted per config instance). If you pass
 * your own executors ({@link Builder#readExecutor}, {@link Builder#processExecutor}) they are used instead and are
 * never shut down by the SDK.
 */
public final class TunnelWorkerConfig {
    /** Smallest heartbeat interval accepted (the service's documented minimum). */
    public static final Duration MIN_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);

    private final Duration heartbeatInterval;
    private final Duration heartbeatTimeout;
    private final Duration checkpointInterval;
    private final int maxChannelParallel;
    private final int readAheadBatches;
    private final Duration maxIdleBackoff;
    private final int closingDetectRounds;
    private final String clientTag;
    private final ChannelProcessorFactory processorFactory;
    private final CallbackFailurePolicy callbackFailurePolicy;
    private final Executor readExecutor;
    private final Executor processExecutor;
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
        this.maxIdleBackoff = b.maxIdleBackoff;
        this.closingDetectRounds = b.closingDetectRounds;
        this.clientTag = b.clientTag != null ? b.clientTag : defaultClientTag();
        this.processorFactory = b.processorFactory;
        this.callbackFailurePolicy = b.callbackFailurePolicy;
        this.readExecutor = b.readExecutor;
        this.processExecutor = b.processExecutor;
        this.readThreads = b.readThreads;
        this.processThreads = b.processThreads;
        this.listener = b.listener;
        this.closeOnJvmExit = b.closeOnJvmExit;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with this config's values (the result is a new config with its own pools). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.heartbeatInterval = heartbeatInterval;
        b.heartbeatTimeout = heartbeatTimeout;
        b.checkpointInterval = checkpointInterval;
        b.maxChannelParallel = maxChannelParallel;
        b.readAheadBatches = readAheadBatches;
        b.maxIdleBackoff = maxIdleBackoff;
        b.closingDetectRounds = closingDetectRounds;
        b.clientTag = clientTag;
        b.processorFactory = processorFactory;
        b.callbackFailurePolicy = callbackFailurePolicy;
        b.readExecutor = readExecutor;
        b.processExecutor = processExecutor;
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

    /** Threads of the shared read pool when no read executor is given. Default: 4. */
    public int readThreads() {
        return readThreads;
    }

    /** Threads of the shared process pool when no process executor is given. Default: number of CPUs (min 2). */
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
                + ", readAheadBatches=" + readAheadBatches + ", maxIdleBackoff=" + maxIdleBackoff
                + ", clientTag=" + clientTag + ", policy=" + callbackFailurePolicy + "]";
    }

    /** Builder; setters validate eagerly, {@link #build()} checks cross-field rules. Not thread-safe. */
    public static final class Builder {
        private Duration heartbeatInterval = Duration.ofSeconds(30);
        private Duration heartbeatTimeout = Duration.ofSeconds(300);
        private Duration checkpointInterval = Duration.ofSeconds(5);
        private int maxChannelParallel = 0;
        private int readAheadBatches = 2;
        private Duration maxIdleBackoff = Duration.ofMillis(500);
        private int closingDetectRounds = 3;
        private String clientTag;
        private ChannelProcessorFactory processorFactory;
        private CallbackFailurePolicy callbackFailurePolicy = CallbackFailurePolicy.releaseAndResume();
        private Executor readExecutor;
        private Executor processExecutor;
        private int readThreads = 4;
        private int processThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
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
         * @throws IllegalStateException if no processor factory is set or the heartbeat timeout does not exceed
         *                               the interval
         */
        public TunnelWorkerConfig build() {
            if (processorFactory == null) {
                throw new IllegalStateException("processorFactory is required");
            }
            if (heartbeatTimeout.compareTo(heartbeatInterval) <= 0) {
                throw new IllegalStateException("heartbeatTimeout (" + heartbeatTimeout
                        + ") must exceed heartbeatInterval (" + heartbeatInterval + ")");
            }
            return new TunnelWorkerConfig(this);
        }
    }
}
