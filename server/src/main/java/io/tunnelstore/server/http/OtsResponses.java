package io.tunnelstore.server.http;

import io.tunnelstore.protocol.auth.OtsHeaders;
import io.tunnelstore.protocol.auth.ContentMd5;
import io.tunnelstore.protocol.auth.OtsDates;
import io.tunnelstore.protocol.auth.Signatures;
import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.pb.TableProtos;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds API responses with the headers every official SDK requires (PROTOCOL.md §3.1): {@code x-ots-requestid},
 * {@code x-ots-contentmd5} (of the body), {@code x-ots-contenttype: protocol buffer}, {@code x-ots-date}, and, when
 * the caller was authenticated, {@code Authorization: OTS <ak>:<sig>} computed per §3.2.
 *
 * <p>Error bodies are the table {@code Error} message with code and message only (field 3 is never set, §3.3).
 * Thread-safety: stateless.
 */
final class OtsResponses {

    private OtsResponses() {}

    /** A 200 response carrying {@code body}. */
    static OutboundResponse success(String requestId, String action, AuthenticatedCaller caller, long nowMillis,
                                    byte[] body) {
        return build(200, requestId, action, caller, nowMillis, body);
    }

    /**
     * An error response: {@code code}'s HTTP status and a protobuf {@code Error{code, message}} body.
     *
     * @param action the action path for the signature, or {@code null} when unknown (then no signature)
     * @param caller the authenticated caller, or {@code null} when the request was not authenticated
     */
    static OutboundResponse error(String requestId, String action, AuthenticatedCaller caller, long nowMillis,
                                  ErrorCode code, String message) {
        byte[] body = TableProtos.Error.newBuilder()
                .setCode(code.code())
                .setMessage(message == null ? "" : message)
                .build()
                .toByteArray();
        return build(code.httpStatus(), requestId, action, caller, nowMillis, body);
    }

    private static OutboundResponse build(int status, String requestId, String action, AuthenticatedCaller caller,
                                          long nowMillis, byte[] body) {
        // Only x-ots-* headers go into the signature; keep their values free of surrounding blanks (§3.2).
        Map<String, String> otsHeaders = new LinkedHashMap<>();
        otsHeaders.put(OtsHeaders.CONTENT_MD5, ContentMd5.base64(body));
        otsHeaders.put(OtsHeaders.CONTENT_TYPE, OtsHeaders.CONTENT_TYPE_PROTOBUF);
        otsHeaders.put(OtsHeaders.DATE, OtsDates.format(Instant.ofEpochMilli(nowMillis)));
        otsHeaders.put(OtsHeaders.REQUEST_ID, requestId);
        Map<String, String> headers = new LinkedHashMap<>(otsHeaders);
        if (caller != null && action != null) {
            headers.put(OtsHeaders.AUTHORIZATION, Signatures.responseAuthorization(caller.responseKeyId(),
                    caller.responseSigningKey(), action, otsHeaders));
        }
        return new OutboundResponse(status, headers, body);
    }
}
