package io.tunnelstore.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.protocol.pb.TunnelProtos.TokenContentV2;
import io.tunnelstore.protocol.tunnel.TunnelTokens;
import org.junit.jupiter.api.Test;

/** Stream cursors in checkpoint tokens: only the tunnel service's {@code <shard>:<nextSeq>} shape yields a lag. */
class TunnelStatusReaderTest {

    @Test
    void readsTheShardAndNextSequenceOfStreamTokens() {
        String token = TunnelTokens.encode(TokenContentV2.newBuilder().setIterator("3:42").setTimestamp(7).build());
        assertThat(TunnelStatusReader.streamCursor(token)).hasValueSatisfying(c -> assertThat(c).containsExactly(3, 42));
    }

    @Test
    void anythingElseIsUnknown() {
        assertThat(TunnelStatusReader.streamCursor(TunnelTokens.FINISHED)).isEmpty();
        assertThat(TunnelStatusReader.streamCursor("not base64 !")).isEmpty();
        assertThat(TunnelStatusReader.streamCursor(TunnelTokens.encode(TokenContentV2.newBuilder().build())))
                .isEmpty(); // a base-data token
        for (String iterator : new String[] {"x:1", "1:y", ":5", "5", "2:0"}) {
            assertThat(TunnelStatusReader.streamCursor(TunnelTokens.encode(
                    TokenContentV2.newBuilder().setIterator(iterator).build()))).as(iterator).isEmpty();
        }
    }
}
