package io.tunnelstore.coordinator;

import io.tunnelstore.protocol.tunnel.TunnelNames;
import java.util.EnumSet;
import java.util.Set;

/**
 * Stage of a tunnel as reported in {@code TunnelInfo.stage} (Java parses it with an enum lookup, so the wire
 * strings are exact).
 *
 * <pre>
 *   INIT_BASE_DATA_AND_STREAM_SHARD --initialize--> PROCESS_BASE_DATA --all base channels TERMINATED--> PROCESS_STREAM
 *                 \-----------------initialize (Stream tunnel, or no base channels)-------------------/
 * </pre>
 */
public enum TunnelStage {
    /** Created; channels not yet known. DescribeTunnel lists zero channels. */
    INIT_BASE_DATA_AND_STREAM_SHARD(TunnelNames.STAGE_INIT_BASE_DATA_AND_STREAM_SHARD),
    /** Base channels are handed out; stream channels (if any) wait. */
    PROCESS_BASE_DATA(TunnelNames.STAGE_PROCESS_BASE_DATA),
    /** Every base channel is TERMINATED; stream channels are handed out parent-before-child. */
    PROCESS_STREAM(TunnelNames.STAGE_PROCESS_STREAM);

    private final String wireName;
    private Set<TunnelStage> next = Set.of();

    static {
        INIT_BASE_DATA_AND_STREAM_SHARD.next = EnumSet.of(PROCESS_BASE_DATA, PROCESS_STREAM);
        PROCESS_BASE_DATA.next = EnumSet.of(PROCESS_STREAM);
    }

    TunnelStage(String wireName) {
        this.wireName = wireName;
    }

    /** String used in {@code TunnelInfo.stage}. */
    public String wireName() {
        return wireName;
    }

    /** True when the stage machine allows moving from this stage to {@code target}. */
    public boolean canTransitionTo(TunnelStage target) {
        return next.contains(target);
    }

    /** @throws IllegalArgumentException for an unknown wire string */
    public static TunnelStage fromWireName(String name) {
        for (TunnelStage s : values()) {
            if (s.wireName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown tunnel stage: " + name);
    }
}
