package io.tunnelstore.tunnel.internal;

import io.tunnelstore.tunnel.StreamRecord;
import java.util.List;

/**
 * One ReadRecords response: its records still as they came (decoded when handed to the processor, see
 * {@link PendingRecords}), everything else decoded.
 *
 * @param pending   the records in channel order
 * @param nextToken the position after these records; {@code null} when the channel is finished (the wire
 *                  sentinel {@code finished} is translated to null by the adapter)
 * @param mayMore   true when the server has more data immediately available (wire {@code may_more_record}, or
 *                  when absent the SDK heuristic: more than 500 records or 900 KiB)
 * @param resyncBegin a re-baseline begins before these records (Tunnelstore extension), else null
 * @param resyncEnd   a re-baseline ends after these records, else null
 * @param wireBytes   the records' size in the response (what the worker's byte budget counts); 0 when unknown
 * @param timing      stage times of the read when traced, else null
 */
public record ReadResult(PendingRecords pending, String nextToken, boolean mayMore,
                         io.tunnelstore.tunnel.ResyncMarker resyncBegin, io.tunnelstore.tunnel.ResyncMarker resyncEnd,
                         long wireBytes, io.tunnelstore.tunnel.ReadTiming timing) {
    public ReadResult {
        java.util.Objects.requireNonNull(pending, "pending");
        if (wireBytes < 0) {
            throw new IllegalArgumentException("wireBytes < 0: " + wireBytes);
        }
    }

    /** A result of decoded records with re-baseline markers, of unknown size and without timing. */
    public ReadResult(List<StreamRecord> records, String nextToken, boolean mayMore,
                      io.tunnelstore.tunnel.ResyncMarker resyncBegin, io.tunnelstore.tunnel.ResyncMarker resyncEnd) {
        this(PendingRecords.decoded(records), nextToken, mayMore, resyncBegin, resyncEnd, 0, null);
    }

    /** A result of decoded records of a known size without markers or timing. */
    public ReadResult(List<StreamRecord> records, String nextToken, boolean mayMore, long wireBytes) {
        this(PendingRecords.decoded(records), nextToken, mayMore, null, null, wireBytes, null);
    }

    /** A result of decoded records without re-baseline markers. */
    public ReadResult(List<StreamRecord> records, String nextToken, boolean mayMore) {
        this(PendingRecords.decoded(records), nextToken, mayMore, null, null, 0, null);
    }

    /**
     * The records, decoded now (see {@link PendingRecords#decode()}).
     *
     * @throws TunnelTransportException if a record is malformed
     */
    public List<StreamRecord> records() {
        return pending.decode();
    }

    /** True when the batch carries a re-baseline marker. */
    public boolean hasMarkers() {
        return resyncBegin != null || resyncEnd != null;
    }

    /** True when this batch ends the channel. */
    public boolean finished() {
        return nextToken == null;
    }
}
