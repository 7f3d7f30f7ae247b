package io.tunnelstore.protocol.auth;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Date formats of {@code x-ots-date} and {@code x-ots-signdate} (PROTOCOL.md §2.1, §2.5). Thread-safe. */
public final class OtsDates {

    private static final DateTimeFormatter OTS_DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter LENIENT_PREFIX = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final DateTimeFormatter SIGN_DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    private OtsDates() {
    }

    /** {@code yyyy-MM-dd'T'HH:mm:ss.SSS'Z'} in UTC, e.g. {@code 2024-01-01T08:00:00.123Z}. */
    public static String format(Instant instant) {
        return OTS_DATE.format(instant);
    }

    /**
     * Parses the first 19 characters ({@code yyyy-MM-ddTHH:mm:ss}) as UTC and ignores the rest, which accepts
     * Java's milliseconds, the public service's microseconds and the Go SDK's odd {@code .91310Z} suffix.
     *
     * @throws IllegalArgumentException if the value is null, shorter than 19 characters or not a date
     */
    public static Instant parseLenient(String value) {
        if (value == null || value.length() < 19) {
            throw new IllegalArgumentException("invalid x-ots-date '" + value + "': expected yyyy-MM-ddTHH:mm:ss...");
        }
        try {
            return LocalDateTime.parse(value.substring(0, 19), LENIENT_PREFIX).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("invalid x-ots-date '" + value + "': " + e.getMessage(), e);
        }
    }

    /** {@code yyyyMMdd} in UTC, the V4 {@code x-ots-signdate}. */
    public static String signDate(Instant instant) {
        return SIGN_DATE.format(instant);
    }
}
