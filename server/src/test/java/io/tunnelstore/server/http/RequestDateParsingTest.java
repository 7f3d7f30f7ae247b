package io.tunnelstore.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code x-ots-date} parsing: the plain ISO fast path gives what {@code LocalDateTime.parse} gave, errors included. */
class RequestDateParsingTest {

    /** The general path alone (the implementation before the fast path), as the oracle. */
    private static long oracle(String date) {
        if (date.length() >= 19 && date.charAt(10) == 'T') {
            return LocalDateTime.parse(date.substring(0, 19)).toInstant(ZoneOffset.UTC).toEpochMilli();
        }
        return Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(date)).toEpochMilli();
    }

    @Test
    void validDatesParseAsTheGeneralPathParsesThem() {
        List<String> dates = List.of("2024-01-01T08:00:00.123Z", "2024-01-01T08:00:00.123456789Z",
                "2024-01-01T08:00:00", "2024-02-29T23:59:59.999Z", "1999-12-31T00:00:00.5Z", "0000-01-01T00:00:00Z",
                "2026-12-07T03:04:05.000Z", "Mon, 07 Dec 2026 03:04:05 GMT");
        for (String date : dates) {
            assertThat(RequestAuthenticator.parseRequestDate(date)).as(date).isEqualTo(oracle(date));
        }
        assertThat(RequestAuthenticator.parseRequestDate("2024-01-01T08:00:00.123Z"))
                .isEqualTo(Instant.parse("2024-01-01T08:00:00Z").toEpochMilli());
    }

    @Test
    void invalidDatesGetThePublicError() {
        List<String> dates = List.of("2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2024-01-01T24:00:00Z",
                "2024-01-01T08:60:00Z", "2024-01-01T08:00:60Z", "2024-1-01T08:00:00Z", "2024-01-01T08:00:0xZ",
                "+2024-01-01T08:00:00Z", "2024/01/01T08:00:00Z", "yesterday", "");
        for (String date : dates) {
            assertThatThrownBy(() -> RequestAuthenticator.parseRequestDate(date)).as(date)
                    .isInstanceOfSatisfying(OtsException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.PARAMETER_INVALID);
                        assertThat(e.getMessage()).isEqualTo("Invalid date format: " + date + ".");
                    });
        }
    }
}
