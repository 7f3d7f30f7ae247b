package io.tunnelstore.server.table;

import java.util.List;
import java.util.Objects;

/**
 * Stream (change log) settings of a table.
 *
 * @param enabled              whether committed row changes are appended to the change log
 * @param streamId             id of the current stream (a new one on every enable); null when never enabled
 * @param expirationHours      how long change-log records are kept (1–168)
 * @param lastEnableTimeMillis when the stream was last enabled (ms since the epoch); 0 when never enabled
 * @param originColumns        columns whose previous values are attached to each record (origin row); may be empty
 */
public record StreamSettings(
        boolean enabled, String streamId, int expirationHours, long lastEnableTimeMillis, List<String> originColumns) {

    /** Default retention of the public service (and the seed's "at most 7 days" upper bound). */
    public static final int DEFAULT_EXPIRATION_HOURS = 24;

    public static final int MAX_EXPIRATION_HOURS = 168;

    public static final StreamSettings DISABLED = new StreamSettings(false, null, DEFAULT_EXPIRATION_HOURS, 0, List.of());

    public StreamSettings {
        originColumns = List.copyOf(Objects.requireNonNull(originColumns, "originColumns"));
        if (enabled && streamId == null) {
            throw new IllegalArgumentException("an enabled stream needs a stream id");
        }
    }

    /** Retention in milliseconds. */
    public long expirationMillis() {
        return expirationHours * 3_600_000L;
    }
}
