package io.tunnelstore.tunnel.internal;

import io.tunnelstore.protocol.pb.TunnelProtos;
import java.util.Base64;

/**
 * Classifies a channel from its start token (PROTOCOL.md §6.1): base64 {@code Token{version, content}} whose
 * content ({@code TokenContent} v1 or {@code TokenContentV2} v2) has a non-empty iterator is a stream channel.
 * An unparseable token counts as stream: the worst case is a 10 ms poll back-off on an idle base channel, where
 * the opposite mistake (Java's choice) busy-polls an idle stream channel. Thread-safe.
 */
public final class StreamTokens {
    private StreamTokens() {
    }

    /** True if the token denotes a stream (incremental) channel position. */
    public static boolean isStream(String token) {
        if (token == null || token.isEmpty()) {
            return true;
        }
        try {
            TunnelProtos.Token t = TunnelProtos.Token.parseFrom(Base64.getDecoder().decode(token));
            if (t.getVersion() == 1) {
                return !TunnelProtos.TokenContent.parseFrom(t.getContent()).getIterator().isEmpty();
            }
            if (t.getVersion() == 2) {
                return !TunnelProtos.TokenContentV2.parseFrom(t.getContent()).getIterator().isEmpty();
            }
            return true;
        } catch (Exception e) {
            return true;
        }
    }
}
