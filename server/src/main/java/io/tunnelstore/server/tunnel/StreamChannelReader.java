package io.tunnelstore.server.tunnel;

import com.google.protobuf.ByteString;
import io.tunnelstore.protocol.model.SequenceInfo;
import io.tunnelstore.protocol.pb.TunnelProtos.ActionType;
import io.tunnelstore.protocol.pb.TunnelProtos.Record;
import io.tunnelstore.server.table.ChangeRecord;
import io.tunnelstore.server.table.ChangeRecordCodec;
import io.tunnelstore.storage.LogBounds;
import io.tunnelstore.storage.LogRecord;
import io.tunnelstore.storage.StorageEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a stream channel: the change log of one shard from a sequence number, each record with its action type,
 * the stream-form row with the sequence-info extension {@code (epoch 0, commit time µs, row index)} and the origin
 * row when the table keeps origin columns (PROTOCOL.md §5.10).
 *
 * <p>The row index is the log sequence number (clamped to int), so ordering records by sequence info matches log
 * order even when several commits share a microsecond.
 *
 * <p>Stateless apart from the engine; thread-safe; blocks on storage I/O.
 */
final class StreamChannelReader {
    private final StorageEngine storage;

    StreamChannelReader(StorageEngine storage) {
        this.storage = storage;
    }

    /**
     * If records at and after {@code from} were trimmed away by retention, the position right after the last trimmed
     * record (the oldest kept one, or the next append of a shard trimmed empty); the caller records the loss. Empty
     * when nothing the channel still wanted was trimmed.
     *
     * <p>Decided by sequence numbers alone ({@link StorageEngine#trimmedThrough}): the channel lost data exactly when
     * its next sequence is at or below the shard's highest trimmed sequence. So a shard trimmed empty is told apart
     * from a caught-up one at once, and a position minted after the trim (see {@link StreamStartResolver}) never
     * raises a false alarm, whatever the clocks say.
     */
    Optional<ChannelPosition.Stream> trimmedResumePosition(long tableId, ChannelPosition.Stream from) {
        long trimmedThrough = storage.trimmedThrough(tableId, from.shardId());
        if (from.nextSequence() > trimmedThrough) {
            return Optional.empty();
        }
        LogBounds bounds = storage.logBounds(tableId, from.shardId());
        long resumeAt = bounds.isEmpty() ? trimmedThrough + 1 : Math.max(bounds.firstSequence(), trimmedThrough + 1);
        return Optional.of(new ChannelPosition.Stream(from.shardId(), resumeAt, from.consumedUpToMicros(),
                from.totalCount()));
    }

    /**
     * Reads up to {@code maxRecords} records (about {@code maxBytes}) from {@code from}.
     *
     * @param endMicros exclusive end of the tunnel's time range in µs ({@code 0} = unbounded): a record committed
     *                  at or after it is not returned and the batch is finished; once {@code nowMicros} reaches it
     *                  and the shard is drained, the batch is finished too
     * @param shardClosed the shard was closed by a partition split (no more appends): once drained, the batch is
     *                  finished (PROTOCOL.md §6.2), so the channel terminates and its children open
     */
    ReadBatch read(long tableId, ChannelPosition.Stream from, long endMicros, long nowMicros, boolean shardClosed,
                   int maxRecords, long maxBytes) {
        List<LogRecord> log = storage.readLog(tableId, from.shardId(), from.nextSequence(), maxRecords, maxBytes);
        List<Record> records = new ArrayList<>(log.size());
        long nextSeq = from.nextSequence();
        long consumedUpTo = from.consumedUpToMicros();
        boolean reachedEnd = false;
        for (LogRecord entry : log) {
            if (endMicros > 0 && entry.commitTimeMicros() >= endMicros) {
                reachedEnd = true;
                break;
            }
            records.add(toWire(entry));
            nextSeq = entry.sequence() + 1;
            consumedUpTo = entry.commitTimeMicros();
        }
        long count = from.totalCount() + records.size();
        if (reachedEnd) {
            return new ReadBatch(records, null, false, consumedUpTo);
        }
        LogBounds bounds = storage.logBounds(tableId, from.shardId());
        boolean more = !bounds.isEmpty() && nextSeq <= bounds.lastSequence();
        if (!more && (shardClosed || (endMicros > 0 && nowMicros >= endMicros))) {
            return new ReadBatch(records, null, false, consumedUpTo);
        }
        ChannelPosition.Stream next = new ChannelPosition.Stream(from.shardId(), nextSeq, consumedUpTo, count);
        return new ReadBatch(records, next, more, records.isEmpty() ? 0 : consumedUpTo);
    }

    private static Record toWire(LogRecord entry) {
        ChangeRecord change = ChangeRecordCodec.decode(entry.payload());
        int rowIndex = (int) Math.min(Integer.MAX_VALUE, entry.sequence());
        byte[] row = ChangeRecordCodec.wireRecord(change,
                new SequenceInfo(ChangeRecordCodec.EPOCH, change.commitTimeMicros(), rowIndex));
        Record.Builder wire = Record.newBuilder()
                .setActionType(ActionType.forNumber(change.actionType().getNumber()))
                .setRecord(ByteString.copyFrom(row));
        byte[] origin = ChangeRecordCodec.wireOriginRecord(change);
        if (origin != null) {
            wire.setOriginRecord(ByteString.copyFrom(origin));
        }
        return wire.build();
    }
}
