package io.tunnelstore.tunnel.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The heartbeat merge rule (TUNNEL-SEMANTICS §1.3 step 1): the result holds exactly the channels of the server
 * response; for each, the local entry wins only if its version is strictly higher (ties go to the server).
 * Pure function; thread-safe.
 */
public final class ChannelMerge {
    private ChannelMerge() {
    }

    /** Merges; iteration order of the result follows the server response. */
    public static Map<String, ChannelState> merge(Map<String, ChannelState> local, List<ChannelState> server) {
        Map<String, ChannelState> merged = new LinkedHashMap<>();
        for (ChannelState s : server) {
            ChannelState l = local.get(s.channelId());
            merged.put(s.channelId(), l != null && l.version() > s.version() ? l : s);
        }
        return merged;
    }
}
