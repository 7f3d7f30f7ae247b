package io.tunnelstore.client;

/**
 * Data retention options of a table.
 *
 * @param timeToLiveSeconds how long cells live, in seconds, or {@link #TTL_FOREVER}
 * @param maxVersions       how many versions of each cell are kept (at least 1)
 */
public record TableOptions(int timeToLiveSeconds, int maxVersions) {

    /** Time to live meaning "keep forever". */
    public static final int TTL_FOREVER = -1;

    public TableOptions {
        if (timeToLiveSeconds != TTL_FOREVER && timeToLiveSeconds <= 0) {
            throw new IllegalArgumentException(
                    "timeToLiveSeconds must be positive or TTL_FOREVER (-1), got " + timeToLiveSeconds);
        }
        if (maxVersions < 1) {
            throw new IllegalArgumentException("maxVersions must be at least 1, got " + maxVersions);
        }
    }

    /** Keep forever, one version. */
    public static TableOptions defaults() {
        return new TableOptions(TTL_FOREVER, 1);
    }
}
