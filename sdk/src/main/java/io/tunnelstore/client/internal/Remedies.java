package io.tunnelstore.client.internal;

import java.util.Map;

/** One-sentence advice per wire error code, shown in exception messages and {@code remedy()}. */
public final class Remedies {

    private static final Map<String, String> BY_CODE = Map.ofEntries(
            Map.entry("OTSAuthFailed", "check the access key id/secret (and STS token) and the server clock"),
            Map.entry("OTSNoPermissionAccess", "grant this access key access to the instance or table"),
            Map.entry("OTSPermissionDenied", "grant this access key access to the tunnel"),
            Map.entry("OTSParameterInvalid", "fix the request arguments named in the message"),
            Map.entry("OTSInvalidPK", "send the primary key columns in the table's schema order and types"),
            Map.entry("OTSOutOfColumnCountLimit", "write fewer columns per row"),
            Map.entry("OTSOutOfRowSizeLimit", "make the row smaller"),
            Map.entry("OTSRequestBodyTooLarge", "send smaller requests (split the batch)"),
            Map.entry("OTSRequestTimeout", "send smaller requests or raise the timeout"),
            Map.entry("OTSMethodNotAllowed", "use POST (this is a client bug)"),
            Map.entry("OTSConditionCheckFail", "the row condition was not met; re-read the row and decide"),
            Map.entry("OTSObjectNotExist", "create the table/tunnel first, or check its name"),
            Map.entry("OTSObjectAlreadyExist", "use another name, or delete the existing table first"),
            Map.entry("OTSRowOperationConflict", "retry later; another write to the same row was in progress"),
            Map.entry("OTSTableNotReady", "retry in a few seconds; the table was just created"),
            Map.entry("OTSNotEnoughCapacityUnit", "retry later or raise the table's capacity"),
            Map.entry("OTSQuotaExhausted", "slow down; a quota was exhausted"),
            Map.entry("OTSTooFrequentReservedThroughputAdjustment", "wait before updating the table again"),
            Map.entry("OTSPartitionUnavailable", "retry later; a partition is moving"),
            Map.entry("OTSServerBusy", "retry later with back-off; the server is overloaded"),
            Map.entry("OTSStorageServerBusy", "retry later with back-off; the storage is overloaded"),
            Map.entry("OTSTimeout", "retry later; the server timed out internally"),
            Map.entry("OTSServerUnavailable", "retry later; the server is unavailable"),
            Map.entry("OTSInternalServerError", "retry later; if it persists, report it with the request id"),
            Map.entry("OTSTunnelServerUnavailable", "retry later; the tunnel service is unavailable"),
            Map.entry("OTSResourceGone", "reconnect the tunnel client; its session or channel is no longer valid"),
            Map.entry("OTSSequenceNumberNotMatch", "re-read the checkpoint and continue from its sequence number"),
            Map.entry("OTSTunnelExpired", "the tunnel fell behind stream retention; create a new tunnel"),
            Map.entry("OTSTunnelExist", "use another tunnel name, or delete the existing tunnel first"),
            Map.entry("OTSClientError", "check the endpoint, the network and the call timeout"));

    private Remedies() {
    }

    /** The advice for {@code code}, or an empty string for unknown codes. */
    public static String forCode(String code) {
        return code == null ? "" : BY_CODE.getOrDefault(code, "");
    }
}
