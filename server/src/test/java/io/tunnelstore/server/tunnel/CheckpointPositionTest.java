package io.tunnelstore.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.pb.TunnelProtos.TokenContentV2;
import io.tunnelstore.protocol.tunnel.TunnelTokens;
import org.junit.jupiter.api.Test;

/**
 * The tunnel service decodes its own checkpoint tokens for monitoring (metrics and the console read
 * {@link TunnelView#checkpoints()} instead of parsing the {@code <shard>:<nextSeq>} cursor themselves).
 */
class CheckpointPositionTest {

    @Test
    void streamTokensGiveTheShardAndNextSequence() {
        String token = TunnelTokens.encode(TokenContentV2.newBuilder().setIterator("3:42").setTimestamp(7)
                .setTotalCount(5).build());
        assertThat(CheckpointPosition.of(token)).isEqualTo(new CheckpointPosition.Stream(3, 42, 7, 5));
    }

    @Test
    void finishedAndBaseTokens() {
        assertThat(CheckpointPosition.of(TunnelTokens.FINISHED)).isEqualTo(new CheckpointPosition.Finished());
        assertThat(CheckpointPosition.of(TunnelTokens.encode(TokenContentV2.newBuilder().setTotalCount(9).build())))
                .isEqualTo(new CheckpointPosition.Base(9));
    }

    @Test
    void tokensTheServiceNeverMintsAreRefused() {
        assertThatThrownBy(() -> CheckpointPosition.of("not base64 !")).isInstanceOf(IllegalArgumentException.class);
        for (String iterator : new String[] {"x:1", "1:y", ":5", "5", "2:0"}) {
            assertThatThrownBy(() -> CheckpointPosition.of(TunnelTokens.encode(
                    TokenContentV2.newBuilder().setIterator(iterator).build())))
                    .as(iterator).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aRoundTripThroughTheCodecKeepsThePosition() {
        String token = TunnelTokenCodec.encode(new ChannelPosition.Stream(4, 100, 1_700_000_000_000_000L, 12));
        assertThat(CheckpointPosition.of(token))
                .isEqualTo(new CheckpointPosition.Stream(4, 100, 1_700_000_000_000_000L, 12));
    }
}
