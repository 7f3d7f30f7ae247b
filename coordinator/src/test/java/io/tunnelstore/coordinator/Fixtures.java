package io.tunnelstore.coordinator;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import java.util.ArrayList;
import java.util.List;

/** Small builders shared by the coordinator tests. */
final class Fixtures {

    static final long TIMEOUT = 30_000;

    private Fixtures() {}

    static List<ChannelDefinition> baseChannels(int count) {
        List<ChannelDefinition> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(ChannelDefinition.base("BaseData_" + i, "base-token-" + i));
        }
        return list;
    }

    static TunnelCoordinator baseTunnel(int channels) {
        return TunnelCoordinator.createInitialized("t1", TunnelType.BASE_DATA, baseChannels(channels),
                ClientIdGenerator.sequential());
    }

    static String connect(TunnelCoordinator c, long now, String tag) {
        return ((ConnectResult.Connected) c.connect(now, TIMEOUT, tag)).clientId();
    }

    static List<ChannelAssignment> listing(HeartbeatResult r) {
        if (!(r instanceof HeartbeatResult.Assigned a)) {
            throw new AssertionError("heartbeat rejected: " + r);
        }
        return a.channels();
    }

    static List<ChannelAssignment> beat(TunnelCoordinator c, long now, String client, ChannelReport... reports) {
        return listing(c.heartbeat(now, client, List.of(reports)));
    }

    static ChannelAssignment open(String id, long version) {
        return new ChannelAssignment(id, version, ChannelStatus.OPEN);
    }

    static ChannelAssignment closing(String id, long version) {
        return new ChannelAssignment(id, version, ChannelStatus.CLOSING);
    }

    static ChannelReport report(String id, long version, ChannelStatus status) {
        return new ChannelReport(id, version, status);
    }

    static TunnelDescription.ChannelView channel(TunnelCoordinator c, String id) {
        return c.describe().channels().stream().filter(v -> v.channelId().equals(id)).findFirst().orElseThrow();
    }
}
