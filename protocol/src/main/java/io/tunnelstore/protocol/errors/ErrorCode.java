package io.tunnelstore.protocol.errors;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every server-side error code of PROTOCOL.md §3.4 with its HTTP status and SDK retry behaviour. The
 * client-only codes (OTSClientError, OTSClientUnknownError) are deliberately absent: a server never sends them.
 *
 * <p>Statuses the public error table leaves open, chosen here:
 * <ul>
 *   <li>OTSStorageServerBusy 503, OTSTunnelServerUnavailable 503 (transient, so a 5xx lets Java retry reads);</li>
 *   <li>OTSResourceGone 410 (the client id or channel version is gone for good; SDKs look at the code only);</li>
 *   <li>OTSSequenceNumberNotMatch 400 and OTSTunnelExpired 400 (client errors; any 4xx keeps Java from retrying);</li>
 *   <li>OTSTunnelExist 409 (same as OTSObjectAlreadyExist).</li>
 * </ul>
 * The retry policy is what the Java SDK does (Go table agrees except that it always retries
 * OTSStorageServerBusy); OTSQuotaExhausted is retryable only with the exact message
 * {@link #QUOTA_RETRYABLE_MESSAGE}, see {@link #retryPolicy(String)}.
 */
public enum ErrorCode {
    AUTH_FAILED("OTSAuthFailed", 403, RetryPolicy.NEVER),
    NO_PERMISSION_ACCESS("OTSNoPermissionAccess", 403, RetryPolicy.NEVER),
    PARAMETER_INVALID("OTSParameterInvalid", 400, RetryPolicy.NEVER),
    INVALID_PK("OTSInvalidPK", 400, RetryPolicy.NEVER),
    OUT_OF_COLUMN_COUNT_LIMIT("OTSOutOfColumnCountLimit", 400, RetryPolicy.NEVER),
    OUT_OF_ROW_SIZE_LIMIT("OTSOutOfRowSizeLimit", 400, RetryPolicy.NEVER),
    REQUEST_BODY_TOO_LARGE("OTSRequestBodyTooLarge", 413, RetryPolicy.NEVER),
    REQUEST_TIMEOUT("OTSRequestTimeout", 408, RetryPolicy.NEVER),
    METHOD_NOT_ALLOWED("OTSMethodNotAllowed", 405, RetryPolicy.NEVER),
    CONDITION_CHECK_FAIL("OTSConditionCheckFail", 403, RetryPolicy.NEVER),
    OBJECT_NOT_EXIST("OTSObjectNotExist", 404, RetryPolicy.NEVER),
    OBJECT_ALREADY_EXIST("OTSObjectAlreadyExist", 409, RetryPolicy.NEVER),
    ROW_OPERATION_CONFLICT("OTSRowOperationConflict", 409, RetryPolicy.ALWAYS),
    TABLE_NOT_READY("OTSTableNotReady", 404, RetryPolicy.ALWAYS),
    NOT_ENOUGH_CAPACITY_UNIT("OTSNotEnoughCapacityUnit", 403, RetryPolicy.ALWAYS),
    QUOTA_EXHAUSTED("OTSQuotaExhausted", 403, RetryPolicy.NEVER),
    TOO_FREQUENT_RESERVED_THROUGHPUT_ADJUSTMENT("OTSTooFrequentReservedThroughputAdjustment", 403, RetryPolicy.NEVER),
    PARTITION_UNAVAILABLE("OTSPartitionUnavailable", 503, RetryPolicy.ALWAYS),
    SERVER_BUSY("OTSServerBusy", 503, RetryPolicy.ALWAYS),
    STORAGE_SERVER_BUSY("OTSStorageServerBusy", 503, RetryPolicy.IDEMPOTENT_ONLY),
    TIMEOUT("OTSTimeout", 503, RetryPolicy.IDEMPOTENT_ONLY),
    SERVER_UNAVAILABLE("OTSServerUnavailable", 503, RetryPolicy.IDEMPOTENT_ONLY),
    INTERNAL_SERVER_ERROR("OTSInternalServerError", 500, RetryPolicy.IDEMPOTENT_ONLY),
    TUNNEL_SERVER_UNAVAILABLE("OTSTunnelServerUnavailable", 503, RetryPolicy.IDEMPOTENT_ONLY),
    RESOURCE_GONE("OTSResourceGone", 410, RetryPolicy.NEVER),
    SEQUENCE_NUMBER_NOT_MATCH("OTSSequenceNumberNotMatch", 400, RetryPolicy.NEVER),
    TUNNEL_EXPIRED("OTSTunnelExpired", 400, RetryPolicy.NEVER),
    TUNNEL_EXIST("OTSTunnelExist", 409, RetryPolicy.NEVER),
    PERMISSION_DENIED("OTSPermissionDenied", 403, RetryPolicy.NEVER),
    /** A stream iterator points before the oldest record still retained (the Stream API's answer). */
    TRIMMED_DATA_ACCESS("OTSTrimmedDataAccess", 400, RetryPolicy.NEVER);

    /** The only OTSQuotaExhausted message the SDKs retry. */
    public static final String QUOTA_RETRYABLE_MESSAGE = "Too frequent table operations.";

    private static final Map<String, ErrorCode> BY_CODE =
            Stream.of(values()).collect(Collectors.toUnmodifiableMap(ErrorCode::code, Function.identity()));

    private final String code;
    private final int httpStatus;
    private final RetryPolicy retryPolicy;

    ErrorCode(String code, int httpStatus, RetryPolicy retryPolicy) {
        this.code = code;
        this.httpStatus = httpStatus;
        this.retryPolicy = retryPolicy;
    }

    /** The wire code string, e.g. {@code OTSParameterInvalid}. */
    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Retry behaviour of the SDKs for this code, independent of the message. */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** Retry behaviour taking the message into account (only OTSQuotaExhausted depends on it). */
    public RetryPolicy retryPolicy(String message) {
        if (this == QUOTA_EXHAUSTED && QUOTA_RETRYABLE_MESSAGE.equals(message)) {
            return RetryPolicy.ALWAYS;
        }
        return retryPolicy;
    }

    /** Looks a wire code up (case-sensitive); unknown codes give empty. */
    public static Optional<ErrorCode> fromCode(String code) {
        return code == null ? Optional.empty() : Optional.ofNullable(BY_CODE.get(code));
    }
}
