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
    void baseSnapshotIdRoundTripsAndVersionOneValuesReadTheLiveTable() {
        TunnelDefinition d = new TunnelDefinition("tid", "inst", "orders", 7, "sync", TunnelType.BASE_DATA,
                TunnelDefinition.StreamRange.LATEST, "", 1234,
                List.of(new TunnelDefinition.BaseChannelSpec("BaseData_0000-0000", new KeyRange(null, null))),
                List.of(), "base-tid", false);
        byte[] v2 = StoredTunnelCodec.encode(d, new byte[] {7});
        assertThat(StoredTunnelCodec.decode(v2).definition()).isEqualTo(d);

        // a version-1 value is the version-2 layout without the snapshot id
        TunnelDefinition live = new TunnelDefinition("tid", "inst", "orders", 7, "sync", TunnelType.BASE_DATA,
                TunnelDefinition.StreamRange.LATEST, "", 1234, d.baseChannels(), List.of());
        byte[] withEmptyId = StoredTunnelCodec.encode(live, new byte[] {7});
        // UTF "" (2 bytes) + flag (1 byte) before the int length and the 1 snapshot byte
        int idAt = withEmptyId.length - 4 - 1 - 3;
        byte[] v1 = new byte[withEmptyId.length - 3];
        System.arraycopy(withEmptyId, 0, v1, 0, idAt);
        System.arraycopy(withEmptyId, idAt + 3, v1, idAt, withEmptyId.length - idAt - 3);
        v1[0] = 1;
        assertThat(StoredTunnelCodec.decode(v1).definition()).isEqualTo(live);
    }

    @Test
    void garbageIsRejected() {
        assertThatThrownBy(() -> StoredTunnelCodec.decode(new byte[] {9, 9})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoredTunnelCodec.decode(new byte[] {1, 0})).isInstanceOf(IllegalArgumentException.class);
    }
}
