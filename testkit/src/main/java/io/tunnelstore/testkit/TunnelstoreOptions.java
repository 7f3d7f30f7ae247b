package io.tunnelstore.testkit;

import io.tunnelstore.server.tunnel.TunnelServiceConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How the test kit starts its in-process service. Immutable; build with {@link #builder()}.
 *
 * @param lifecycle        one service per test class or per test method. Default: {@link Lifecycle#PER_CLASS}
 * @param instanceName     the instance served and used by the clients. Default: {@code tunnelstore}
 * @param accessKeyId      the admin access key id installed in the instance. Default: {@code testkitAdmin}
 * @param accessKeySecret  its secret. Default: {@code testkit-secret-0123456789}
 * @param tunnelService    settings of the tunnel service. Default: {@link #defaultTunnelService()} (short long
 *                         polls, so workers notice faults quickly)
 * @param callTimeout      call time-out of the clients the kit hands out. Default: 10 s
 * @param clockStart       where the {@link ManualClock} starts; empty means the wall-clock time at start.
 *                         Default: empty
 */
public record TunnelstoreOptions(Lifecycle lifecycle, String instanceName, String accessKeyId,
                                 String accessKeySecret, TunnelServiceConfig tunnelService, Duration callTimeout,
                                 Optional<Instant> clockStart) {

    /** How long a service lives. */
    public enum Lifecycle {
        /** One service for all tests of a class (started before the first, closed after the last). */
        PER_CLASS,
        /** A fresh service (new data directory, new port) for every test method. */
        PER_METHOD
    }

    public TunnelstoreOptions {
        Objects.requireNonNull(lifecycle, "lifecycle");
        Objects.requireNonNull(instanceName, "instanceName");
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(accessKeySecret, "accessKeySecret");
        Objects.requireNonNull(tunnelService, "tunnelService");
        Objects.requireNonNull(callTimeout, "callTimeout");
        Objects.requireNonNull(clockStart, "clockStart");
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("callTimeout must be positive: " + callTimeout);
        }
        if (accessKeyId.isBlank() || accessKeySecret.isBlank()) {
            throw new IllegalArgumentException("access key id and secret must not be blank");
        }
    }

    /** The defaults listed on the record components. */
    public static TunnelstoreOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.lifecycle = lifecycle;
        b.instanceName = instanceName;
        b.accessKeyId = accessKeyId;
        b.accessKeySecret = accessKeySecret;
        b.tunnelService = tunnelService;
        b.callTimeout = callTimeout;
        b.clockStart = clockStart.orElse(null);
        return b;
    }

    /** Tunnel service settings tuned for tests: 200 ms long polls, 4 handler threads, everything else default. */
    public static TunnelServiceConfig defaultTunnelService() {
        return TunnelServiceConfig.builder().longPollWait(Duration.ofMillis(200)).build();
    }

    /** Builder of {@link TunnelstoreOptions}; see the record components for defaults. Not thread-safe. */
    public static final class Builder {
        private Lifecycle lifecycle = Lifecycle.PER_CLASS;
        private String instanceName = "tunnelstore";
        private String accessKeyId = "testkitAdmin";
        private String accessKeySecret = "testkit-secret-0123456789";
        private TunnelServiceConfig tunnelService = defaultTunnelService();
        private Duration callTimeout = Duration.ofSeconds(10);
        private Instant clockStart;

        private Builder() {
        }

        public Builder lifecycle(Lifecycle lifecycle) {
            this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
            return this;
        }

        /** Shortcut for {@code lifecycle(PER_METHOD)}. */
        public Builder perMethod() {
            return lifecycle(Lifecycle.PER_METHOD);
        }

        public Builder instanceName(String instanceName) {
            this.instanceName = Objects.requireNonNull(instanceName, "instanceName");
            return this;
        }

        public Builder accessKey(String accessKeyId, String accessKeySecret) {
            this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
            this.accessKeySecret = Objects.requireNonNull(accessKeySecret, "accessKeySecret");
            return this;
        }

        public Builder tunnelService(TunnelServiceConfig tunnelService) {
            this.tunnelService = Objects.requireNonNull(tunnelService, "tunnelService");
            return this;
        }

        public Builder callTimeout(Duration callTimeout) {
            this.callTimeout = Objects.requireNonNull(callTimeout, "callTimeout");
            return this;
        }

        public Builder clockStart(Instant clockStart) {
            this.clockStart = Objects.requireNonNull(clockStart, "clockStart");
            return this;
        }

        /** @throws IllegalArgumentException when a value is out of range (the message names it) */
        public TunnelstoreOptions build() {
            return new TunnelstoreOptions(lifecycle, instanceName, accessKeyId, accessKeySecret, tunnelService,
                    callTimeout, Optional.ofNullable(clockStart));
        }
    }
}
