package io.tunnelstore.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.client.ClientTransportException;
import io.tunnelstore.client.RetryPolicy;
import io.tunnelstore.client.TablestoreException;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.errors.ErrorCode;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RetryDeciderTest {

    /** Codes retried for every operation (PROTOCOL.md §3.4 "always"). */
    private static final Set<String> ALWAYS = Set.of("OTSRowOperationConflict", "OTSTableNotReady",
            "OTSNotEnoughCapacityUnit", "OTSPartitionUnavailable", "OTSServerBusy");
    /** Codes retried only for idempotent operations. */
    private static final Set<String> IDEMPOTENT_ONLY = Set.of("OTSStorageServerBusy", "OTSTimeout",
            "OTSServerUnavailable", "OTSInternalServerError", "OTSTunnelServerUnavailable");

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyErrorCodeForIdempotentAndNonIdempotentActions(ErrorCode code) {
        boolean forRead = RetryDecider.isRetryableServerError(code.code(), "m", code.httpStatus(), true);
        boolean forWrite = RetryDecider.isRetryableServerError(code.code(), "m", code.httpStatus(), false);
        if (ALWAYS.contains(code.code())) {
            assertThat(forRead).isTrue();
            assertThat(forWrite).isTrue();
        } else if (IDEMPOTENT_ONLY.contains(code.code())) {
            assertThat(forRead).isTrue();
            assertThat(forWrite).isFalse();
        } else {
            assertThat(forRead).as(code.code()).isFalse();
            assertThat(forWrite).as(code.code()).isFalse();
        }
    }

    @Test
    void actionsOfTheTableMatchTheirIdempotence() {
        assertThat(RetryDecider.isRetryableServerError("OTSServerUnavailable", "", 503,
                Action.GET_ROW.idempotent())).isTrue();
        assertThat(RetryDecider.isRetryableServerError("OTSServerUnavailable", "", 503,
                Action.PUT_ROW.idempotent())).isFalse();
        assertThat(RetryDecider.isRetryableServerError("OTSTunnelServerUnavailable", "", 503,
                Action.TUNNEL_READ_RECORDS.idempotent())).isTrue();
        assertThat(RetryDecider.isRetryableServerError("OTSTunnelServerUnavailable", "", 503,
                Action.TUNNEL_HEARTBEAT.idempotent())).isFalse();
    }

    @Test
    void quotaExhaustedIsRetryableOnlyWithTheExactMessage() {
        assertThat(RetryDecider.isRetryableServerError("OTSQuotaExhausted", "Too frequent table operations.",
                403, false)).isTrue();
        assertThat(RetryDecider.isRetryableServerError("OTSQuotaExhausted", "Out of quota.", 403, true)).isFalse();
    }

    @Test
    void unknownCodesFollowTheFiveHundredRuleForIdempotentActionsOnly() {
        assertThat(RetryDecider.isRetryableServerError("OTSSomethingNew", "", 502, true)).isTrue();
        assertThat(RetryDecider.isRetryableServerError("OTSSomethingNew", "", 502, false)).isFalse();
        assertThat(RetryDecider.isRetryableServerError("OTSSomethingNew", "", 400, true)).isFalse();
        // a logical error sent with a 5xx status is retried for reads, like the official Java SDK
        assertThat(RetryDecider.isRetryableServerError("OTSObjectNotExist", "", 500, true)).isTrue();
    }

    @Test
    void networkFailuresOnlyForIdempotentActions() {
        assertThat(RetryDecider.isRetryableTransportFailure(true)).isTrue();
        assertThat(RetryDecider.isRetryableTransportFailure(false)).isFalse();
    }

    private static final RetryPolicy POLICY =
            new RetryPolicy(Duration.ofMillis(100), Duration.ofMillis(10), Duration.ofMillis(40), 2.0, 0.0);
    private final RetryDecider decider = new RetryDecider(POLICY, ExponentialBackoff.of(POLICY, () -> 0.5));
    private static final TablestoreException BUSY =
            new TablestoreException("OTSServerBusy", "busy", "r1", 503, true, null);
    private static final long MS = 1_000_000L;

    @Test
    void decideRetriesWithTheBackoffOfTheAttempt() {
        assertThat(decider.decide(BUSY, 0, 0, 10_000 * MS)).isEqualTo(new RetryDecider.Decision(true, 10, "retryable"));
        assertThat(decider.decide(BUSY, 1, 15 * MS, 10_000 * MS).delayMs()).isEqualTo(20);
        assertThat(decider.decide(BUSY, 5, 50 * MS, 10_000 * MS).delayMs()).isEqualTo(40);
    }

    @Test
    void decideStopsForNonRetryableFailures() {
        TablestoreException auth = new TablestoreException("OTSAuthFailed", "x", "r", 403, false, null);
        assertThat(decider.decide(auth, 0, 0, 10_000 * MS))
                .isEqualTo(new RetryDecider.Decision(false, 0, "not retryable: OTSAuthFailed"));
        ClientTransportException timeout = new ClientTransportException("t", null, 0, false, true, null);
        assertThat(decider.decide(timeout, 0, 0, 10_000 * MS).retry()).isFalse();
    }

    @Test
    void decideStopsWhenTheRetryBudgetWouldBeExceeded() {
        // 70 ms elapsed + 40 ms back-off > 100 ms budget
        assertThat(decider.decide(BUSY, 3, 70 * MS, 10_000 * MS))
                .isEqualTo(new RetryDecider.Decision(false, 0, "retry budget of PT0.1S spent"));
        // 60 ms + 40 ms = 100 ms: still inside
        assertThat(decider.decide(BUSY, 3, 60 * MS, 10_000 * MS).retry()).isTrue();
    }

    @Test
    void decideNeverRetriesPastTheCallDeadline() {
        assertThat(decider.decide(BUSY, 0, 0, 10 * MS))
                .isEqualTo(new RetryDecider.Decision(false, 0, "call deadline reached"));
        assertThat(decider.decide(BUSY, 0, 0, 11 * MS).retry()).isTrue();
    }

    @Test
    void decideStopsWhenRetriesAreDisabled() {
        RetryDecider none = new RetryDecider(RetryPolicy.none(), ExponentialBackoff.of(RetryPolicy.none()));
        assertThat(none.decide(BUSY, 0, 0, 10_000 * MS))
                .isEqualTo(new RetryDecider.Decision(false, 0, "retries disabled"));
    }
}
