package io.tunnelstore.coordinator;

/** Kind of channel, reported as {@code ChannelInfo.channel_type} (exactly "BaseData" or "Stream"). */
public enum ChannelKind {
    /** One key range of the table's full data; always ends TERMINATED. */
    BASE_DATA("BaseData"),
    /** One stream shard; opened only after all its parents are TERMINATED. */
    STREAM("Stream");

    private final String wireName;

    ChannelKind(String wireName) {
        this.wireName = wireName;
    }

    /** String used in {@code ChannelInfo.channel_type}. */
    public String wireName() {
        return wireName;
    }
}
