package io.tunnelstore.server;

import io.tunnelstore.server.http.ConnectionLimits;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Settings of a {@link TunnelstoreServer}. Immutable; build with {@link #builder()}.
 *
 * @param host                 address to listen on. Default: {@code 127.0.0.1} (loopback only; use {@code 0.0.0.0}
 *                             to accept remote clients)
 * @param port                 TCP port; 0 picks a free one ({@link TunnelstoreServer#port()} tells which).
 *                             Default: {@value #DEFAULT_PORT}
 * @param dataDir              directory of the storage engine (created if missing; one server per directory).
 *                             Default: {@code ./data}
 * @param instanceNames        the instances served (clients name one in {@code x-ots-instancename}); each 3-16
 *                             characters, letters, digits and {@code -}, starting with a letter.
 *                             Default: {@code [tunnelstore]}
 * @param adminKey             the bootstrap admin key pair of every instance, typically from the environment
 *                             ({@link Builder#adminKeyFromEnvironment}); a previously configured one with another id
 *                             is removed at start (docs/keys.md). When absent, an instance left without an enabled
 *                             admin key gets a generated one (printed once). Default: absent
 * @param clock                time source of the server (request times, token expiry, storage commit times).
 *                             Default: {@link Clock#systemUTC()}
 * @param ioThreads            Netty event-loop threads. Default: 2
 * @param workerThreads        threads running request handlers (they may block on storage). Default: 32
 * @param workerQueueCapacity  requests waiting for a worker before new ones get {@code 503 OTSServerBusy}.
 *                             Default: 1024
 * @param maxRequestBodyBytes  largest request body; larger gets {@code 413 OTSRequestBodyTooLarge}. Default: 5 MiB
 * @param handlerTimeout       how long a handler may take before the client gets {@code 503 OTSTimeout} (keep
 *                             long polls below it and below the SDKs' 30 s socket time-out). Default: 25 s
 * @param syncWrites           whether the storage engine fsyncs every commit ({@code false} only for tests).
 *                             Default: {@code true}
 * @param connectionLimits     connection cap, buffered-body cap, header/body/idle timeouts.
 *                             Default: {@link ConnectionLimits#DEFAULTS}
 * @param tls                  serve https with these certificates; absent: plain http. Default: absent
 * @param maxClockSkew         how far {@code x-ots-date} (and the V4 sign date) may be from {@link #clock()} before
 *                             a request is refused with {@code 403 OTSAuthFailed}; absent: not checked (only for
 *                             servers whose clock is moved away from real time, e.g. tests).
 *                             Default: {@value #DEFAULT_MAX_CLOCK_SKEW_MINUTES} minutes
 * @param writeThreads         threads running row writes (PutRow, UpdateRow, DeleteRow, BatchWriteRow), which hold
 *                             their thread until the write is durable (WAL fsync); a lane of their own so that reads
 *                             and tunnel calls never queue behind them (docs/server-transport.md, "Request lanes").
 *                             Most of them wait, not run: the number bounds the writes sharing one group commit.
 *                             Default: 256
 * @param writeQueueCapacity   row writes waiting for a write thread before new ones get {@code 503 OTSServerBusy}.
 *                             Default: 1024
 */
public record ServerConfig(String host, int port, Path dataDir, List<String> instanceNames,
                           Optional<AdminKey> adminKey, Clock clock, int ioThreads, int workerThreads,
                           int workerQueueCapacity, int maxRequestBodyBytes, Duration handlerTimeout,
                           boolean syncWrites, ConnectionLimits connectionLimits, Optional<TlsSettings> tls,
                           Optional<Duration> maxClockSkew, int writeThreads, int writeQueueCapacity) {

    /** Default listening port. */
    public static final int DEFAULT_PORT = 8800;
    /** Environment variable holding the admin access key id (same name as in the official SDK samples). */
    public static final String ENV_ACCESS_KEY_ID = "OTS_AK_ENV";
    /** Environment variable holding the admin access key secret. */
    public static final String ENV_ACCESS_KEY_SECRET = "OTS_SK_ENV";
    /** Default of {@link #maxClockSkew()}, as the public service. */
    public static final int DEFAULT_MAX_CLOCK_SKEW_MINUTES = 15;

    private static final Pattern INSTANCE_NAME = Pattern.compile("^[A-Za-z][A-Za-z0-9-]{1,14}[A-Za-z0-9]$");

    /** A configured admin key pair; {@link #toString()} hides the secret. */
    public record AdminKey(String accessKeyId, String accessKeySecret) {
        public AdminKey {
            Objects.requireNonNull(accessKeyId, "accessKeyId");
            Objects.requireNonNull(accessKeySecret, "accessKeySecret");
        }

        @Override
        public String toString() {
            return "AdminKey[accessKeyId=" + accessKeyId + "]";
        }
    }

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(adminKey, "adminKey");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(handlerTimeout, "handlerTimeout");
        Objects.requireNonNull(connectionLimits, "connectionLimits");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(maxClockSkew, "maxClockSkew");
        instanceNames = List.copyOf(instanceNames);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535]: " + port);
        }
        if (instanceNames.isEmpty()) {
            throw new IllegalArgumentException("at least one instance name is required");
        }
        for (String name : instanceNames) {
            if (!INSTANCE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("invalid instance name '" + name
                        + "': 3-16 letters, digits or '-', starting with a letter, not ending with '-'");
            }
        }
        if (instanceNames.stream().distinct().count() != instanceNames.size()) {
            throw new IllegalArgumentException("duplicate instance names: " + instanceNames);
        }
        requirePositive("ioThreads", ioThreads);
        requirePositive("workerThreads", workerThreads);
        requirePositive("workerQueueCapacity", workerQueueCapacity);
        requirePositive("maxRequestBodyBytes", maxRequestBodyBytes);
        requirePositive("writeThreads", writeThreads);
        requirePositive("writeQueueCapacity", writeQueueCapacity);
        if (handlerTimeout.isNegative() || handlerTimeout.isZero()) {
            throw new IllegalArgumentException("handlerTimeout must be positive: " + handlerTimeout);
        }
        if (connectionLimits.maxBufferedBodyBytes() < maxRequestBodyBytes) {
            throw new IllegalArgumentException("maxBufferedBodyBytes (" + connectionLimits.maxBufferedBodyBytes()
                    + ") must be at least maxRequestBodyBytes (" + maxRequestBodyBytes + ")");
        }
        if (maxClockSkew.isPresent() && (maxClockSkew.get().isNegative() || maxClockSkew.get().isZero())) {
            throw new IllegalArgumentException("maxClockSkew must be positive: " + maxClockSkew.get());
        }
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder().host(host).port(port).dataDir(dataDir).instanceNames(instanceNames).clock(clock)
                .ioThreads(ioThreads).workerThreads(workerThreads).workerQueueCapacity(workerQueueCapacity)
                .maxRequestBodyBytes(maxRequestBodyBytes).handlerTimeout(handlerTimeout).syncWrites(syncWrites)
                .connectionLimits(connectionLimits).writeThreads(writeThreads).writeQueueCapacity(writeQueueCapacity);
        b.adminKey = adminKey.orElse(null);
        b.tls = tls.orElse(null);
        b.maxClockSkew = maxClockSkew.orElse(null);
        return b;
    }

    /** Builder of {@link ServerConfig}; see the record components for defaults. Not thread-safe. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = DEFAULT_PORT;
        private Path dataDir = Path.of("data");
        private List<String> instanceNames = List.of("tunnelstore");
        private AdminKey adminKey;
        private Clock clock = Clock.systemUTC();
        private int ioThreads = 2;
        private int workerThreads = 32;
        private int workerQueueCapacity = 1024;
        private int maxRequestBodyBytes = 5 * 1024 * 1024;
        private Duration handlerTimeout = Duration.ofSeconds(25);
        private boolean syncWrites = true;
        private ConnectionLimits connectionLimits = ConnectionLimits.DEFAULTS;
        private TlsSettings tls;
        private Duration maxClockSkew = Duration.ofMinutes(DEFAULT_MAX_CLOCK_SKEW_MINUTES);
        private int writeThreads = 256;
        private int writeQueueCapacity = 1024;

        private Builder() {}

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        public Builder instanceNames(List<String> instanceNames) {
            this.instanceNames = List.copyOf(instanceNames);
            return this;
        }

        /** Installs this admin key pair in every instance at start. */
        public Builder adminKey(String accessKeyId, String accessKeySecret) {
            this.adminKey = new AdminKey(accessKeyId, accessKeySecret);
            return this;
        }

        /**
         * Reads the admin key pair from {@value #ENV_ACCESS_KEY_ID} and {@value #ENV_ACCESS_KEY_SECRET} in
         * {@code environment} (pass {@code System.getenv()}); leaves the setting unchanged when neither is set.
         *
         * @throws IllegalArgumentException when only one of the two is set
         */
        public Builder adminKeyFromEnvironment(Map<String, String> environment) {
            String id = blankToNull(environment.get(ENV_ACCESS_KEY_ID));
            String secret = blankToNull(environment.get(ENV_ACCESS_KEY_SECRET));
            if ((id == null) != (secret == null)) {
                throw new IllegalArgumentException("set both " + ENV_ACCESS_KEY_ID + " and " + ENV_ACCESS_KEY_SECRET
                        + ", or neither");
            }
            if (id != null) {
                adminKey = new AdminKey(id, secret);
            }
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder ioThreads(int ioThreads) {
            this.ioThreads = ioThreads;
            return this;
        }

        public Builder workerThreads(int workerThreads) {
            this.workerThreads = workerThreads;
            return this;
        }

        public Builder workerQueueCapacity(int workerQueueCapacity) {
            this.workerQueueCapacity = workerQueueCapacity;
            return this;
        }

        public Builder writeThreads(int writeThreads) {
            this.writeThreads = writeThreads;
            return this;
        }

        public Builder writeQueueCapacity(int writeQueueCapacity) {
            this.writeQueueCapacity = writeQueueCapacity;
            return this;
        }

        public Builder maxRequestBodyBytes(int maxRequestBodyBytes) {
            this.maxRequestBodyBytes = maxRequestBodyBytes;
            return this;
        }

        public Builder handlerTimeout(Duration handlerTimeout) {
            this.handlerTimeout = Objects.requireNonNull(handlerTimeout, "handlerTimeout");
            return this;
        }

        public Builder syncWrites(boolean syncWrites) {
            this.syncWrites = syncWrites;
            return this;
        }

        public Builder connectionLimits(ConnectionLimits connectionLimits) {
            this.connectionLimits = Objects.requireNonNull(connectionLimits, "connectionLimits");
            return this;
        }

        /** Serves https with {@code tls}; {@code null} for plain http (the default). */
        public Builder tls(TlsSettings tls) {
            this.tls = tls;
            return this;
        }

        /** The allowed skew between {@code x-ots-date} and the server clock (default 15 minutes). */
        public Builder maxClockSkew(Duration maxClockSkew) {
            this.maxClockSkew = Objects.requireNonNull(maxClockSkew, "maxClockSkew");
            return this;
        }

        /**
         * Turns the {@code x-ots-date} skew check off: only for servers whose {@link #clock} is deliberately moved away
         * from real time (tests), since clients sign with their real time. Captured requests can then be replayed.
         */
        public Builder withoutClockSkewCheck() {
            this.maxClockSkew = null;
            return this;
        }

        /** @throws IllegalArgumentException when a value is out of range (the message names it) */
        public ServerConfig build() {
            return new ServerConfig(host, port, dataDir, instanceNames, Optional.ofNullable(adminKey), clock,
                    ioThreads, workerThreads, workerQueueCapacity, maxRequestBodyBytes, handlerTimeout, syncWrites,
                    connectionLimits, Optional.ofNullable(tls), Optional.ofNullable(maxClockSkew), writeThreads,
                    writeQueueCapacity);
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s.strip();
        }
    }
}
