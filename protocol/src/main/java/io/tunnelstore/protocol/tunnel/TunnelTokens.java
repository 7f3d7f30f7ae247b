package io.tunnelstore.protocol.tunnel;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.tunnelstore.protocol.pb.TunnelProtos.Token;
import io.tunnelstore.protocol.pb.TunnelProtos.TokenContent;
import io.tunnelstore.protocol.pb.TunnelProtos.TokenContentV2;
import java.util.Base64;

/**
 * Tunnel channel tokens in the shape both SDKs inspect (PROTOCOL.md §6.1): standard Base64 (padded, no line
 * breaks) of {@code Token{version, content}} where version 2 content is a {@link TokenContentV2} and version 1
 * content a {@link TokenContent}. A token is a stream token when its {@code iterator} is non-empty. The literal
 * {@link #FINISHED} marks an exhausted channel and is not a token. Stateless and thread-safe.
 */
public final class TunnelTokens {

    /** The sentinel returned as {@code next_token}/checkpoint when a channel is exhausted. */
    public static final String FINISHED = "finished";

    private TunnelTokens() {
    }

    /** Base64(Token{version 2, content}). */
    public static String encode(TokenContentV2 content) {
        Token token = Token.newBuilder().setVersion(2).setContent(content.toByteString()).build();
        return Base64.getEncoder().encodeToString(token.toByteArray());
    }

    /**
     * Decodes a token; version 1 contents are converted to {@link TokenContentV2} (without total_count).
     *
     * @throws IllegalArgumentException with a message saying what is wrong for null, {@link #FINISHED},
     *                                  non-Base64 text, bytes that are not a Token, or an unknown version
     */
    public static TokenContentV2 decode(String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("tunnel token is empty");
        }
        if (FINISHED.equals(token)) {
            throw new IllegalArgumentException("'finished' is the end-of-channel sentinel, not a token");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tunnel token is not valid Base64: " + e.getMessage(), e);
        }
        Token parsed;
        try {
            parsed = Token.parseFrom(raw);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("tunnel token is not a Token message: " + e.getMessage(), e);
        }
        ByteString content = parsed.getContent();
        try {
            if (parsed.getVersion() == 2) {
                return TokenContentV2.parseFrom(content);
            }
            if (parsed.getVersion() == 1) {
                TokenContent v1 = TokenContent.parseFrom(content);
                TokenContentV2.Builder b = TokenContentV2.newBuilder();
                if (v1.hasPrimaryKey()) {
                    b.setPrimaryKey(v1.getPrimaryKey());
                }
                if (v1.hasIterator()) {
                    b.setIterator(v1.getIterator());
                }
                if (v1.hasTimestamp()) {
                    b.setTimestamp(v1.getTimestamp());
                }
                return b.build();
            }
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("tunnel token content (version " + parsed.getVersion()
                    + ") is malformed: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("unsupported tunnel token version " + parsed.getVersion());
    }

    /** True if the token decodes and has a non-empty iterator (what the SDKs check); false for anything else. */
    public static boolean isStreamToken(String token) {
        try {
            return !decode(token).getIterator().isEmpty();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
