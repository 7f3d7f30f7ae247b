package io.tunnelstore.server.tunnel;

import com.google.protobuf.ByteString;
import io.tunnelstore.protocol.pb.TunnelProtos.GetRpoRequest;
import io.tunnelstore.protocol.pb.TunnelProtos.GetRpoResponse;
import io.tunnelstore.coordinator.TunnelCoordinator;
import io.tunnelstore.coordinator.TunnelDescription;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;

/**
 * The Go SDK's {@code tunnel/getrpo} and {@code tunnel/getrpobyoffset}: the tunnel's and every channel's consume
 * progress as the two JSON documents the Go SDK {@code json.Unmarshal}s (PROTOCOL.md §6.7):
 *
 * <pre>
 * rpo_infos        = {"&lt;tunnelId&gt;": {"&lt;channelId&gt;": {"ChannelTyp": "BaseData"|"Stream", "Status": "&lt;channel status&gt;",
 *                                              "TotalCount": n, "AccessTime": ns, "RpoTime": ns}}}
 * tunnel_rpo_infos = {"&lt;tunnelId&gt;": {"Status": "&lt;stage&gt;", "TotalCount": n, "AccessTime": ns, "RpoTime": ns}}
 * tunnel_id        = the tunnel id
 * </pre>
 *
 * Per channel: {@code Status} as DescribeTunnel shows it (WAIT, OPEN, CLOSING, TERMINATED), {@code TotalCount} the
 * rows acknowledged by checkpoints, {@code AccessTime} the time of the last accepted checkpoint and {@code RpoTime}
 * the consume point (DescribeTunnel's {@code channel_rpo}), both in nanoseconds since the epoch (0 = never), like
 * every time of the tunnel messages. Per tunnel: the stage ({@code Expired} once expired or disabled), the sum of the
 * counts, the newest checkpoint time and the tunnel RPO (DescribeTunnel's {@code tunnel_rpo}). Which ids key the
 * public service's maps is not visible in the SDK; these keys are our choice (docs/compatibility.md).
 *
 * <p>Thread-safe (stateless apart from the registry).
 */
final class TunnelRpo {
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final TunnelRegistry registry;

    TunnelRpo(TunnelRegistry registry) {
        this.registry = registry;
    }

    CompletionStage<GetRpoResponse> getRpo(String instance, GetRpoRequest request) {
        TunnelRuntime rt = registry.require(instance, request.getTunnelId());
        return rt.call(TunnelCoordinator::describe).thenApply(d -> response(rt.tunnelId(), d));
    }

    static GetRpoResponse response(String tunnelId, TunnelDescription d) {
        StringBuilder channels = new StringBuilder("{").append(quote(tunnelId)).append(":{");
        long total = 0;
        long lastAccess = 0;
        boolean first = true;
        for (TunnelDescription.ChannelView c : d.channels()) {
            if (!first) {
                channels.append(',');
            }
            first = false;
            channels.append(quote(c.channelId())).append(":{\"ChannelTyp\":").append(quote(c.kind().wireName()))
                    .append(",\"Status\":").append(quote(c.status().name()))
                    .append(",\"TotalCount\":").append(c.consumedCount())
                    .append(",\"AccessTime\":").append(c.lastCheckpointMillis() * NANOS_PER_MILLI)
                    .append(",\"RpoTime\":").append(c.rpoMillis() * NANOS_PER_MILLI).append('}');
            total += c.consumedCount();
            lastAccess = Math.max(lastAccess, c.lastCheckpointMillis());
        }
        channels.append("}}");
        String status = d.expired() ? "Expired" : d.stage().wireName();
        String tunnel = "{" + quote(tunnelId) + ":{\"Status\":" + quote(status) + ",\"TotalCount\":" + total
                + ",\"AccessTime\":" + lastAccess * NANOS_PER_MILLI
                + ",\"RpoTime\":" + d.tunnelRpoMillis() * NANOS_PER_MILLI + "}}";
        return GetRpoResponse.newBuilder()
                .setRpoInfos(ByteString.copyFrom(channels.toString(), StandardCharsets.UTF_8))
                .setTunnelRpoInfos(ByteString.copyFrom(tunnel, StandardCharsets.UTF_8))
                .setTunnelId(tunnelId)
                .build();
    }

    /** A JSON string (RFC 8259 escaping). */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (ch < 0x20) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
