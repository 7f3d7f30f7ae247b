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
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every Java platform", e);
        }
    }
}
