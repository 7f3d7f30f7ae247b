package io.tunnelstore.server.http;

import io.tunnelstore.protocol.auth.ContentMd5;
import io.tunnelstore.protocol.auth.OtsHeaders;
import io.tunnelstore.protocol.auth.Signatures;
import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.server.auth.CredentialStore;
import io.tunnelstore.server.auth.VerifiedCredential;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Checks one API request in two steps, so that nothing of a body is kept before its sender is known.
 *
 * <ol>
 *   <li>{@link #authenticateHeaders} — from the headers alone, in this order: the instance exists
 *       ({@code x-ots-instancename}); {@code x-ots-date} (and the V4 {@code x-ots-signdate}) is within the allowed
 *       clock skew; the access key (and STS token, {@code x-ots-ststoken}) is valid; the V2 ({@code x-ots-signature})
 *       or V4 ({@code x-ots-signaturev4}) signature matches. The signature covers every {@code x-ots-*} header,
 *       {@code x-ots-contentmd5} included (PROTOCOL.md §2.3), so a request that passes has a body digest vouched for
 *       by the key holder.</li>
 *   <li>{@link #verifyBody} — once the body has arrived: it matches {@code x-ots-contentmd5}.</li>
 * </ol>
 *
 * First of all, every required header must be present: else {@code 400 OTSParameterInvalid "Missing header: NAME."}
 * (the public service's answer). Every other authentication failure is {@code 403 OTSAuthFailed} with a message
 * naming the problem (an unknown instance too: the request cannot be authenticated against an instance that does not
 * exist, and the code is never retried); an unparseable {@code x-ots-date} is {@code 400 OTSParameterInvalid
 * "Invalid date format: X."}, as the public service answers.
 *
 * <p>Thread-safety: stateless apart from the thread-safe {@link CredentialStore}; safe for concurrent use. Cheap
 * enough (HMACs and in-memory look-ups) to run on the network event loop.
 */
final class RequestAuthenticator {

    private static final DateTimeFormatter SIGN_DATE = DateTimeFormatter.BASIC_ISO_DATE; // yyyyMMdd
    /** Required in every API request, in the order the public documentation lists them. */
    private static final List<String> REQUIRED_HEADERS = List.of(OtsHeaders.DATE, OtsHeaders.API_VERSION,
            OtsHeaders.ACCESS_KEY_ID, OtsHeaders.INSTANCE_NAME, OtsHeaders.CONTENT_MD5);

    private final Set<String> instances;
    private final CredentialStore credentials;
    private final Optional<Duration> maxClockSkew;

    /**
     * @param maxClockSkew the largest allowed difference between a request's {@code x-ots-date} and the server's
     *                     time; empty: dates are not checked
     */
    RequestAuthenticator(Set<String> instances, CredentialStore credentials, Optional<Duration> maxClockSkew) {
        this.instances = Set.copyOf(instances);
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.maxClockSkew = Objects.requireNonNull(maxClockSkew, "maxClockSkew");
    }

    /** Whether {@code instance} is served here. */
    boolean hasInstance(String instance) {
        return instances.contains(instance);
    }

    /**
     * Both steps, for a request whose body is already here.
     *
     * @throws OtsException see the class comment
     */
    AuthenticatedCaller authenticate(String action, Map<String, String> headers, byte[] wireBody, long nowMillis) {
        AuthenticatedCaller caller = authenticateHeaders(action, headers, nowMillis);
        verifyBody(headers, wireBody);
        return caller;
    }

    /**
     * Step 1: authenticates a request for {@code action} (path without leading slash) from its lowercased
     * {@code headers}, at server time {@code nowMillis}.
     *
     * @throws OtsException {@code OTSParameterInvalid} for a missing header or a malformed date, {@code OTSAuthFailed}
     *                      on any other failure
     */
    AuthenticatedCaller authenticateHeaders(String action, Map<String, String> headers, long nowMillis) {
        requirePresent(headers);
        String instance = require(headers, OtsHeaders.INSTANCE_NAME);
        if (!instances.contains(instance)) {
            throw authFailed("The instance is not found.").withLogDetail("instance " + instance);
        }
        if (maxClockSkew.isPresent()) {
            checkDate(require(headers, OtsHeaders.DATE).strip(), nowMillis, maxClockSkew.get());
        }
        require(headers, OtsHeaders.CONTENT_MD5); // signed; the value is checked against the body in step 2
        String accessKeyId = require(headers, OtsHeaders.ACCESS_KEY_ID).strip();
        String token = headers.get(OtsHeaders.STS_TOKEN);
        long missAt = credentials.missClock();
        try {
            return verifySignature(action, headers, instance, accessKeyId, token, nowMillis);
        } catch (OtsException e) {
            // In a cluster the key may have been created or rotated on another node a moment ago: look once more
            // after a (rate-limited) reload of the keys. Always false on a single node.
            if (e.errorCode() != ErrorCode.AUTH_FAILED || !credentials.reloadAfterMiss(missAt)) {
                throw e;
            }
            return verifySignature(action, headers, instance, accessKeyId, token, nowMillis);
        }
    }

    /** The key lookup and the signature check of {@link #authenticateHeaders}. */
    private AuthenticatedCaller verifySignature(String action, Map<String, String> headers, String instance,
                                                String accessKeyId, String token, long nowMillis) {
        VerifiedCredential credential =
                credentials.resolve(instance, accessKeyId, token == null ? null : token.strip(), nowMillis);

        String v4Signature = headers.get(OtsHeaders.SIGNATURE_V4);
        String responseKey;
        String expected;
        String actual;
        if (v4Signature != null) {
            String signDate = require(headers, OtsHeaders.SIGN_DATE).strip();
            String region = require(headers, OtsHeaders.SIGN_REGION).strip();
            if (maxClockSkew.isPresent()) {
                checkSignDate(signDate, nowMillis, maxClockSkew.get());
            }
            responseKey = Signatures.v4SigningKey(credential.secret(), signDate, region);
            expected = Signatures.signV4(responseKey, Signatures.v4StringToSign(action, headers));
            actual = v4Signature.strip();
        } else {
            responseKey = credential.secret();
            expected = Signatures.signV2(credential.secret(), Signatures.v2StringToSign(action, headers));
            actual = require(headers, OtsHeaders.SIGNATURE).strip();
        }
        if (!Signatures.constantTimeEquals(expected, actual)) {
            throw authFailed("Signature mismatch.");
        }
        return new AuthenticatedCaller(new Principal(credential.principalKeyId(), credential.policy(),
                credential.temporary()),
                credential.accessKeyId(), responseKey);
    }

    /**
     * Step 2: the body as sent on the wire matches the (signed) {@code x-ots-contentmd5}.
     *
     * @throws OtsException {@code OTSAuthFailed} when it does not
     */
    void verifyBody(Map<String, String> headers, byte[] wireBody) {
        String md5 = require(headers, OtsHeaders.CONTENT_MD5);
        if (!md5.strip().equals(ContentMd5.base64(wireBody))) {
            throw authFailed("Mismatch between MD5 value of request body and x-ots-contentmd5 in header.");
        }
    }

    /**
     * {@code x-ots-date}: Java sends {@code yyyy-MM-dd'T'HH:mm:ss.SSS'Z'}, Go an odd fractional part
     * (PROTOCOL.md §2.1), old Python SDKs RFC 1123; only the first 19 characters of the ISO form are read, as UTC.
     */
    private static void checkDate(String date, long nowMillis, Duration maxSkew) {
        long requestMillis = parseRequestDate(date);
        if (Math.abs(requestMillis - nowMillis) > maxSkew.toMillis()) {
            throw authFailed("Mismatch between system time and x-ots-date: %s.", date);
        }
    }

    static long parseRequestDate(String date) {
        long fast = parseIsoPrefix(date);
        if (fast != NOT_PLAIN_ISO) {
            return fast;
        }
        try {
            if (date.length() >= 19 && date.charAt(10) == 'T') {
                return LocalDateTime.parse(date.substring(0, 19)).toInstant(ZoneOffset.UTC).toEpochMilli();
            }
            return Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(date)).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw OtsException.of(ErrorCode.PARAMETER_INVALID, "Invalid date format: %s.", date);
        }
    }

    private static final long NOT_PLAIN_ISO = Long.MIN_VALUE;

    /**
     * The first 19 characters of {@code date} as UTC epoch millis when they are exactly {@code yyyy-MM-ddTHH:mm:ss}
     * with valid fields (what every SDK sends), else {@link #NOT_PLAIN_ISO} and {@link #parseRequestDate} takes
     * its general path, which also words the error. Every request passes here; {@code LocalDateTime.parse} was a
     * visible part of the server's request cost (JFR, 2026-12-07).
     */
    private static long parseIsoPrefix(String date) {
        if (date.length() < 19 || date.charAt(4) != '-' || date.charAt(7) != '-' || date.charAt(10) != 'T'
                || date.charAt(13) != ':' || date.charAt(16) != ':') {
            return NOT_PLAIN_ISO;
        }
        int year = digits(date, 0, 4);
        int month = digits(date, 5, 2);
        int day = digits(date, 8, 2);
        int hour = digits(date, 11, 2);
        int minute = digits(date, 14, 2);
        int second = digits(date, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return NOT_PLAIN_ISO;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (java.time.DateTimeException e) {
            return NOT_PLAIN_ISO; // e.g. month 13: the general path rejects it with the public message
        }
    }

    /** The decimal value of {@code count} ASCII digits at {@code from}, or -1 if any is not a digit. */
    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /**
     * The V4 sign date is a UTC day ({@code yyyyMMdd}); it must be a day some instant of
     * {@code [now - maxSkew, now + maxSkew]} falls on.
     */
    private static void checkSignDate(String signDate, long nowMillis, Duration maxSkew) {
        LocalDate day;
        try {
            day = LocalDate.parse(signDate, SIGN_DATE);
        } catch (DateTimeParseException e) {
            throw OtsException.of(ErrorCode.PARAMETER_INVALID, "Invalid date format: %s.", signDate);
        }
        LocalDate earliest = Instant.ofEpochMilli(nowMillis - maxSkew.toMillis()).atOffset(ZoneOffset.UTC)
                .toLocalDate();
        LocalDate latest = Instant.ofEpochMilli(nowMillis + maxSkew.toMillis()).atOffset(ZoneOffset.UTC)
                .toLocalDate();
        if (day.isBefore(earliest) || day.isAfter(latest)) {
            throw authFailed("Mismatch between system time and x-ots-signdate: %s.", signDate);
        }
    }

    /**
     * The headers every API request must carry (the public service's list, plus the signature headers of the
     * signature version used), checked in this order before anything else; the date is required even when its skew
     * is not checked.
     */
    private static void requirePresent(Map<String, String> headers) {
        for (String name : REQUIRED_HEADERS) {
            require(headers, name);
        }
        if (headers.containsKey(OtsHeaders.SIGNATURE_V4)) {
            require(headers, OtsHeaders.SIGNATURE_V4);
            require(headers, OtsHeaders.SIGN_DATE);
            require(headers, OtsHeaders.SIGN_REGION);
        } else {
            require(headers, OtsHeaders.SIGNATURE);
        }
    }

    /** A missing (or blank) header: {@code 400 OTSParameterInvalid "Missing header: NAME."}, the public text. */
    private static String require(Map<String, String> headers, String name) {
        String value = headers.get(name);
        if (value == null || value.isBlank()) {
            throw OtsException.of(ErrorCode.PARAMETER_INVALID, "Missing header: %s.", name);
        }
        return value;
    }

    private static OtsException authFailed(String format, Object... args) {
        return OtsException.of(ErrorCode.AUTH_FAILED, format, args);
    }
}
