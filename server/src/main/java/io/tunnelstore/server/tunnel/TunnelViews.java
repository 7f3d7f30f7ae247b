package io.tunnelstore.server.tunnel;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The tunnel service's in-process views, offered to the other modules of the same server through
 * {@link io.tunnelstore.server.ServerServices} ({@link TunnelModule} provides it). Richer than the wire
 * DescribeTunnel: clients that hold no channel, client tags, heartbeats and decoded checkpoint positions.
 */
@FunctionalInterface
public interface TunnelViews {

    /**
     * Every tunnel of {@code instance} (by table, then name) with its coordinator description; tunnels deleted
     * meanwhile are left out. Thread-safe; never blocks (the stage completes on the tunnels' queues).
     */
    CompletionStage<List<TunnelView>> tunnels(String instance);
}
