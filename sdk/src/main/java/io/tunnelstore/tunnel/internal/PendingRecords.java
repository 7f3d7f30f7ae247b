package io.tunnelstore.tunnel.internal;

import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.tunnel.StreamRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The records of one read, held until their callback runs. A ReadRecords answer keeps its records as the wire
 * {@code Record}s (views of the response body) and decodes them only when the batch is handed to the processor: a
 * batch waiting in a channel's read-ahead queue then holds about a quarter of the memory its decoded
 * {@link StreamRecord}s would, and the decoded objects live only for the callback, so they die young instead of
 * being copied by every young collection while they wait (issue 13: GC was a fifth to a third of the worker's CPU).
 * Thread-safe (immutable).
 */
public abstract sealed class PendingRecords {
    private static final PendingRecords NONE = decoded(List.of());

    private PendingRecords() {}

    /** Records already decoded (fakes, tests). */
    public static PendingRecords decoded(List<StreamRecord> records) {
        return new Decoded(List.copyOf(records));
    }

    /** No records. */
    public static PendingRecords none() {
        return NONE;
    }

    /** The wire records of a ReadRecords answer, decoded by {@link #decode()}. */
    static PendingRecords wire(List<TunnelProtos.Record> records) {
        return records.isEmpty() ? NONE : new Wire(records);
    }

    /** How many records. */
    public abstract int size();

    public final boolean isEmpty() {
        return size() == 0;
    }

    /**
     * The records in channel order (unmodifiable), decoded now if they are still on the wire (each call decodes
     * again).
     *
     * @throws TunnelTransportException ({@code OTSClientError}) if a record is malformed
     */
    public abstract List<StreamRecord> decode();

    private static final class Decoded extends PendingRecords {
        private final List<StreamRecord> records;

        Decoded(List<StreamRecord> records) {
            this.records = records;
        }

        @Override
        public int size() {
            return records.size();
        }

        @Override
        public List<StreamRecord> decode() {
            return records;
        }
    }

    private static final class Wire extends PendingRecords {
        private final List<TunnelProtos.Record> records;

        Wire(List<TunnelProtos.Record> records) {
            this.records = Objects.requireNonNull(records, "records");
        }

        @Override
        public int size() {
            return records.size();
        }

        @Override
        public List<StreamRecord> decode() {
            List<StreamRecord> out = new ArrayList<>(records.size());
            for (TunnelProtos.Record rec : records) {
                try {
                    out.add(RecordDecoder.decode(rec));
                } catch (IllegalArgumentException e) {
                    throw new TunnelTransportException("undecodable record in ReadRecords response: "
                            + e.getMessage(), e);
                }
            }
            return java.util.Collections.unmodifiableList(out);
        }
    }
}
