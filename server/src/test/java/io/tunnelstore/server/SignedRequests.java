package io.tunnelstore.server;

import io.tunnelstore.protocol.auth.ContentMd5;
import io.tunnelstore.protocol.auth.Signatures;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Builds request headers the way the official SDKs do (PROTOCOL.md §2), for raw-socket tests. */
public final class SignedRequests {

    private SignedRequests() {}

    /** Java-SDK-style lowercase headers for {@code action}, V2-signed with {@code secret}. */
    public static Map<String, String> v2(String action, String instance, String accessKeyId, String secret,
                                         byte[] body) {
        return v2(action, instance, accessKeyId, secret, body, UnaryOperator.identity());
    }

    /**
     * Like {@link #v2(String, String, String, String, byte[])} but with every header name passed through
     * {@code nameStyle} on the wire (e.g. Go's canonical {@code X-Ots-Date}); the signature is over the lowercase
     * names, as both SDKs compute it.
     */
    public static Map<String, String> v2(String action, String instance, String accessKeyId, String secret,
                                         byte[] body, UnaryOperator<String> nameStyle) {
        Map<String, String> lower = new LinkedHashMap<>();
        lower.put("x-ots-date", "2024-03-05T00:00:00.3512Z"); // Go's odd fractional part must be accepted
        lower.put("x-ots-apiversion", "2015-12-31");
        lower.put("x-ots-accesskeyid", accessKeyId);
        lower.put("x-ots-instancename", instance);
        lower.put("x-ots-contentmd5", ContentMd5.base64(body));
        lower.put("x-ots-signature", Signatures.signV2(secret, Signatures.v2StringToSign(action, lower)));
        Map<String, String> wire = new LinkedHashMap<>();
        lower.forEach((name, value) -> wire.put(nameStyle.apply(name), value));
        return wire;
    }

    /** Like {@link #v2(String, String, String, String, byte[])} with {@code x-ots-date: date}. */
    public static Map<String, String> v2At(String action, String instance, String accessKeyId, String secret,
                                           byte[] body, String date) {
        Map<String, String> lower = new LinkedHashMap<>();
        lower.put("x-ots-date", date);
        lower.put("x-ots-apiversion", "2015-12-31");
        lower.put("x-ots-accesskeyid", accessKeyId);
        lower.put("x-ots-instancename", instance);
        lower.put("x-ots-contentmd5", ContentMd5.base64(body));
        lower.put("x-ots-signature", Signatures.signV2(secret, Signatures.v2StringToSign(action, lower)));
        return lower;
    }

    /** Java-SDK-style V4-signed headers (PROTOCOL.md §2.5) with {@code x-ots-date: date} and the given sign date. */
    public static Map<String, String> v4At(String action, String instance, String accessKeyId, String secret,
                                           byte[] body, String date, String signDate, String region) {
        Map<String, String> lower = new LinkedHashMap<>();
        lower.put("x-ots-date", date);
        lower.put("x-ots-apiversion", "2015-12-31");
        lower.put("x-ots-accesskeyid", accessKeyId);
        lower.put("x-ots-instancename", instance);
        lower.put("x-ots-contentmd5", ContentMd5.base64(body));
        lower.put("x-ots-signdate", signDate);
        lower.put("x-ots-signregion", region);
        String signingKey = Signatures.v4SigningKey(secret, signDate, region);
        lower.put("x-ots-signaturev4", Signatures.signV4(signingKey, Signatures.v4StringToSign(action, lower)));
        return lower;
    }

    /** Go's {@code http.Header.Set} capitalisation: {@code x-ots-date} becomes {@code X-Ots-Date}. */
    public static String goCanonical(String lowercaseName) {
        StringBuilder sb = new StringBuilder(lowercaseName.length());
        boolean upper = true;
        for (char c : lowercaseName.toCharArray()) {
            sb.append(upper ? Character.toUpperCase(c) : c);
            upper = c == '-';
        }
        return sb.toString();
    }
}
