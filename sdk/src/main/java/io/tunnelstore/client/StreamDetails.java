package io.tunnelstore.client;

/**
 * A table's stream as the server reports it.
 *
 * @param enabled         whether the stream is on
 * @param streamId        the stream id, or {@code null} when disabled
 * @param expirationHours retention in hours (0 when disabled)
 * @param lastEnableTime  when the stream was last enabled, as the server reports it (its own time unit;
 *                        0 when unknown)
 */
public record StreamDetails(boolean enabled, String streamId, int expirationHours, long lastEnableTime) {

    /** A disabled stream. */
    public static StreamDetails disabled() {
        return new StreamDetails(false, null, 0, 0L);
    }
}
