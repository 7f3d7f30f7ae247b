package io.tunnelstore.coordinator;

import io.tunnelstore.protocol.tunnel.TunnelNames;

/** Kind of tunnel; decides which channel kinds it may hold and which stage it starts in. */
public enum TunnelType {
    /** Full data only: base channels, then the stage reports ProcessStream (the "full data done" signal). */
    BASE_DATA(TunnelNames.BASE_DATA, 1),
    /** Incremental only: stream channels, ProcessStream right after initialisation. */
    STREAM(TunnelNames.STREAM, 2),
    /** Full data, then the stream from the creation point. */
    BASE_AND_STREAM(TunnelNames.BASE_AND_STREAM, 3);

    private final String wireName;
    private final int wireNumber;

    TunnelType(String wireName, int wireNumber) {
        this.wireName = wireName;
        this.wireNumber = wireNumber;
    }

    /** String used in {@code TunnelInfo.tunnel_type}. */
    public String wireName() {
        return wireName;
    }

    /** Number of the protobuf {@code TunnelType} enum used in CreateTunnel. */
    public int wireNumber() {
        return wireNumber;
    }

    /** True when channels of {@code kind} belong in a tunnel of this type. */
    public boolean allows(ChannelKind kind) {
        return switch (this) {
            case BASE_DATA -> kind == ChannelKind.BASE_DATA;
            case STREAM -> kind == ChannelKind.STREAM;
            case BASE_AND_STREAM -> true;
        };
    }

    /** @throws IllegalArgumentException for an unknown wire string */
    public static TunnelType fromWireName(String name) {
        for (TunnelType t : values()) {
            if (t.wireName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown tunnel type: " + name);
    }

    /** @throws IllegalArgumentException for an unknown wire number */
    public static TunnelType fromWireNumber(int number) {
        for (TunnelType t : values()) {
            if (t.wireNumber == number) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown tunnel type number: " + number);
    }
}
