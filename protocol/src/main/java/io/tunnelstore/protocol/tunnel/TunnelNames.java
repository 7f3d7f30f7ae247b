package io.tunnelstore.protocol.tunnel;

/**
 * The tunnel service's wire strings that the server and the SDK both spell (DescribeTunnel / ListTunnel /
 * CreateTunnel): tunnel types, channel types and tunnel stages. The official Java SDK parses them with exact enum
 * lookups, so they must match byte for byte; the server's coordinator and the SDK's public enums take them from here.
 */
public final class TunnelNames {

    /** Tunnel type and channel type: the table's full data. */
    public static final String BASE_DATA = "BaseData";
    /** Tunnel type and channel type: the change stream. */
    public static final String STREAM = "Stream";
    /** Tunnel type: full data, then the stream. */
    public static final String BASE_AND_STREAM = "BaseAndStream";

    /** Stage: created, channels not known yet. */
    public static final String STAGE_INIT_BASE_DATA_AND_STREAM_SHARD = "InitBaseDataAndStreamShard";
    /** Stage: base channels are handed out. */
    public static final String STAGE_PROCESS_BASE_DATA = "ProcessBaseData";
    /** Stage: every base channel is done; stream channels are handed out. */
    public static final String STAGE_PROCESS_STREAM = "ProcessStream";

    private TunnelNames() {
    }
}
