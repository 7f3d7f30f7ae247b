package io.tunnelstore.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.pb.TunnelProtos.TokenContentV2;
import io.tunnelstore.protocol.tunnel.TunnelTokens;
import org.junit.jupiter.api.Test;

class TunnelTokenCodecTest {

    @Test
    void baseTokensCarryTheRowKeyAndCountAndAreNotStreamTokens() {
        String token = TunnelTokenCodec.encode(new ChannelPosition.Base(new byte[] {0x10, 0, 7}, 42));
        TokenContentV2 content = TunnelTokens.decode(token);
        assertThat(content.getIterator()).isEmpty();
        assertThat(content.getPrimaryKey().toByteArray()).containsExactly(0x10, 0, 7);
        assertThat(content.getTotalCount()).isEqualTo(42);
        assertThat(TunnelTokens.isStreamToken(token)).isFalse();
        assertThat(TunnelTokenCodec.decode(token)).isEqualTo(new ChannelPosition.Base(new byte[] {0x10, 0, 7}, 42));
    }

    @Test
    void streamTokensCarryShardSequenceTimeAndCountAndAreStreamTokens() {
        ChannelPosition.Stream pos = new ChannelPosition.Stream(3, 1001, 1_700_000_000_000_000L, 9);
        String token = TunnelTokenCodec.encode(pos);
        TokenContentV2 content = TunnelTokens.decode(token);
        assertThat(content.getIterator()).isEqualTo("3:1001");
        assertThat(content.getTimestamp()).isEqualTo(1_700_000_000_000_000L);
        assertThat(content.getTotalCount()).isEqualTo(9);
        assertThat(TunnelTokens.isStreamToken(token)).isTrue();
        assertThat(TunnelTokenCodec.decode(token)).isEqualTo(pos);
    }

    @Test
    void foreignOrBrokenTokensAreRejectedWithAReason() {
        assertThatThrownBy(() -> TunnelTokenCodec.decode("finished")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TunnelTokenCodec.decode("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TunnelTokenCodec.decode("%%%")).hasMessageContaining("Base64");
        String badIterator = TunnelTokens.encode(TokenContentV2.newBuilder().setIterator("shard-x").build());
        assertThatThrownBy(() -> TunnelTokenCodec.decode(badIterator)).hasMessageContaining("shard-x");
        String zeroSeq = TunnelTokens.encode(TokenContentV2.newBuilder().setIterator("1:0").build());
        assertThatThrownBy(() -> TunnelTokenCodec.decode(zeroSeq)).isInstanceOf(IllegalArgumentException.class);
    }
}
