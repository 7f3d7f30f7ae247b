package io.tunnelstore.server.http;

import io.tunnelstore.protocol.auth.OtsHeaders;
import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Undoes the optional Java-SDK request compression (PROTOCOL.md §1.4): {@code x-ots-request-compress-type: deflate}
 * means a zlib stream (RFC 1950). The MD5 was already checked over the compressed bytes. Stateless.
 */
final class RequestBodies {

    private RequestBodies() {}

    /**
     * Returns the body to parse: {@code wireBody} itself, or its inflation.
     *
     * @throws OtsException {@code OTSParameterInvalid} for an unknown compression type, a corrupt stream, or an
     *                      inflated size above {@code maxInflatedBytes} or different from the declared size
     */
    static byte[] decode(Map<String, String> headers, byte[] wireBody, long maxInflatedBytes) {
        String type = headers.get(OtsHeaders.REQUEST_COMPRESS_TYPE);
        if (type == null || type.isBlank()) {
            return wireBody;
        }
        if (!"deflate".equalsIgnoreCase(type.strip())) {
            throw OtsException.of(ErrorCode.PARAMETER_INVALID, "Unsupported request compress type: %s", type.strip());
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(wireBody);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, wireBody.length * 4));
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw OtsException.of(ErrorCode.PARAMETER_INVALID, "Truncated deflate request body.");
                }
                out.write(buffer, 0, n);
                if (out.size() > maxInflatedBytes) {
                    throw OtsException.of(ErrorCode.REQUEST_BODY_TOO_LARGE,
                            "The inflated request body is larger than %d bytes.", maxInflatedBytes);
                }
            }
            String declared = headers.get(OtsHeaders.REQUEST_COMPRESS_SIZE);
            if (declared != null && !declared.strip().equals(Integer.toString(out.size()))) {
                throw OtsException.of(ErrorCode.PARAMETER_INVALID,
                        "x-ots-request-compress-size %s does not match the inflated size %d.", declared.strip(),
                        out.size());
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw OtsException.of(ErrorCode.PARAMETER_INVALID, "Corrupt deflate request body: %s", e.getMessage());
        } finally {
            inflater.end();
        }
    }
}
