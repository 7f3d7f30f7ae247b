package io.tunnelstore.server.tunnel;

import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.protocol.pb.TunnelProtos.ScheduleRequest;
import io.tunnelstore.protocol.pb.TunnelProtos.ScheduleResponse;
import io.tunnelstore.protocol.tunnel.ChannelStatus;
import io.tunnelstore.coordinator.Rejection;
import io.tunnelstore.coordinator.ScheduleResult;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The Go SDK's {@code tunnel/schedule} operator call: suspend (CLOSING), resume (OPEN) or terminate (TERMINATED)
 * channels. The request's channel versions are placeholders (Go sends 0) and are ignored: the coordinator picks the
 * versions, and clients see the change through their heartbeats.
 *
 * <p>All channels of one request are applied on the tunnel's queue in one call, in request order; the first refused
 * channel fails the call with its wire error (channels before it stay applied, each change is valid on its own).
 * Thread-safe (stateless apart from its collaborators).
 */
final class TunnelScheduling {
    private final TunnelRegistry registry;
    private final Clock clock;

    TunnelScheduling(TunnelRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    CompletionStage<ScheduleResponse> schedule(String instance, ScheduleRequest request) {
        List<Request> requests = new ArrayList<>(request.getChannelsCount());
        for (TunnelProtos.Channel ch : request.getChannelsList()) {
            ChannelStatus status = ChannelStatus.fromWireNumber(ch.getStatus().getNumber())
                    .orElseThrow(() -> TunnelErrors.invalid("invalid channel status for %s", ch.getChannelId()));
            requests.add(new Request(ch.getChannelId(), status));
        }
        return schedule(instance, request.getTunnelId(), requests)
                .thenApply(v -> ScheduleResponse.getDefaultInstance());
    }

    /** Applies {@code requests} to one tunnel; fails with the wire error of the first refused channel. */
    CompletionStage<Void> schedule(String instance, String tunnelId, List<Request> requests) {
        TunnelRuntime rt = registry.require(instance, tunnelId);
        long now = clock.millis();
        // The refusal is thrown after the call, so the channels applied before it are saved like any change.
        return rt.call(c -> {
            for (Request r : requests) {
                ScheduleResult result = c.schedule(now, r.channelId(), r.status());
                if (result instanceof Rejection rejection) {
                    return rejection;
                }
            }
            return null;
        }).thenAccept(rejection -> {
            if (rejection != null) {
                throw TunnelErrors.of(rejection);
            }
        });
    }

    /** One channel of a schedule request. */
    record Request(String channelId, ChannelStatus status) {}
}
