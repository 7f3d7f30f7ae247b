package io.tunnelstore.client;

import java.time.Instant;
import java.util.List;

/**
 * A tunnel's channel checkpoints ({@link AdminClient#showCheckpoints}).
 *
 * @param tunnelId       tunnel id
 * @param tableName      table
 * @param tunnelName     tunnel name
 * @param tunnelType     {@code BaseData}, {@code Stream} or {@code BaseAndStream}
 * @param stage          {@code ProcessBaseData}, {@code ProcessStream}, ...
 * @param channels       by channel id
 * @param retentionStart oldest time a rewind may go to, or {@code null} (no stream)
 * @param serverTime     the server's time of the answer
 */
public record TunnelCheckpoints(String tunnelId, String tableName, String tunnelName, String tunnelType, String stage,
                                List<ChannelCheckpoint> channels, Instant retentionStart, Instant serverTime) {
    public TunnelCheckpoints {
        channels = List.copyOf(channels);
    }
}
