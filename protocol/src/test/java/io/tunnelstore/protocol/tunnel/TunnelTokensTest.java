package io.tunnelstore.protocol.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alicloud.openservices.tablestore.tunnel.pipeline.Utils;
import com.google.protobuf.ByteString;
import io.tunnelstore.protocol.pb.TunnelProtos.Token;
import io.tunnelstore.protocol.pb.TunnelProtos.TokenContent;
import io.tunnelstore.protocol.pb.TunnelProtos.TokenContentV2;
import java.util.Base64;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class TunnelTokensTest {

    @Test
    void streamTokenRoundTripsAndIsRecognisedByTheOfficialSdk() throws Exception {
        TokenContentV2 c = TokenContentV2.newBuilder().setIterator("shard-1:42").setTimestamp(1700L).setTotalCount(3).build();
        String token = TunnelTokens.encode(c);
        assertThat(TunnelTokens.decode(token)).isEqualTo(c);
        assertThat(TunnelTokens.isStreamToken(token)).isTrue();
        assertThat(Utils.isStreamToken(token)).isTrue();
        assertThat(Utils.parseRequestToken(token).getIterator()).isEqualTo("shard-1:42");
        assertThat(Utils.parseRequestToken(token).getTotalCount()).isEqualTo(3);
        assertThat(token).doesNotContain("\n");
    }

    @Test
    void baseDataTokenIsNotAStreamToken() throws Exception {
        TokenContentV2 c = TokenContentV2.newBuilder().setPrimaryKey(ByteString.copyFrom(new byte[] {0x75, 0, 0, 0})).setTotalCount(10).build();
        String token = TunnelTokens.encode(c);
        assertThat(TunnelTokens.decode(token)).isEqualTo(c);
        assertThat(TunnelTokens.isStreamToken(token)).isFalse();
        assertThat(Utils.isStreamToken(token)).isFalse();
    }

    @Test
    void exactEncoding() {
        // Token{version=2 (08 02), content=TokenContentV2{iterator="a"} (12 03 | 12 01 61)}
        String token = TunnelTokens.encode(TokenContentV2.newBuilder().setIterator("a").build());
        assertThat(Base64.getDecoder().decode(token)).containsExactly(0x08, 0x02, 0x12, 0x03, 0x12, 0x01, 0x61);
    }

    @Test
    void versionOneTokensAreAccepted() {
        TokenContent v1 = TokenContent.newBuilder().setIterator("it").setTimestamp(5).setPrimaryKey(ByteString.copyFromUtf8("pk")).build();
        String token = Base64.getEncoder().encodeToString(
                Token.newBuilder().setVersion(1).setContent(v1.toByteString()).build().toByteArray());
        TokenContentV2 decoded = TunnelTokens.decode(token);
        assertThat(decoded.getIterator()).isEqualTo("it");
        assertThat(decoded.getTimestamp()).isEqualTo(5);
        assertThat(decoded.getPrimaryKey().toStringUtf8()).isEqualTo("pk");
        assertThat(decoded.hasTotalCount()).isFalse();
        assertThat(TunnelTokens.isStreamToken(token)).isTrue();
    }

    @Test
    void garbageIsRejectedWithClearMessages() {
        assertThatThrownBy(() -> TunnelTokens.decode(TunnelTokens.FINISHED)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sentinel");
        assertThatThrownBy(() -> TunnelTokens.decode("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> TunnelTokens.decode(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TunnelTokens.decode("not base64!")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Base64");
        assertThatThrownBy(() -> TunnelTokens.decode("AAAA")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Token");
        String v3 = Base64.getEncoder().encodeToString(Token.newBuilder().setVersion(3).setContent(ByteString.EMPTY).build().toByteArray());
        assertThatThrownBy(() -> TunnelTokens.decode(v3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unsupported tunnel token version 3");
        assertThat(TunnelTokens.isStreamToken("finished")).isFalse();
        assertThat(TunnelTokens.isStreamToken(null)).isFalse();
        assertThat(TunnelTokens.isStreamToken("%%%")).isFalse();
    }

    @Property(tries = 300)
    void randomContentsRoundTrip(@ForAll String iterator, @ForAll byte[] pk, @ForAll long ts, @ForAll long count) {
        TokenContentV2 c = TokenContentV2.newBuilder().setIterator(new String(iterator.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.UTF_8)).setPrimaryKey(ByteString.copyFrom(pk)).setTimestamp(ts).setTotalCount(count).build();
        String token = TunnelTokens.encode(c);
        assertThat(TunnelTokens.decode(token)).isEqualTo(c);
        assertThat(TunnelTokens.isStreamToken(token)).isEqualTo(!c.getIterator().isEmpty());
    }

    @Property(tries = 300)
    void randomTextNeverThrowsAnythingButIllegalArgument(@ForAll String text) {
        try {
            TunnelTokens.decode(text);
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }
}
