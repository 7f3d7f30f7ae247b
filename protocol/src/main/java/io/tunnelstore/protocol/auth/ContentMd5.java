package io.tunnelstore.protocol.auth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** {@code x-ots-contentmd5}: standard Base64 (padded) of the MD5 of the body bytes as sent (PROTOCOL.md §2.2). */
public final class ContentMd5 {

    private ContentMd5() {
    }

    /** Base64(MD5(body)); the empty body gives {@code 1B2M2Y8AsgTpgAmY7PhCfg==}. */
    public static String base64(byte[] body) {
        return Base64.getEncoder().encodeToString(DIGESTS.get().digest(body)); // digest() also resets it
    }

    /**
     * One MD5 digest per thread: {@code MessageDigest.getInstance} walks the security providers on every call, and
     * every request and response computes this once on each side. A digest is not thread-safe.
     */
    private static final ThreadLocal<MessageDigest> DIGESTS = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every Java platform", e);
        }
    });
}
