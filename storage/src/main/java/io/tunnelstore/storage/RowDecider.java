package io.tunnelstore.storage;

import java.util.Optional;

/**
 * Decides, from the current state of a row, what to write. Called by {@link StorageEngine#mutateRow} while the row
 * is locked; must not block on other rows.
 *
 * <p>Every timestamp the server assigns in the decision (a put without a client timestamp, an increment, a marker, a
 * change-record time) is {@code versionMillis}, never a clock reading of the decider's own: the engine computes it
 * under the row lock by the {@link VersionClock} rule, so it is above every version the row holds.
 */
@FunctionalInterface
public interface RowDecider<T> {
    /**
     * @param current       the row with all versions of all columns, or empty when it does not exist
     * @param versionMillis the row version time of this write ({@link VersionClock#versionMillis})
     * @return the mutation to apply (may be empty), an optional change-log record, and a value for the caller
     */
    Decision<T> decide(Optional<StoredRow> current, long versionMillis);

    /**
     * What to write. {@code logRecord}, when not null, is appended to shard {@code shardId} of the table's change log
     * in the same atomic write as {@code mutation}.
     */
    record Decision<T>(RowMutation mutation, long shardId, byte[] logRecord, T result) {
        public static <T> Decision<T> of(RowMutation mutation, T result) {
            return new Decision<>(mutation, -1, null, result);
        }
    }
}
