package io.tunnelstore.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.coordinator.TunnelType;
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
    void baseSnapshotIdAndRebaselineFlagRoundTripAndOlderVersionsDecodeWithDefaults() {
        TunnelDefinition d = new TunnelDefinition("tid", "inst", "orders", 7, "sync", TunnelType.BASE_AND_STREAM,
                TunnelDefinition.StreamRange.LATEST, "s", 1234,
                List.of(new TunnelDefinition.BaseChannelSpec("BaseData_0000-0000", new KeyRange(null, null))),
                List.of(), "base-tid", false);
        byte[] v3 = StoredTunnelCodec.encode(d);
        assertThat(v3[0]).isEqualTo((byte) 3);
        assertThat(StoredTunnelCodec.decode(v3).definition()).isEqualTo(d);

        // version 1 and 2 values have neither field: live base reads, re-baselining on
        TunnelDefinition defaults = new TunnelDefinition("tid", "inst", "orders", 7, "sync",
                TunnelType.BASE_AND_STREAM, TunnelDefinition.StreamRange.LATEST, "s", 1234, d.baseChannels(),
                List.of());
        assertThat(StoredTunnelCodec.decode(StoredTunnelCodec.encodeVersion1(d, new byte[] {1})).definition())
                .isEqualTo(defaults);
        byte[] v2 = java.util.Arrays.copyOf(v3, v3.length - 2 - "base-tid".length() - 1);
        v2[0] = 2;
        assertThat(StoredTunnelCodec.decode(v2).definition()).isEqualTo(defaults);
    }

    @Test
    void garbageIsRejected() {
        assertThatThrownBy(() -> StoredTunnelCodec.decode(new byte[] {9, 9})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoredTunnelCodec.decode(new byte[] {1, 0})).isInstanceOf(IllegalArgumentException.class);
    }
}
