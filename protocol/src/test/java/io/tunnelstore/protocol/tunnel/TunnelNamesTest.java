package io.tunnelstore.protocol.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The shared wire strings and channel statuses against the official Java SDK's enums (the compatibility oracle). */
class TunnelNamesTest {

    @Test
    void tunnelTypesAreTheOfficialSdksNames() {
        assertThat(Arrays.stream(com.alicloud.openservices.tablestore.model.tunnel.TunnelType.values())
                .map(Enum::name)).containsExactly(TunnelNames.BASE_DATA, TunnelNames.STREAM,
                TunnelNames.BASE_AND_STREAM);
    }

    @Test
    void channelTypesAreTheOfficialSdksNames() {
        assertThat(Arrays.stream(com.alicloud.openservices.tablestore.model.tunnel.ChannelType.values())
                .map(Enum::name)).containsExactly(TunnelNames.BASE_DATA, TunnelNames.STREAM);
    }

    @Test
    void stagesAreTheOfficialSdksNames() {
        assertThat(Arrays.stream(com.alicloud.openservices.tablestore.model.tunnel.TunnelStage.values())
                .map(Enum::name)).containsExactly(TunnelNames.STAGE_INIT_BASE_DATA_AND_STREAM_SHARD,
                TunnelNames.STAGE_PROCESS_BASE_DATA, TunnelNames.STAGE_PROCESS_STREAM);
    }

    @Test
    void channelStatusesAreTheOfficialSdksNames() {
        assertThat(Arrays.stream(com.alicloud.openservices.tablestore.model.tunnel.ChannelStatus.values())
                .map(Enum::name)).containsExactly(Arrays.stream(ChannelStatus.values()).map(Enum::name)
                .toArray(String[]::new));
    }
}
