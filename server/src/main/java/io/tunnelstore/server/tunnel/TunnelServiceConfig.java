package io.tunnelstore.server.tunnel;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the Tunnel Service. Immutable and thread-safe; build with {@link #builder()}.
 *
 * @param baseSplitTargetBytes    a partition bigger than this is cut into several base channels of about this many
 *                                bytes each (read in parallel). Default: 16 MiB, so a table of a million small rows
 *                                (~280 MB on disk) gets about 18 base channels for the workers to share.
 * @param maxRecordsPerRead       most records in one ReadRecords response. Default: 10,000 — high enough that for
 *                                rows of a few hundred bytes {@code maxBytesPerRead} is what ends a response (fewer,
 *                                fuller round trips).
 * @param maxBytesPerRead         approximate payload cap of one ReadRecords response (the official Java worker
 *                                reads 4 MiB per round). Default: 2 MiB.
 * @param longPollWait            how long a ReadRecords on a caught-up stream channel waits for new changes
 *                                before answering with no records; well below the SDKs' 30 s socket timeout.
 *                                Default: 1 s.
 * @param tickInterval            period of the task that expires dead clients and applies retention.
 *                                Default: 1 s.
 * @param disableAfterExpired     how long a tunnel stays expired before it is disabled. Default: 7 days.
 * @param handlerThreads          threads of the shared pool running the per-tunnel queues and reads. Default: 4.
 * @param rebaselineByDefault     whether a tunnel created without the {@code tunnelstore_rebaseline} extension
 *                                re-baselines a stream channel that fell behind retention (a fresh snapshot of its
 *                                key range, then the log) instead of skipping the lost records. Default: true.
 */
public record TunnelServiceConfig(
        long baseSplitTargetBytes,
        int maxRecordsPerRead,
        long maxBytesPerRead,
        Duration longPollWait,
        Duration tickInterval,
        Duration disableAfterExpired,
        int handlerThreads,
        boolean rebaselineByDefault) {

    public TunnelServiceConfig {
        if (baseSplitTargetBytes <= 0) {
            throw new IllegalArgumentException("baseSplitTargetBytes must be positive: " + baseSplitTargetBytes);
        }
        if (maxRecordsPerRead <= 0 || maxBytesPerRead <= 0) {
            throw new IllegalArgumentException("read limits must be positive");
        }
        Objects.requireNonNull(longPollWait, "longPollWait");
        Objects.requireNonNull(tickInterval, "tickInterval");
        Objects.requireNonNull(disableAfterExpired, "disableAfterExpired");
        if (longPollWait.isNegative() || tickInterval.isNegative() || tickInterval.isZero()) {
            throw new IllegalArgumentException("longPollWait must be >= 0 and tickInterval > 0");
        }
        if (handlerThreads <= 0) {
            throw new IllegalArgumentException("handlerThreads must be positive: " + handlerThreads);
        }
    }

    public static TunnelServiceConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link TunnelServiceConfig}; not thread-safe. */
    public static final class Builder {
        private long baseSplitTargetBytes = 16L << 20;
        private int maxRecordsPerRead = 10_000;
        private long maxBytesPerRead = 2L << 20;
        private Duration longPollWait = Duration.ofSeconds(1);
        private Duration tickInterval = Duration.ofSeconds(1);
        private Duration disableAfterExpired = Duration.ofDays(7);
        private int handlerThreads = 4;
        private boolean rebaselineByDefault = true;

        private Builder() {}

        public Builder baseSplitTargetBytes(long v) {
            this.baseSplitTargetBytes = v;
            return this;
        }

        public Builder maxRecordsPerRead(int v) {
            this.maxRecordsPerRead = v;
            return this;
        }

        public Builder maxBytesPerRead(long v) {
            this.maxBytesPerRead = v;
            return this;
        }

        public Builder longPollWait(Duration v) {
            this.longPollWait = v;
            return this;
        }

        public Builder tickInterval(Duration v) {
            this.tickInterval = v;
            return this;
        }

        public Builder disableAfterExpired(Duration v) {
            this.disableAfterExpired = v;
            return this;
        }

        public Builder handlerThreads(int v) {
            this.handlerThreads = v;
            return this;
        }

        public Builder rebaselineByDefault(boolean v) {
            this.rebaselineByDefault = v;
            return this;
        }

        public TunnelServiceConfig build() {
            return new TunnelServiceConfig(baseSplitTargetBytes, maxRecordsPerRead, maxBytesPerRead, longPollWait,
                    tickInterval, disableAfterExpired, handlerThreads, rebaselineByDefault);
        }
    }
}
