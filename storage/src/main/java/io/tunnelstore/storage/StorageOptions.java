package io.tunnelstore.storage;

import java.time.Clock;
import java.util.Objects;

/**
 * Settings of a storage engine. Immutable and thread-safe; build with {@link #builder()}.
 *
 * @param clock      source of commit times (microseconds since the epoch are derived from its instants). Tests
 *                   inject a fixed or manually advanced clock. Default: {@link Clock#systemUTC()}.
 * @param syncWrites whether every commit is fsynced before it is acknowledged. {@code true} gives the durability
 *                   contract of {@link StorageEngine} (survives {@code kill -9} and power loss); {@code false} is for
 *                   tests and benchmarks only (a process crash keeps acknowledged writes, a machine crash may lose
 *                   the last ones). Default: {@code true}.
 */
public record StorageOptions(Clock clock, boolean syncWrites) {

    public StorageOptions {
        Objects.requireNonNull(clock, "clock");
    }

    /** The defaults: system UTC clock, synchronous writes. */
    public static StorageOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().clock(clock).syncWrites(syncWrites);
    }

    /** Builder of {@link StorageOptions}; not thread-safe. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private boolean syncWrites = true;

        private Builder() {}

        /** Source of commit times. Default: {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Whether commits are fsynced before they are acknowledged. Default: {@code true}. */
        public Builder syncWrites(boolean syncWrites) {
            this.syncWrites = syncWrites;
            return this;
        }

        public StorageOptions build() {
            return new StorageOptions(clock, syncWrites);
        }
    }
}
