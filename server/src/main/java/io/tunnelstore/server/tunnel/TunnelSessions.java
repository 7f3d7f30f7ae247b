package io.tunnelstore.server.tunnel;

import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.protocol.pb.TunnelProtos.CheckpointRequest;
import io.tunnelstore.protocol.pb.TunnelProtos.CheckpointResponse;
import io.tunnelstore.protocol.pb.TunnelProtos.ConnectRequest;
import io.tunnelstore.protocol.pb.TunnelProtos.ConnectResponse;
import io.tunnelstore.protocol.pb.TunnelProtos.GetCheckpointRequest;
import io.tunnelstore.protocol.pb.TunnelProtos.GetCheckpointResponse;
import io.tunnelstore.protocol.pb.TunnelProtos.HeartbeatRequest;
import io.tunnelstore.protocol.pb.TunnelProtos.HeartbeatResponse;
import io.tunnelstore.protocol.pb.TunnelProtos.ShutdownRequest;
import io.tunnelstore.protocol.pb.TunnelProtos.ShutdownResponse;
import io.tunnelstore.coordinator.ChannelAssignment;
import io.tunnelstore.coordinator.ChannelReport;
import io.tunnelstore.protocol.tunnel.ChannelStatus;
import io.tunnelstore.coordinator.CheckpointResult;
import io.tunnelstore.coordinator.ConnectResult;
import io.tunnelstore.coordinator.GetCheckpointResult;
import io.tunnelstore.coordinator.HeartbeatResult;
import io.tunnelstore.coordinator.Rejection;
import io.tunnelstore.coordinator.ShutdownResult;
import io.tunnelstore.coordinator.TunnelCoordinator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The worker-facing calls that only touch the coordinator: ConnectTunnel, Heartbeat, ShutdownTunnel,
 * GetCheckpoint and Checkpoint. Each runs on the tunnel's queue; durable changes are saved before the response.
 * Coordinator refusals become their wire errors ({@link TunnelErrors#of}).
 *
 * <p>Thread-safe (stateless apart from its collaborators).
 */
final class TunnelSessions {
    /** Heartbeat timeout assumed when a client sends none (both SDKs default to 300 s). */
    static final long DEFAULT_CLIENT_TIMEOUT_SECONDS = 300;

    private final TunnelRegistry registry;
    private final Clock clock;

    TunnelSessions(TunnelRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    CompletionStage<ConnectResponse> connect(String instance, ConnectRequest request) {
        TunnelRuntime rt = registry.require(instance, request.getTunnelId());
        long timeoutSeconds = request.hasClientConfig() && request.getClientConfig().hasTimeout()
                ? request.getClientConfig().getTimeout() : DEFAULT_CLIENT_TIMEOUT_SECONDS;
        if (timeoutSeconds <= 0 || timeoutSeconds > Long.MAX_VALUE / 1000) {
            throw TunnelErrors.invalid("client timeout must be a positive number of seconds: %d", timeoutSeconds);
        }
        String tag = request.hasClientConfig() ? request.getClientConfig().getClientTag() : "";
        long now = clock.millis();
        return rt.call(c -> c.connect(now, timeoutSeconds * 1000, tag)).thenApply(r -> {
            if (r instanceof ConnectResult.Connected ok) {
                return ConnectResponse.newBuilder().setClientId(ok.clientId()).build();
            }
            throw TunnelErrors.of((Rejection) r);
        });
    }

    CompletionStage<HeartbeatResponse> heartbeat(String instance, HeartbeatRequest request) {
        TunnelRuntime rt = registry.require(instance, request.getTunnelId());
        List<ChannelReport> reports = new ArrayList<>(request.getChannelsCount());
        for (TunnelProtos.Channel ch : request.getChannelsList()) {
            Optional<ChannelStatus> status = ChannelStatus.fromWireNumber(ch.getStatus().getNumber());
            status.ifPresent(s -> reports.add(new ChannelReport(ch.getChannelId(), ch.getVersion(), s)));
        }
        long now = clock.millis();
        return rt.call(c -> c.heartbeat(now, request.getClientId(), reports)).thenApply(r -> {
            if (!(r instanceof HeartbeatResult.Assigned ok)) {
                throw TunnelErrors.of((Rejection) r);
            }
            HeartbeatResponse.Builder out = HeartbeatResponse.newBuilder();
            for (ChannelAssignment a : ok.channels()) {
                out.addChannels(TunnelProtos.Channel.newBuilder()
                        .setChannelId(a.channelId())
                        .setVersion(a.version())
                        .setStatus(TunnelProtos.ChannelStatus.forNumber(a.status().wireNumber())));
            }
            return out.build();
        });
    }

    CompletionStage<ShutdownResponse> shutdown(String instance, ShutdownRequest request) {
        TunnelRuntime rt = registry.require(instance, request.getTunnelId());
        long now = clock.millis();
        return rt.call(c -> c.shutdown(now, request.getClientId())).thenApply(r -> {
            if (r instanceof ShutdownResult.Released) {
                return ShutdownResponse.getDefaultInstance();
            }
            throw TunnelErrors.of((Rejection) r);
        });
    }

    CompletionStage<GetCheckpointResponse> getCheckpoint(String instance, GetCheckpointRequest request) {
        TunnelRuntime rt = registry.require(instance, request.getTunnelId());
        return rt.call(c -> c.getCheckpoint(request.getClientId(), request.getChannelId())).thenApply(r -> {
            if (r instanceof GetCheckpointResult.Found ok) {
                return GetCheckpointResponse.newBuilder()
                        .setCheckpoint(ok.token()).setSequenceNumber(ok.sequenceNumber()).build();
            }
            throw TunnelErrors.of((Rejection) r);
        });
    }

    CompletionStage<CheckpointResponse> checkpoint(String instance, CheckpointRequest request) {
        TunnelRuntime rt = registry.require(instance, request.getTunnelId());
        String token = request.getCheckpoint();
        // The token's total count (rows consumed up to it) becomes the channel's consumed count ("finished" has none:
        // the coordinator then takes the count of the last batch served).
        long consumed = TunnelCoordinator.UNKNOWN_COUNT;
        if (!TunnelTokenCodec.FINISHED.equals(token)) {
            try {
                consumed = TunnelTokenCodec.decode(token).totalCount(); // garbage is refused now, not on every read
            } catch (IllegalArgumentException e) {
                throw TunnelErrors.invalid("invalid checkpoint: %s", e.getMessage());
            }
        }
        long now = clock.millis();
        long count = consumed;
        return rt.call(c -> c.checkpoint(now, request.getClientId(), request.getChannelId(), request.getCheckpoint(),
                request.getSequenceNumber(), count)).thenApply(r -> {
                    if (r instanceof CheckpointResult.Accepted) {
                        return CheckpointResponse.getDefaultInstance();
                    }
                    throw TunnelErrors.of((Rejection) r);
                });
    }
}
