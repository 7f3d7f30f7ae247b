package io.tunnelstore.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.server.tunnel.coordinator.TunnelType;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoredTunnelCodecTest {

    @Test
    void definitionAndSnapshotRoundTrip() {
        TunnelDefinition d = new TunnelDefinition("tid", "inst", "orders", 7, "sync", TunnelType.BASE_AND_STREAM,
                new TunnelDefinition.StreamRange(true, 0, 99_000), "stream-1", 1234,
                List.of(new TunnelDefinition.BaseChannelSpec("BaseData_0000-0000", new KeyRange(null, new byte[] {5})),
                        new TunnelDefinition.BaseChannelSpec("BaseData_0000-0001", new KeyRange(new byte[] {5}, null))),
                List.of(new TunnelDefinition.StreamChannelSpec("Stream_1", 1)));
        StoredTunnelCodec.StoredTunnel back = StoredTunnelCodec.decode(StoredTunnelCodec.encode(d));
        assertThat(back.definition()).isEqualTo(d);
        assertThat(back.legacySnapshot()).isNull();
        assertThat(StoredTunnelCodec.key("inst", "tid")).isEqualTo("tunnel/inst/tid");

        // the format of earlier releases (definition + whole snapshot) is still read
        StoredTunnelCodec.StoredTunnel legacy = StoredTunnelCodec.decode(
                StoredTunnelCodec.encodeVersion1(d, new byte[] {1, 2, 3}));
        assertThat(legacy.definition()).isEqualTo(d);
        assertThat(legacy.legacySnapshot()).containsExactly(1, 2, 3);
    }

    @Test
    void garbageIsRejected() {
        assertThatThrownBy(() -> StoredTunnelCodec.decode(new byte[] {9, 9})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoredTunnelCodec.decode(new byte[] {1, 0})).isInstanceOf(IllegalArgumentException.class);
    }
}
