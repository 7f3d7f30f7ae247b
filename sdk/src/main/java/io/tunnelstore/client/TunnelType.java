package io.tunnelstore.client;

import io.tunnelstore.protocol.tunnel.TunnelNames;

/** What a tunnel delivers. */
public enum TunnelType {
    /** A snapshot of the table's existing rows, then the tunnel ends. */
    BASE_DATA(TunnelNames.BASE_DATA),
    /** The table's change stream from the configured start point. */
    STREAM(TunnelNames.STREAM),
    /** The snapshot first, then every change after it. */
    BASE_AND_STREAM(TunnelNames.BASE_AND_STREAM);

    private final String wireName;

    TunnelType(String wireName) {
        this.wireName = wireName;
    }

    /** The string used on the wire ({@code BaseData}, {@code Stream}, {@code BaseAndStream}). */
    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException for an unknown wire string */
    public static TunnelType fromWireName(String name) {
        for (TunnelType t : values()) {
            if (t.wireName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown tunnel type '" + name + "'");
    }
}
