package io.tunnelstore.coordinator;

import io.tunnelstore.protocol.tunnel.TunnelNames;

/** Kind of channel, reported as {@code ChannelInfo.channel_type} (exactly "BaseData" or "Stream"). */
public enum ChannelKind {
    /** One key range of the table's full data; always ends TERMINATED. */
    BASE_DATA(TunnelNames.BASE_DATA),
    /** One stream shard; opened only after all its parents are TERMINATED. */
    STREAM(TunnelNames.STREAM);

    private final String wireName;

    ChannelKind(String wireName) {
        this.wireName = wireName;
    }

    /** String used in {@code ChannelInfo.channel_type}. */
    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException for an unknown wire string */
    public static ChannelKind fromWireName(String name) {
        for (ChannelKind k : values()) {
            if (k.wireName.equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown channel kind " + name);
    }
}
