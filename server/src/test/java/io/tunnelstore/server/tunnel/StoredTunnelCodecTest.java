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
        byte[] snapshot = {1, 2, 3};

        StoredTunnelCodec.StoredTunnel back = StoredTunnelCodec.decode(StoredTunnelCodec.encode(d, snapshot));

        assertThat(back.definition()).isEqualTo(d);
        assertThat(back.snapshot()).containsExactly(1, 2, 3);
        assertThat(StoredTunnelCodec.key("inst", "tid")).isEqualTo("tunnel/inst/tid");
    }

    @Test
    void garbageIsRejected() {
        assertThatThrownBy(() -> StoredTunnelCodec.decode(new byte[] {9, 9})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoredTunnelCodec.decode(new byte[] {1, 0})).isInstanceOf(IllegalArgumentException.class);
    }
}
