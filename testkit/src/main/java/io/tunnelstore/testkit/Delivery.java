package io.tunnelstore.testkit;

import io.tunnelstore.tunnel.SequenceInfo;
import io.tunnelstore.tunnel.StreamRecord;
import java.util.List;
import java.util.Objects;

/**
 * One record as a {@link RecordingProcessor} received it.
 *
 * @param channelId the channel it came from
 * @param clientId  the worker session (client id) that processed it
 * @param record    the record
 */
public record Delivery(String channelId, String clientId, StreamRecord record) {
    public Delivery {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(record, "record");
    }

    /**
     * What makes two deliveries "the same change": the stream position for stream records (unique per change),
     * or the primary key and columns for full-data rows (which carry no position).
     */
    public Object identity() {
        return record.sequenceInfo().<Object>map(SequenceInfo::serialize)
                .orElseGet(() -> List.of(record.primaryKey(), record.columns()));
    }
}
