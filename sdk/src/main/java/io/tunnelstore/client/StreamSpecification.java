package io.tunnelstore.client;

/**
 * Whether a table keeps a change stream (required by stream and base-and-stream tunnels), and how long.
 *
 * @param enabled         stream on or off
 * @param expirationHours retention of stream records in hours (1-168) when enabled; ignored when disabled
 */
public record StreamSpecification(boolean enabled, int expirationHours) {

    /** The longest retention a stream may have: 7 days. */
    public static final int MAX_EXPIRATION_HOURS = 168;

    public StreamSpecification {
        if (enabled && (expirationHours < 1 || expirationHours > MAX_EXPIRATION_HOURS)) {
            throw new IllegalArgumentException(
                    "stream expirationHours must be in 1..168, got " + expirationHours);
        }
        if (!enabled) {
            expirationHours = 0;
        }
    }

    /** Stream on, records kept for {@code expirationHours}. */
    public static StreamSpecification enabled(int expirationHours) {
        return new StreamSpecification(true, expirationHours);
    }

    /** Stream off. */
    public static StreamSpecification disabled() {
        return new StreamSpecification(false, 0);
    }
}
