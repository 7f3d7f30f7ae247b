package io.tunnelstore.protocol.auth;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Request and response signatures of the OTS protocol (PROTOCOL.md §2.3, §2.5, §3.2). Pure functions,
 * thread-safe. Verification must compare with {@link #constantTimeEquals}.
 */
public final class Signatures {

    private static final String V4_KEY_PREFIX = "aliyun_v4";
    private static final String V4_PRODUCT = "ots";
    private static final String V4_REQUEST = "aliyun_v4_request";
    private static final String HMAC_SHA1 = "HmacSHA1";
    private static final String HMAC_SHA256 = "HmacSHA256";
    /*
     * One Mac per thread and algorithm: Mac.getInstance looks the algorithm up in the security providers and builds
     * a new Mac on every call, and a request needs two to six HMACs (its signature, the V4 key derivation, the
     * response signature). A Mac is not thread-safe; init() replaces the key each time.
     */
    private static final ThreadLocal<Mac> HMAC_SHA1_MACS = ThreadLocal.withInitial(() -> newMac(HMAC_SHA1));
    private static final ThreadLocal<Mac> HMAC_SHA256_MACS = ThreadLocal.withInitial(() -> newMac(HMAC_SHA256));

    private Signatures() {
    }

    /**
     * The V2 string to sign: {@code "/" + action + "\nPOST\n\n"} followed by one line {@code name:trim(value)\n}
     * for every {@code x-ots-*} header except {@code x-ots-signature} and {@code x-ots-signaturev4}, sorted by
     * name. Names are lowercased here as well (Go sends {@code X-Ots-…}).
     *
     * @param action            the action path without leading slash ({@code PutRow}, {@code tunnel/heartbeat});
     *                          leading slashes are stripped if present
     * @param lowercasedHeaders request headers (other headers are ignored)
     * @throws IllegalArgumentException if two header names differ only in case and have different values
     */
    public static String v2StringToSign(String action, Map<String, String> lowercasedHeaders) {
        StringBuilder sb = new StringBuilder(256);
        sb.append('/').append(stripLeadingSlashes(action)).append("\nPOST\n\n");
        for (Map.Entry<String, String> e : canonicalRequestHeaders(lowercasedHeaders).entrySet()) {
            sb.append(e.getKey()).append(':').append(e.getValue()).append('\n');
        }
        return sb.toString();
    }

    /** The V4 string to sign: {@link #v2StringToSign} followed by the literal {@code ots}. */
    public static String v4StringToSign(String action, Map<String, String> lowercasedHeaders) {
        return v2StringToSign(action, lowercasedHeaders) + V4_PRODUCT;
    }

    /** Base64(HMAC-SHA1(UTF-8(secret), UTF-8(stringToSign))), the value of {@code x-ots-signature}. */
    public static String signV2(String secret, String stringToSign) {
        return base64(hmac(HMAC_SHA1_MACS, utf8(secret), utf8(stringToSign)));
    }

    /**
     * The V4 signing key string: k1 = HMAC-SHA256("aliyun_v4" + secret, signDate), k2 = HMAC(k1, region),
     * k3 = HMAC(k2, "ots"), k4 = HMAC(k3, "aliyun_v4_request"), result Base64(k4).
     *
     * @param yyyymmdd the {@code x-ots-signdate} value
     * @param region   the {@code x-ots-signregion} value
     */
    public static String v4SigningKey(String secret, String yyyymmdd, String region) {
        byte[] k = hmac(HMAC_SHA256_MACS, utf8(V4_KEY_PREFIX + secret), utf8(yyyymmdd));
        k = hmac(HMAC_SHA256_MACS, k, utf8(region));
        k = hmac(HMAC_SHA256_MACS, k, utf8(V4_PRODUCT));
        k = hmac(HMAC_SHA256_MACS, k, utf8(V4_REQUEST));
        return base64(k);
    }

    /**
     * Base64(HMAC-SHA256(UTF-8(signingKey), UTF-8(stringToSign))), the value of {@code x-ots-signaturev4}.
     * {@code stringToSign} must already end with {@code ots} (use {@link #v4StringToSign}).
     */
    public static String signV4(String signingKey, String stringToSign) {
        return base64(hmac(HMAC_SHA256_MACS, utf8(signingKey), utf8(stringToSign)));
    }

    /**
     * The response string to sign: {@code name:value\n} for every {@code x-ots-*} response header (lowercased,
     * sorted, value NOT trimmed) followed by {@code "/" + action}.
     */
    public static String responseStringToSign(String action, Map<String, String> responseHeaders) {
        TreeMap<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> e : responseHeaders.entrySet()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith(OtsHeaders.PREFIX)) {
                putUnique(sorted, name, e.getValue());
            }
        }
        StringBuilder sb = new StringBuilder(256);
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            sb.append(e.getKey()).append(':').append(e.getValue()).append('\n');
        }
        return sb.append('/').append(stripLeadingSlashes(action)).toString();
    }

    /**
     * The {@code Authorization} response header value {@code OTS <accessKeyId>:<Base64(HMAC-SHA1)>}.
     *
     * @param secretOrSigningKey the AccessKeySecret the request was signed with, or the V4 signing key string
     *                           when the request used V4
     * @param responseHeaders    exactly the headers that will be sent (only {@code x-ots-*} ones are signed)
     */
    public static String responseAuthorization(String accessKeyId, String secretOrSigningKey, String action,
                                               Map<String, String> responseHeaders) {
        return "OTS " + accessKeyId + ":" + signV2(secretOrSigningKey, responseStringToSign(action, responseHeaders));
    }

    /** Compares two signatures in time independent of where they differ; null equals nothing. */
    public static boolean constantTimeEquals(String expected, String actual) {
        if (expected == null || actual == null) {
            return false;
        }
        return MessageDigest.isEqual(utf8(expected), utf8(actual));
    }

    private static TreeMap<String, String> canonicalRequestHeaders(Map<String, String> headers) {
        TreeMap<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> e : headers.entrySet()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith(OtsHeaders.PREFIX)
                    && !name.equals(OtsHeaders.SIGNATURE) && !name.equals(OtsHeaders.SIGNATURE_V4)) {
                putUnique(sorted, name, e.getValue() == null ? "" : e.getValue().trim());
            }
        }
        return sorted;
    }

    private static void putUnique(TreeMap<String, String> map, String name, String value) {
        String previous = map.put(name, value);
        if (previous != null && !previous.equals(value)) {
            throw new IllegalArgumentException("header '" + name + "' appears twice with different values");
        }
    }

    private static String stripLeadingSlashes(String action) {
        int i = 0;
        while (i < action.length() && action.charAt(i) == '/') {
            i++;
        }
        return action.substring(i);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] hmac(ThreadLocal<Mac> macs, byte[] key, byte[] message) {
        Mac mac = macs.get();
        try {
            // SecretKeySpec rejects an empty key; HMAC zero-pads keys, so one zero byte is the same key.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, mac.getAlgorithm()));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(mac.getAlgorithm() + " refused a raw key", e); // never: HMAC takes any
        }
        return mac.doFinal(message); // doFinal resets the Mac, so the thread's next init starts clean
    }

    private static Mac newMac(String algorithm) {
        try {
            return Mac.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required by every Java platform", e);
        }
    }
}
