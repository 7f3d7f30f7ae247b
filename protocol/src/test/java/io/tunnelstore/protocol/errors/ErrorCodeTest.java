package io.tunnelstore.protocol.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.protocol.pb.TableProtos;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {

    @Test
    void everyCodeOfTheProtocolTableIsPresentWithItsStatus() {
        assertThat(ErrorCode.values()).hasSize(30);
        assertThat(ErrorCode.fromCode("OTSAuthFailed")).contains(ErrorCode.AUTH_FAILED);
        assertThat(ErrorCode.AUTH_FAILED.httpStatus()).isEqualTo(403);
        assertThat(ErrorCode.PARAMETER_INVALID.httpStatus()).isEqualTo(400);
        assertThat(ErrorCode.REQUEST_BODY_TOO_LARGE.httpStatus()).isEqualTo(413);
        assertThat(ErrorCode.CONDITION_CHECK_FAIL.httpStatus()).isEqualTo(403);
        assertThat(ErrorCode.OBJECT_NOT_EXIST.httpStatus()).isEqualTo(404);
        assertThat(ErrorCode.TABLE_NOT_READY.httpStatus()).isEqualTo(404);
        assertThat(ErrorCode.INTERNAL_SERVER_ERROR.httpStatus()).isEqualTo(500);
        assertThat(ErrorCode.TUNNEL_SERVER_UNAVAILABLE.httpStatus()).isEqualTo(503);
        assertThat(ErrorCode.RESOURCE_GONE.httpStatus()).isEqualTo(410);
        assertThat(ErrorCode.SEQUENCE_NUMBER_NOT_MATCH.httpStatus()).isEqualTo(400);
        assertThat(ErrorCode.TUNNEL_EXPIRED.httpStatus()).isEqualTo(400);
        assertThat(ErrorCode.TUNNEL_EXIST.httpStatus()).isEqualTo(409);
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(ErrorCode.fromCode(c.code())).contains(c);
            assertThat(c.code()).startsWith("OTS");
            // logical errors must stay below 500 so that Java does not retry them
            if (c.retryPolicy() == RetryPolicy.NEVER) {
                assertThat(c.httpStatus()).as(c.code()).isLessThan(500);
            }
        }
    }

    @Test
    void unknownAndClientOnlyCodesAreAbsent() {
        assertThat(ErrorCode.fromCode("OTSClientError")).isEmpty();
        assertThat(ErrorCode.fromCode("OTSClientUnknownError")).isEmpty();
        assertThat(ErrorCode.fromCode("otsauthfailed")).isEmpty();
        assertThat(ErrorCode.fromCode("")).isEmpty();
        assertThat(ErrorCode.fromCode(null)).isEmpty();
    }

    @Test
    void retryPolicies() {
        assertThat(ErrorCode.ROW_OPERATION_CONFLICT.retryPolicy()).isEqualTo(RetryPolicy.ALWAYS);
        assertThat(ErrorCode.SERVER_BUSY.retryPolicy()).isEqualTo(RetryPolicy.ALWAYS);
        assertThat(ErrorCode.INTERNAL_SERVER_ERROR.retryPolicy()).isEqualTo(RetryPolicy.IDEMPOTENT_ONLY);
        assertThat(ErrorCode.OBJECT_NOT_EXIST.retryPolicy()).isEqualTo(RetryPolicy.NEVER);
        assertThat(ErrorCode.QUOTA_EXHAUSTED.retryPolicy("Too frequent table operations.")).isEqualTo(RetryPolicy.ALWAYS);
        assertThat(ErrorCode.QUOTA_EXHAUSTED.retryPolicy("Quota exhausted.")).isEqualTo(RetryPolicy.NEVER);
        assertThat(ErrorCode.SERVER_BUSY.retryPolicy("anything")).isEqualTo(RetryPolicy.ALWAYS);
    }

    @Test
    void otsExceptionFormatsAndBuildsErrorBody() {
        OtsException e = OtsException.of(ErrorCode.OBJECT_NOT_EXIST, "Requested table %s does not exist.", "t1");
        assertThat(e.errorCode()).isEqualTo(ErrorCode.OBJECT_NOT_EXIST);
        assertThat(e.httpStatus()).isEqualTo(404);
        assertThat(e.getMessage()).isEqualTo("Requested table t1 does not exist.");
        assertThat(OtsException.of(ErrorCode.PARAMETER_INVALID, "100% literal").getMessage()).isEqualTo("100% literal");
        TableProtos.Error body = e.toErrorMessage();
        assertThat(body.getCode()).isEqualTo("OTSObjectNotExist");
        assertThat(body.getMessage()).isEqualTo("Requested table t1 does not exist.");
        assertThat(e.toString()).isEqualTo("OTSObjectNotExist: Requested table t1 does not exist.");
    }

    @Test
    void errorBodyParsesWithOfficialSdkErrorMessage() throws Exception {
        byte[] wire = OtsException.of(ErrorCode.RESOURCE_GONE, "client gone").toErrorMessage().toByteArray();
        var theirs = com.alicloud.openservices.tablestore.core.protocol.OtsInternalApi.Error.parseFrom(wire);
        assertThat(theirs.getCode()).isEqualTo("OTSResourceGone");
        assertThat(theirs.getMessage()).isEqualTo("client gone");
        assertThat(theirs.hasAccessDeniedDetail()).isFalse();
    }
}
