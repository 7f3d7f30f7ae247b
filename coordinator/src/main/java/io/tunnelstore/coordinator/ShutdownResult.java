package io.tunnelstore.coordinator;

import java.util.List;

/** Outcome of {@link TunnelCoordinator#shutdown}. */
public sealed interface ShutdownResult permits ShutdownResult.Released, Rejection {
    /** The session is gone; {@code channelIds} were released (CLOSE) and are re-assignable. */
    record Released(List<String> channelIds) implements ShutdownResult {
        public Released {
            channelIds = List.copyOf(channelIds);
        }
    }
}
