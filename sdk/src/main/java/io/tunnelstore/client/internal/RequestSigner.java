package io.tunnelstore.client.internal;

import io.tunnelstore.client.Credentials;
import io.tunnelstore.protocol.auth.ContentMd5;
import io.tunnelstore.protocol.auth.OtsDates;
import io.tunnelstore.protocol.auth.OtsHeaders;
import io.tunnelstore.protocol.auth.Signatures;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the {@code x-ots-*} headers of one request attempt and signs them with the V2 signature
 * (PROTOCOL.md §2.1-§2.4). Pure: the date, trace id and credentials are arguments.
 */
public final class RequestSigner {

    private final String instanceName;

    public RequestSigner(String instanceName) {
        this.instanceName = Objects.requireNonNull(instanceName, "instanceName");
    }

    /**
     * The headers to send, lowercased, including {@code x-ots-signature}.
     *
     * @param action      the action path without leading slash ({@code PutRow}, {@code tunnel/connect})
     * @param body        the exact body bytes sent
     * @param credentials the credentials of this attempt
     * @param now         the request time ({@code x-ots-date})
     * @param traceId     the SDK trace id ({@code x-ots-sdk-traceid}), shared by all attempts of one call
     */
    public Map<String, String> signedHeaders(String action, byte[] body, Credentials credentials, Instant now,
                                             String traceId) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(OtsHeaders.DATE, OtsDates.format(now));
        h.put(OtsHeaders.API_VERSION, OtsHeaders.API_VERSION_TABLE);
        h.put(OtsHeaders.ACCESS_KEY_ID, credentials.accessKeyId());
        h.put(OtsHeaders.INSTANCE_NAME, instanceName);
        h.put(OtsHeaders.CONTENT_MD5, ContentMd5.base64(body));
        if (credentials.hasSecurityToken()) {
            h.put(OtsHeaders.STS_TOKEN, credentials.securityToken());
        }
        h.put(OtsHeaders.SDK_TRACE_ID, traceId);
        String stringToSign = Signatures.v2StringToSign(action, h);
        h.put(OtsHeaders.SIGNATURE, Signatures.signV2(credentials.accessKeySecret(), stringToSign));
        return h;
    }

    /**
     * Checks the {@code authorization} header of a 2xx response (PROTOCOL.md §3.2): its value must end with
     * {@code ":" + Base64(HMAC-SHA1(secret, sorted x-ots-* headers + "/" + action))}.
     *
     * @param responseHeaders lowercased response headers (last value of each)
     * @return {@code null} if valid, else a description of what is wrong
     */
    public static String verifyResponse(String action, Map<String, String> responseHeaders, String secret) {
        String authorization = responseHeaders.get(OtsHeaders.AUTHORIZATION);
        if (authorization == null) {
            return "response has no authorization header";
        }
        int colon = authorization.lastIndexOf(':');
        if (colon < 0) {
            return "malformed authorization header '" + authorization + "'";
        }
        String expected = Signatures.signV2(secret, Signatures.responseStringToSign(action, responseHeaders));
        if (!Signatures.constantTimeEquals(expected, authorization.substring(colon + 1))) {
            return "response signature mismatch (wrong secret, or a proxy changed x-ots-* headers)";
        }
        return null;
    }
}
