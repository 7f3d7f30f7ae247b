package io.tunnelstore.server.tunnel;

import io.tunnelstore.protocol.pb.TunnelProtos.Record;
import java.util.List;

/**
 * The result of reading one channel once.
 *
 * @param records       wire records, in order
 * @param next          position after the records; {@code null} when the channel is finished (the response
 *                      carries the {@code finished} sentinel)
 * @param mayHaveMore   whether more records are available right now (ReadRecords {@code may_more_record})
 * @param lastCommitMicros commit time (µs) of the last stream record returned; 0 for base data or no record
 */
record ReadBatch(List<Record> records, ChannelPosition next, boolean mayHaveMore, long lastCommitMicros) {
    ReadBatch {
        records = List.copyOf(records);
    }

    boolean finished() {
        return next == null;
    }
}
