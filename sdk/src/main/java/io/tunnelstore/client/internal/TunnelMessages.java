package io.tunnelstore.client.internal;

import io.tunnelstore.client.ChannelInfo;
import io.tunnelstore.client.CreateTunnelRequest;
import io.tunnelstore.client.TunnelDescription;
import io.tunnelstore.client.TunnelInfo;
import io.tunnelstore.client.TunnelStreamConfig;
import io.tunnelstore.client.TunnelType;
import io.tunnelstore.protocol.pb.TunnelProtos;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Conversions between the public tunnel-management model and the wire messages (PROTOCOL.md §4.4). Times on
 * the wire are nanoseconds since the epoch; a zero or absent time maps to {@code null}. Unknown enum strings
 * raise {@link IllegalArgumentException}.
 */
public final class TunnelMessages {

    private TunnelMessages() {
    }

    public static TunnelProtos.CreateTunnelRequest createTunnel(CreateTunnelRequest r) {
        TunnelProtos.Tunnel.Builder t = TunnelProtos.Tunnel.newBuilder()
                .setTableName(r.tableName())
                .setTunnelName(r.tunnelName())
                .setTunnelType(toProto(r.type()));
        if (r.rebaseline() != null) {
            t.setTunnelstoreRebaseline(r.rebaseline());
        }
        if (r.streamConfig() != null) {
            t.setStreamTunnelConfig(streamConfig(r.streamConfig()));
        }
        return TunnelProtos.CreateTunnelRequest.newBuilder().setTunnel(t).build();
    }

    static TunnelProtos.StreamTunnelConfig streamConfig(TunnelStreamConfig c) {
        TunnelProtos.StreamTunnelConfig.Builder b = TunnelProtos.StreamTunnelConfig.newBuilder()
                .setFlag(c.startFrom() == TunnelStreamConfig.StartFrom.EARLIEST
                        ? TunnelProtos.StartOffsetFlag.EARLIEST : TunnelProtos.StartOffsetFlag.LATEST);
        if (c.startTime() != null) {
            b.setStartOffset(toNanos(c.startTime()));
        }
        if (c.endTime() != null) {
            b.setEndOffset(toNanos(c.endTime()));
        }
        return b.build();
    }

    static TunnelProtos.TunnelType toProto(TunnelType t) {
        return switch (t) {
            case BASE_DATA -> TunnelProtos.TunnelType.BaseData;
            case STREAM -> TunnelProtos.TunnelType.Stream;
            case BASE_AND_STREAM -> TunnelProtos.TunnelType.BaseAndStream;
        };
    }

    public static TunnelInfo tunnelInfo(TunnelProtos.TunnelInfo i) {
        return new TunnelInfo(i.getTunnelId(), i.getTunnelName(), i.getTableName(), i.getInstanceName(),
                TunnelType.fromWireName(i.getTunnelType()), TunnelInfo.Stage.fromWireName(i.getStage()),
                i.getExpired(), i.hasCreateTime() ? fromNanos(i.getCreateTime()) : null, i.getStreamId());
    }

    public static List<TunnelInfo> listTunnels(TunnelProtos.ListTunnelResponse r) {
        List<TunnelInfo> out = new ArrayList<>(r.getTunnelsCount());
        for (TunnelProtos.TunnelInfo i : r.getTunnelsList()) {
            out.add(tunnelInfo(i));
        }
        return List.copyOf(out);
    }

    public static TunnelDescription describeTunnel(TunnelProtos.DescribeTunnelResponse r) {
        List<ChannelInfo> channels = new ArrayList<>(r.getChannelsCount());
        for (TunnelProtos.ChannelInfo c : r.getChannelsList()) {
            channels.add(new ChannelInfo(c.getChannelId(),
                    ChannelInfo.Type.fromWireName(c.getChannelType()),
                    ChannelInfo.Status.fromWireName(c.getChannelStatus()),
                    c.hasClientId() && !c.getClientId().isEmpty() ? c.getClientId() : null,
                    c.hasChannelRpo() ? fromNanos(c.getChannelRpo()) : null,
                    c.getChannelCount()));
        }
        List<io.tunnelstore.client.TunnelHistoryEvent> history = new ArrayList<>();
        for (TunnelProtos.TunnelstoreEvent e : r.getTunnelstoreEventsList()) {
            history.add(new io.tunnelstore.client.TunnelHistoryEvent(Instant.ofEpochMilli(e.getAtMillis()),
                    e.getKind(), e.getChannelId().isEmpty() ? null : e.getChannelId(), e.getDetail(),
                    e.getActor().isEmpty() ? null : e.getActor()));
        }
        return new TunnelDescription(tunnelInfo(r.getTunnel()), channels,
                r.hasTunnelRpo() ? fromNanos(r.getTunnelRpo()) : null, history,
                r.hasTunnelstoreTimeUntilLossMs() ? java.time.Duration.ofMillis(r.getTunnelstoreTimeUntilLossMs())
                        : null,
                r.hasTunnelstoreRebaseline() ? r.getTunnelstoreRebaseline() : null);
    }

    /** Nanoseconds since the epoch → instant; 0 (or negative) means "not set". */
    public static Instant fromNanos(long nanos) {
        return nanos <= 0 ? null : Instant.ofEpochSecond(0, nanos);
    }

    /** Instant → nanoseconds since the epoch. @throws ArithmeticException beyond year 2262 */
    public static long toNanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }
}
