package io.tunnelstore.server.http;

import io.tunnelstore.protocol.auth.OtsHeaders;
import io.tunnelstore.protocol.auth.ContentMd5;
import io.tunnelstore.protocol.auth.Signatures;
import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.server.auth.CredentialStore;
import io.tunnelstore.server.auth.VerifiedCredential;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Checks one API request, in this order (PROTOCOL.md §2): the instance exists ({@code x-ots-instancename}), the body
 * matches {@code x-ots-contentmd5}, the access key (and STS token, {@code x-ots-ststoken}) is valid, and the V2
 * ({@code x-ots-signature}) or V4 ({@code x-ots-signaturev4}) signature matches. Every failure is
 * {@code 403 OTSAuthFailed} with a message naming the problem; an unknown instance is reported the same way (the
 * request cannot be authenticated against an instance that does not exist, and the code is never retried).
 *
 * <p>Not checked (documented in docs/server-transport.md): the skew between {@code x-ots-date} and the server clock,
 * and the age of {@code x-ots-signdate}.
 *
 * <p>Thread-safety: stateless apart from the thread-safe {@link CredentialStore}; safe for concurrent use.
 */
final class RequestAuthenticator {

    private final Set<String> instances;
    private final CredentialStore credentials;

    RequestAuthenticator(Set<String> instances, CredentialStore credentials) {
        this.instances = Set.copyOf(instances);
        this.credentials = Objects.requireNonNull(credentials, "credentials");
    }

    /** Whether {@code instance} is served here. */
    boolean hasInstance(String instance) {
        return instances.contains(instance);
    }

    /**
     * Authenticates a request for {@code action} (path without leading slash) with lowercased {@code headers} and the
     * body bytes as sent on the wire.
     *
     * @throws OtsException {@code OTSAuthFailed} on any failure
     */
    AuthenticatedCaller authenticate(String action, Map<String, String> headers, byte[] wireBody, long nowMillis) {
        String instance = require(headers, OtsHeaders.INSTANCE_NAME);
        if (!instances.contains(instance)) {
            throw authFailed("The instance is not found.").withLogDetail("instance " + instance);
        }
        String md5 = require(headers, OtsHeaders.CONTENT_MD5);
        if (!md5.strip().equals(ContentMd5.base64(wireBody))) {
            throw authFailed("Mismatch between MD5 value of request body and x-ots-contentmd5 in header.");
        }
        String accessKeyId = require(headers, OtsHeaders.ACCESS_KEY_ID).strip();
        String token = headers.get(OtsHeaders.STS_TOKEN);
        VerifiedCredential credential =
                credentials.resolve(instance, accessKeyId, token == null ? null : token.strip(), nowMillis);

        String v4Signature = headers.get(OtsHeaders.SIGNATURE_V4);
        String responseKey;
        String expected;
        String actual;
        if (v4Signature != null) {
            String signDate = require(headers, OtsHeaders.SIGN_DATE).strip();
            String region = require(headers, OtsHeaders.SIGN_REGION).strip();
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
        return new AuthenticatedCaller(new Principal(credential.principalKeyId(), credential.admin()),
                credential.accessKeyId(), responseKey);
    }

    private static String require(Map<String, String> headers, String name) {
        String value = headers.get(name);
        if (value == null || value.isBlank()) {
            throw authFailed("Missing header %s.", name);
        }
        return value;
    }

    private static OtsException authFailed(String format, Object... args) {
        return OtsException.of(ErrorCode.AUTH_FAILED, format, args);
    }
}
