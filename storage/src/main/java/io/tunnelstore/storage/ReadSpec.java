package io.tunnelstore.storage;

import java.util.Set;

/**
 * What to return of a row: the columns (empty set = all), at most {@code maxVersions} versions per column, only
 * versions with {@code minTimestamp <= ts < maxTimestampExclusive}.
 */
public record ReadSpec(Set<String> columns, int maxVersions, long minTimestamp, long maxTimestampExclusive) {
    public static ReadSpec allVersions() {
        return new ReadSpec(Set.of(), Integer.MAX_VALUE, 0, Long.MAX_VALUE);
    }

    public static ReadSpec latest() {
        return new ReadSpec(Set.of(), 1, 0, Long.MAX_VALUE);
    }
}
